'use client';

import { DeleteOutlined, EditOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Flex,
  Grid,
  Input,
  Popconfirm,
  Select,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { PageHeader, type Crumb } from '@/components/common/page-header';
import { Guarded } from '@/components/common/guarded';
import { ErrorState } from '@/components/common/query-state';
import { formatDate, userLabel } from '@/components/common/user-name';
import type { OrgScope } from '@/lib/client/api';
import { useApiQuery } from '@/lib/client/hooks';
import type { Paginated } from '@/lib/client/types';
import { summarizeEvents, type Webhook } from '@/lib/client/webhooks';
import { useDeleteWebhooks, usePing } from './hooks';
import { HealthTag, StatusDot } from './status-dot';

const SORTS = [
  { value: '-id', label: 'Newest first' },
  { value: 'id', label: 'Oldest first' },
  { value: '-updated_date', label: 'Recently updated' },
  { value: 'target_url', label: 'Target URL' },
  { value: 'description', label: 'Description' },
  { value: 'owner', label: 'Creator' },
];

export type WebhooksListProps = {
  title: ReactNode;
  crumbs: Crumb[];
  /** The list's filter: `{project_id}` or `{type: 'organization'}`. */
  filter: Record<string, string | number | undefined>;
  scope: OrgScope;
  /** Where "+" leads; null when the caller may not add webhooks here (`createRefusal` says why). */
  createHref: string | null;
  createRefusal?: string | null;
  /** Said above the list, e.g. that the caller sees only some of the scope's webhooks. */
  notice?: ReactNode;
  /** The empty list's words when the caller cannot see every webhook of the scope. */
  emptyText?: string;
  /** Extra controls beside search and sort. */
  toolbar?: ReactNode;
};

/** One scope's webhooks: search, sort, server-side pagination, ping, edit, delete one or many. */
export function WebhooksList({
  title,
  crumbs,
  filter,
  scope,
  createHref,
  createRefusal,
  notice,
  emptyText,
  toolbar,
}: WebhooksListProps) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const pageSize = Math.min(100, Math.max(1, Number(params.get('page_size')) || 10));
  const search = params.get('search') ?? '';
  const sort = SORTS.some((s) => s.value === params.get('sort')) ? params.get('sort')! : '-id';
  const [selected, setSelected] = useState<number[]>([]);
  const [pinging, setPinging] = useState<number | null>(null);
  const list = useApiQuery<Paginated<Webhook>>(
    '/webhooks',
    { ...filter, page, page_size: pageSize, search, sort },
    { scope, placeholderData: (prev) => prev },
  );
  const ping = usePing();
  const remove = useDeleteWebhooks();

  function setQuery(next: Record<string, string | number | undefined>) {
    const q = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(next)) {
      if (v === undefined || v === '' || (k === 'page' && v === 1) || (k === 'sort' && v === '-id'))
        q.delete(k);
      else q.set(k, String(v));
    }
    setSelected([]);
    router.replace(`${pathname}${q.size ? `?${q}` : ''}`);
  }

  async function doPing(w: Webhook) {
    setPinging(w.id);
    try {
      const d = await ping.mutateAsync(w.id);
      if (d.state === 'delivered') message.success(`Ping delivered: ${d.status_code}`);
      else
        message.warning(
          `Ping ${d.state}${d.status_code !== null ? `: ${d.status_code}` : ''}${d.response ? ` (${d.response.slice(0, 120)})` : ''}`,
        );
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    } finally {
      setPinging(null);
    }
  }

  async function doDelete(ids: number[]) {
    try {
      const failed = await remove.mutateAsync(ids);
      const done = ids.length - failed.length;
      if (done) message.success(done === 1 ? 'Webhook deleted.' : `${done} webhooks deleted.`);
      for (const f of failed) message.error(`#${f.id}: ${f.error.message}`);
      setSelected((s) => s.filter((id) => failed.some((f) => f.id === id)));
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    }
  }

  const wide = screens.md !== false;
  const eventTags = (w: Webhook) => (
    <Flex gap={4} wrap>
      {summarizeEvents(w.type, w.events).map((e) => (
        <Tag key={e} style={{ marginInlineEnd: 0 }} color={e.includes(':') ? undefined : 'blue'}>
          {e}
        </Tag>
      ))}
      {w.events.length === 0 && <Typography.Text type="secondary">No events</Typography.Text>}
    </Flex>
  );

  return (
    <>
      <PageHeader
        title={title}
        crumbs={crumbs}
        extra={
          createHref ? (
            <Tooltip title="Add a webhook">
              <Button
                type="primary"
                icon={<PlusOutlined />}
                aria-label="Add a webhook"
                href={createHref}
                onClick={(e) => {
                  e.preventDefault();
                  router.push(createHref);
                }}
              />
            </Tooltip>
          ) : createRefusal ? (
            <Guarded permission={{ allowed: false, reason: createRefusal }}>
              <Button type="primary" icon={<PlusOutlined />} aria-label="Add a webhook" />
            </Guarded>
          ) : undefined
        }
      />
      {notice && (
        <Alert
          type="info"
          showIcon
          title={notice}
          style={{ marginBottom: 16 }}
          data-testid="webhooks-notice"
        />
      )}
      <Card>
        <Flex gap={8} wrap align="center" style={{ marginBottom: 16 }}>
          <Input.Search
            placeholder="Search by URL, description or creator"
            aria-label="Search webhooks"
            allowClear
            defaultValue={search}
            onSearch={(value) => setQuery({ search: value.trim(), page: 1 })}
            style={{ width: 320, maxWidth: '100%' }}
          />
          <Select
            aria-label="Sort webhooks"
            value={sort}
            options={SORTS}
            onChange={(v) => setQuery({ sort: v, page: 1 })}
            style={{ width: 170 }}
          />
          {toolbar}
          {selected.length > 0 && (
            <Popconfirm
              title={`Delete ${selected.length} webhook${selected.length === 1 ? '' : 's'}?`}
              description="Their delivery history is deleted with them."
              okText="Delete"
              okButtonProps={{ danger: true }}
              onConfirm={() => doDelete(selected)}
            >
              <Button danger icon={<DeleteOutlined />} loading={remove.isPending}>
                Delete selected ({selected.length})
              </Button>
            </Popconfirm>
          )}
        </Flex>
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : (
          <Table<Webhook>
            rowKey="id"
            size={wide ? 'middle' : 'small'}
            loading={list.isPending || list.isPlaceholderData}
            dataSource={list.data?.results}
            rowSelection={{
              selectedRowKeys: selected,
              onChange: (keys) => setSelected(keys as number[]),
              columnWidth: 32,
            }}
            locale={{
              emptyText: (
                <Empty
                  description={search ? 'No webhook matches this search' : (emptyText ?? 'No webhooks yet')}
                >
                  {createHref && !search && (
                    <Button type="primary" onClick={() => router.push(createHref)}>
                      Setup a webhook
                    </Button>
                  )}
                </Empty>
              ),
            }}
            pagination={{
              current: page,
              pageSize,
              total: list.data?.count ?? 0,
              showSizeChanger: true,
              pageSizeOptions: [10, 20, 50, 100],
              showTotal: wide ? (total) => `${total} webhook${total === 1 ? '' : 's'}` : undefined,
              onChange: (p, size) =>
                setQuery({ page: size !== pageSize ? 1 : p, page_size: size === 10 ? undefined : size }),
            }}
            columns={[
              {
                title: <span className="visually-hidden">Status</span>,
                key: 'status',
                width: 28,
                render: (_: unknown, w) => <StatusDot webhook={w} />,
              },
              {
                title: 'Webhook',
                key: 'webhook',
                render: (_: unknown, w) => (
                  <div style={{ minWidth: 0 }} data-testid={`webhook-${w.id}`}>
                    <Link href={`/webhooks/${w.id}`} style={{ fontWeight: 500, overflowWrap: 'anywhere' }}>
                      #{w.id}: {w.description || <i>no description</i>}
                    </Link>
                    <span style={{ marginInlineStart: 8 }}>
                      <HealthTag webhook={w} />
                    </span>
                    {!w.is_active && w.health?.state !== 'disabled' && (
                      <Tag style={{ marginInlineStart: 8 }} color="default">
                        inactive
                      </Tag>
                    )}
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        Created by {userLabel(w.owner)} on {formatDate(w.created_date)}
                      </Typography.Text>
                    </div>
                    <Typography.Text
                      code
                      style={{ fontSize: 12, overflowWrap: 'anywhere', wordBreak: 'break-all' }}
                    >
                      {w.target_url}
                    </Typography.Text>
                    {!wide && <div style={{ marginTop: 6 }}>{eventTags(w)}</div>}
                    {w.disabled_reason && (
                      <Alert style={{ marginTop: 8 }} type="warning" showIcon title={w.disabled_reason} />
                    )}
                  </div>
                ),
              },
              ...(wide
                ? [
                    {
                      title: 'Events',
                      key: 'events',
                      width: '34%',
                      render: (_: unknown, w: Webhook) => eventTags(w),
                    },
                  ]
                : []),
              {
                title: <span className="visually-hidden">Actions</span>,
                key: 'actions',
                width: wide ? 230 : 48,
                render: (_: unknown, w) => (
                  <Flex
                    gap={6}
                    wrap={false}
                    vertical={!wide}
                    align={wide ? 'center' : 'stretch'}
                    justify="flex-end"
                  >
                    <Button
                      size="small"
                      icon={<SendOutlined />}
                      loading={pinging === w.id}
                      onClick={() => doPing(w)}
                      aria-label={`Ping webhook ${w.id}`}
                      title="Ping"
                    >
                      {wide && 'Ping'}
                    </Button>
                    <Button
                      size="small"
                      icon={<EditOutlined />}
                      href={`/webhooks/${w.id}?tab=settings`}
                      aria-label={`Edit webhook ${w.id}`}
                      title="Edit"
                      onClick={(e) => {
                        e.preventDefault();
                        router.push(`/webhooks/${w.id}?tab=settings`);
                      }}
                    >
                      {wide && 'Edit'}
                    </Button>
                    <Popconfirm
                      title={`Delete webhook #${w.id}?`}
                      description="Its delivery history is deleted with it."
                      okText="Delete"
                      okButtonProps={{ danger: true }}
                      onConfirm={() => doDelete([w.id])}
                    >
                      <Button
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={`Delete webhook ${w.id}`}
                        title="Delete"
                      >
                        {wide && 'Delete'}
                      </Button>
                    </Popconfirm>
                  </Flex>
                ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
