'use client';

import { DeleteOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Flex, Popconfirm, Tabs, Tag } from 'antd';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { Guarded } from '@/components/common/guarded';
import { PageHeader, type Crumb } from '@/components/common/page-header';
import { usePermissions } from '@/lib/client/permissions';
import { QueryState } from '@/components/common/query-state';
import { formatDate, userLabel } from '@/components/common/user-name';
import { useApiQuery } from '@/lib/client/hooks';
import type { Organization, Project } from '@/lib/client/types';
import { summarizeEvents, type Webhook } from '@/lib/client/webhooks';
import { DeliveriesPanel } from './deliveries';
import { listHref, useDeleteWebhooks, useOrganization, usePing } from './hooks';
import { HealthBanner, RecoverButton } from './health-banner';
import { SendExampleButton } from './send-example';
import { HealthTag, StatusDot } from './status-dot';
import { VerifyPanel } from './verify-panel';
import { WebhookForm } from './webhook-form';

/** /webhooks/{id}: a summary, the deliveries (chart, table, drawer, redeliver) and the settings form. */
export function WebhookPage({ id }: { id: number }) {
  const webhook = useApiQuery<Webhook>(`/webhooks/${id}`, undefined, { global: true });
  return <QueryState query={webhook}>{(w) => <WebhookView webhook={w} />}</QueryState>;
}

function WebhookView({ webhook }: { webhook: Webhook }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const { message } = App.useApp();
  const tab = params.get('tab') === 'settings' ? 'settings' : 'deliveries';
  const org = useOrganization(webhook.organization);
  const project = useApiQuery<Project>(
    webhook.project_id ? `/projects/${webhook.project_id}` : null,
    undefined,
    { global: true, retry: false },
  );
  const ping = usePing();
  const remove = useDeleteWebhooks();
  const { can } = usePermissions('webhook', webhook.id);
  const back = listHref(webhook, org.data?.slug) ?? '/projects';
  const title = `Webhook #${webhook.id}${webhook.description ? `: ${webhook.description}` : ''}`;

  async function doPing() {
    try {
      const d = await ping.mutateAsync(webhook.id);
      if (d.state === 'delivered') message.success(`Ping delivered: ${d.status_code}`);
      else message.warning(`Ping ${d.state}${d.status_code !== null ? `: ${d.status_code}` : ''}`);
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    }
  }

  async function doDelete() {
    const [failed] = await remove.mutateAsync([webhook.id]);
    if (failed) message.error(failed.error.message);
    else {
      message.success('Webhook deleted.');
      router.push(back);
    }
  }

  return (
    <>
      <PageHeader
        title={
          <Flex align="center" gap={10}>
            <StatusDot webhook={webhook} />
            <span>{title}</span>
          </Flex>
        }
        crumbs={crumbsFor(webhook, org.data, project.data, back)}
        extra={
          <>
            <Guarded permission={can('ping')}>
              <Button icon={<SendOutlined />} loading={ping.isPending} onClick={doPing}>
                Ping
              </Button>
            </Guarded>
            {can('ping').allowed && <SendExampleButton webhook={webhook} />}
            {can('redeliver').allowed && <RecoverButton webhook={webhook} />}
            {can('delete').allowed ? (
              <Popconfirm
                title={`Delete webhook #${webhook.id}?`}
                description="Its delivery history is deleted with it."
                okText="Delete"
                okButtonProps={{ danger: true }}
                onConfirm={doDelete}
              >
                <Button danger icon={<DeleteOutlined />}>
                  Delete
                </Button>
              </Popconfirm>
            ) : (
              <Guarded permission={can('delete')}>
                <Button danger icon={<DeleteOutlined />}>
                  Delete
                </Button>
              </Guarded>
            )}
          </>
        }
      />
      <HealthBanner webhook={webhook} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            {
              key: 'url',
              label: 'Target URL',
              span: 'filled',
              children: (
                <code style={{ overflowWrap: 'anywhere', wordBreak: 'break-all' }}>{webhook.target_url}</code>
              ),
            },
            {
              key: 'type',
              label: 'Type',
              children:
                webhook.type === 'project'
                  ? `Project${project.data ? `: ${project.data.name}` : ` #${webhook.project_id}`}`
                  : webhook.type === 'server'
                    ? 'Server (the whole installation)'
                    : `Organization${org.data ? `: ${org.data.name || org.data.slug}` : ''}`,
            },
            { key: 'health', label: 'Health', children: <HealthSummary webhook={webhook} /> },
            {
              key: 'active',
              label: 'Active',
              children: webhook.is_active ? <Tag color="green">active</Tag> : <Tag>inactive</Tag>,
            },
            {
              key: 'signing',
              label: 'Signing',
              children: webhook.has_secret ? (
                <Tag color="green">signed with a secret</Tag>
              ) : (
                <Tag color="warning">not signed: no secret</Tag>
              ),
            },
            {
              key: 'ssl',
              label: 'SSL',
              children: webhook.enable_ssl ? (
                <Tag color="green">certificates verified</Tag>
              ) : (
                <Tag color="warning">not verified</Tag>
              ),
            },
            {
              key: 'pace',
              label: 'Delivery',
              children: (
                <Flex gap={4} wrap>
                  <Tag style={{ marginInlineEnd: 0 }}>
                    {webhook.ordering === 'fifo' ? 'in commit order, one at a time' : 'unordered'}
                  </Tag>
                  <Tag style={{ marginInlineEnd: 0 }}>
                    {webhook.rate_limit === null ? 'no rate limit' : `at most ${webhook.rate_limit}/s`}
                  </Tag>
                  {Object.keys(webhook.headers).length > 0 && (
                    <Tag style={{ marginInlineEnd: 0 }}>
                      headers: {Object.keys(webhook.headers).join(', ')}
                    </Tag>
                  )}
                </Flex>
              ),
            },
            {
              key: 'owner',
              label: 'Created by',
              children: `${userLabel(webhook.owner)}, ${formatDate(webhook.created_date)}`,
            },
            {
              key: 'events',
              label: 'Events',
              span: 'filled',
              children: (
                <Flex gap={4} wrap>
                  {summarizeEvents(webhook.type, webhook.events).map((e) => (
                    <Tag key={e} style={{ marginInlineEnd: 0 }} color={e.includes(':') ? undefined : 'blue'}>
                      {e}
                    </Tag>
                  ))}
                </Flex>
              ),
            },
            ...(webhook.disabled_reason
              ? [
                  {
                    key: 'disabled',
                    label: 'Turned off',
                    span: 'filled' as const,
                    children: (
                      <Tag color="warning" style={{ whiteSpace: 'normal' }}>
                        {webhook.disabled_reason}
                      </Tag>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Tabs
        activeKey={tab}
        onChange={(key) => {
          const q = new URLSearchParams(params.toString());
          if (key === 'settings') q.set('tab', 'settings');
          else q.delete('tab');
          router.replace(`${pathname}${q.size ? `?${q}` : ''}`);
        }}
        items={[
          {
            key: 'deliveries',
            label: 'Deliveries',
            children: (
              <Flex vertical gap={16}>
                <DeliveriesPanel webhook={webhook} />
                <VerifyPanel />
              </Flex>
            ),
          },
          {
            key: 'settings',
            label: 'Settings',
            children: (
              <Card>
                {can('update').allowed ? (
                  <WebhookForm
                    mode="edit"
                    webhook={webhook}
                    onCancel={() => router.push(back)}
                    onSaved={() => router.push(back)}
                  />
                ) : (
                  <Alert
                    type="info"
                    showIcon
                    title={can('update').reason ?? 'Checking your permissions…'}
                    data-testid="settings-refused"
                  />
                )}
              </Card>
            ),
          },
        ]}
      />
    </>
  );
}

function crumbsFor(
  w: Webhook,
  org: Organization | undefined,
  project: Project | undefined,
  back: string,
): Crumb[] {
  const tail = [{ title: 'Webhooks', href: back }, { title: `#${w.id}` }];
  if (w.type === 'server') return [{ title: 'Server webhooks' }, { title: `#${w.id}` }];
  if (w.type === 'project') {
    return [
      { title: 'Projects', href: '/projects' },
      { title: project?.name ?? `Project #${w.project_id}`, href: `/projects/${w.project_id}` },
      ...tail,
    ];
  }
  const orgHref = org ? `/organizations/${encodeURIComponent(org.slug)}` : undefined;
  return [
    { title: 'Organization', href: orgHref },
    { title: org ? org.name || org.slug : '…', href: orgHref },
    ...tail,
  ];
}

function HealthSummary({ webhook }: { webhook: Webhook }) {
  const h = webhook.health;
  if (!h) return '—';
  const rate =
    h.success_rate_24h === null
      ? 'no attempt in 24 h'
      : `${Math.round(h.success_rate_24h * 100)}% of ${h.attempts_24h} in 24 h`;
  return (
    <Flex gap={6} align="center" wrap>
      <HealthTag webhook={webhook} />
      <span>{rate}</span>
    </Flex>
  );
}
