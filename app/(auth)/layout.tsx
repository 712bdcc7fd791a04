import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { auth } from '@/lib/auth/next-auth';

/** Signed-in people have nothing to do here. */
export default async function AuthLayout({ children }: { children: ReactNode }) {
  if (await auth()) redirect('/projects');
  return children;
}
