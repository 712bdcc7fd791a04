'use client';

import { WarningOutlined } from '@ant-design/icons';
import { Badge, Button, Dropdown } from 'antd';
import Link from 'next/link';
import { useApiQuery } from '@/lib/client/hooks';
import type { Paginated } from '@/lib/client/types';
import type { Webhook } from '@/lib/client/webhooks';

/**
 * operations.md: the shell shows a badge when a webhook the user manages has been disabled by Herald (410,
 * failing for days). Nothing is shown otherwise. Read across every workspace of the user.
 */
export function DisabledWebhooksBadge() {
  const disabled = useApiQuery<Paginated<Webhook>>(
    '/webhooks',
    { health: 'disabled', manageable: 'true', page_size: 5 },
    { global: true, refetchInterval: 60_000 },
  );
  const count = disabled.data?.count ?? 0;
  if (count === 0) return null;
  const label = `${count} webhook${count === 1 ? ' was' : 's were'} disabled`;
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'title', type: 'group', label },
          ...disabled.data!.results.map((w) => ({
            key: String(w.id),
            label: (
              <Link href={`/webhooks/${w.id}`}>
                #{w.id}: {w.description || w.target_url}
              </Link>
            ),
          })),
        ],
      }}
    >
      <Button type="text" aria-label={label} title={label} data-testid="disabled-webhooks-badge">
        <Badge count={count} size="small" offset={[4, -2]}>
          <WarningOutlined style={{ fontSize: 18, color: '#e8590c' }} />
        </Badge>
      </Button>
    </Dropdown>
  );
}
