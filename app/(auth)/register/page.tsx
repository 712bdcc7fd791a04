import { RegisterForm } from '@/components/auth/register-form';

export const metadata = { title: 'Create an account' };

export default function RegisterPage() {
  return <RegisterForm />;
}
