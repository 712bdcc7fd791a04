import { RegisterForm } from '@/components/auth/register-form';

export const metadata = { title: 'Create an account · Herald' };

export default function RegisterPage() {
  return <RegisterForm />;
}
