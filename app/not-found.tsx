import { cookies } from 'next/headers';
import { NotFoundView } from '@/components/common/not-found-view';
import { ConsoleShell } from '@/components/shell/console-shell';
import { auth } from '@/lib/auth/next-auth';
import { ORG_COOKIE } from '@/lib/client/org-cookie';

export const metadata = { title: 'Not found' };

/**
 * Every "not found" of the app, unknown routes and `notFound()` of the object pages alike: HTTP 404, in the
 * console's shell for a signed-in person (the sign-in link otherwise).
 */
export default async function NotFound() {
  if (!(await auth())) {
    return (
      <>
        <a href="#main" className="skip-link">
          Skip to main content
        </a>
        <main id="main" tabIndex={-1} style={{ padding: 48, outline: 'none' }}>
          <NotFoundView />
        </main>
      </>
    );
  }
  const org = (await cookies()).get(ORG_COOKIE)?.value || null;
  return (
    <ConsoleShell initialOrg={org}>
      <NotFoundView />
    </ConsoleShell>
  );
}
