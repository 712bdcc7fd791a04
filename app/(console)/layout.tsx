import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { ConsoleShell } from '@/components/shell/console-shell';
import { auth } from '@/lib/auth/next-auth';
import { ORG_COOKIE } from '@/lib/client/org-cookie';

/** Every console page needs a session; the selected organization comes from its cookie. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  if (!session) redirect('/login');
  const org = (await cookies()).get(ORG_COOKIE)?.value || null;
  return <ConsoleShell initialOrg={org}>{children}</ConsoleShell>;
}
