'use client';

import { Layout, Menu } from 'antd';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { OrgProvider, useOrg } from '@/lib/client/org-context';
import { DisabledWebhooksBadge } from './disabled-webhooks-badge';
import { InvitationsBanner } from './invitations-banner';
import { OrgSwitcher } from './org-switcher';
import styles from './shell.module.css';
import { UserMenu } from './user-menu';

/** The console's frame: top bar (logo, navigation, organization switcher, user menu) and the page. */
export function ConsoleShell({ initialOrg, children }: { initialOrg: string | null; children: ReactNode }) {
  return (
    <OrgProvider initialOrg={initialOrg}>
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <Layout style={{ minHeight: '100vh' }}>
        <TopBar />
        <Layout.Content className={styles.content}>
          <main id="main" tabIndex={-1} style={{ outline: 'none' }}>
            <InvitationsBanner />
            {children}
          </main>
        </Layout.Content>
      </Layout>
    </OrgProvider>
  );
}

function TopBar() {
  const pathname = usePathname();
  const { org } = useOrg();
  const items = [
    { key: '/projects', label: <Link href="/projects">Projects</Link> },
    { key: '/tasks', label: <Link href="/tasks">Tasks</Link> },
    { key: '/jobs', label: <Link href="/jobs">Jobs</Link> },
    ...(org
      ? [
          {
            key: '/organizations',
            label: <Link href={`/organizations/${encodeURIComponent(org)}`}>Organization</Link>,
          },
        ]
      : []),
  ];
  const selected = items
    .filter((i) => pathname === i.key || pathname.startsWith(`${i.key}/`))
    .map((i) => i.key);
  return (
    <header className={styles.header}>
      <Link href="/projects" className={styles.logo}>
        {/* eslint-disable-next-line @next/next/no-img-element -- a 24 px mark from public/, nothing for next/image to optimise */}
        <img
          src="/icon-192.png"
          alt=""
          width={24}
          height={24}
          style={{ verticalAlign: 'middle', marginRight: 8 }}
        />
        Herald
      </Link>
      <nav aria-label="Main" className={styles.nav}>
        {/* Only the current section is underlined (shell.module.css): focus and hover get a ring and a colour. */}
        <Menu
          mode="horizontal"
          selectedKeys={selected}
          items={items}
          style={{ borderBottom: 'none', minWidth: 0 }}
        />
      </nav>
      <div className={styles.tools}>
        <DisabledWebhooksBadge />
        <OrgSwitcher className={styles.orgSelect} />
        <UserMenu nameClassName={styles.username} />
      </div>
    </header>
  );
}
