import { Breadcrumb, Flex, Typography } from 'antd';
import Link from 'next/link';
import type { ReactNode } from 'react';

export type Crumb = { title: string; href?: string };

/** The heading of a console page: breadcrumbs, its one `h1` (ui.md) and the page's actions. */
export function PageHeader({
  title,
  crumbs = [],
  extra,
}: {
  title: ReactNode;
  crumbs?: Crumb[];
  extra?: ReactNode;
}) {
  return (
    <div style={{ marginBottom: 16 }}>
      {crumbs.length > 0 && (
        <Breadcrumb
          style={{ marginBottom: 8 }}
          items={crumbs.map((c) => ({ title: c.href ? <Link href={c.href}>{c.title}</Link> : c.title }))}
        />
      )}
      <Flex justify="space-between" align="center" gap={12} wrap>
        <Typography.Title
          level={1}
          style={{ margin: 0, minWidth: 0, overflowWrap: 'anywhere', fontSize: 24, lineHeight: 1.35 }}
        >
          {title}
        </Typography.Title>
        {extra && (
          <Flex gap={8} wrap>
            {extra}
          </Flex>
        )}
      </Flex>
    </div>
  );
}
