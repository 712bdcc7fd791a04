'use client';

import { Button, Result } from 'antd';
import { usePathname } from 'next/navigation';

const NAMES: Record<string, string> = {
  projects: 'Project',
  tasks: 'Task',
  jobs: 'Job',
  webhooks: 'Webhook',
  organizations: 'Organization',
};
const LISTS: Record<string, { href: string; label: string }> = {
  projects: { href: '/projects', label: 'Back to projects' },
  tasks: { href: '/tasks', label: 'Back to tasks' },
  jobs: { href: '/jobs', label: 'Back to jobs' },
};

/** What was not found, read from the address: "Webhook #999", or the page itself. */
function describe(pathname: string): { what: string; back: { href: string; label: string } } {
  const [section, key] = pathname
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  const name = section ? NAMES[section] : undefined;
  const back = (section && LISTS[section]) || { href: '/projects', label: 'Back to projects' };
  if (name && key) return { what: `${name} ${/^\d+$/.test(key) ? `#${key}` : `"${key}"`}`, back };
  return { what: `The page ${pathname}`, back };
}

/** The one not-found page (HTTP 404): inside the app's header, says what was not found, and links back. */
export function NotFoundView() {
  const pathname = usePathname() ?? '/';
  const { what, back } = describe(pathname);
  return (
    <Result
      status="404"
      title={<h1 style={{ fontSize: 24, margin: 0 }}>Not found</h1>}
      subTitle={`${what} does not exist, or it was deleted.`}
      extra={
        <Button type="primary" href={back.href}>
          {back.label}
        </Button>
      }
    />
  );
}
