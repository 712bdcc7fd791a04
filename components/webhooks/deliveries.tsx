'use client';

import { ReloadOutlined, RetweetOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Drawer, Empty, Flex, Grid, Segmented, Select, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorState } from '@/components/common/query-state';
import { useApiQuery } from '@/lib/client/hooks';
import type { Paginated } from '@/lib/client/types';
import { HEALTH_COLOR, prettyJson, type Delivery, type DeliveryState, type DeliveryStats, type Webhook } from '@/lib/client/webhooks';
import { eventsFor } from '@/lib/webhooks/events';
import { useRedeliver } from './hooks';
import styles from './webhooks.module.css';

const STATE_COLOR: Record<DeliveryState, string> = { delivered: 'success', failed: 'error', refused: 'volcano', pending: 'processing', cancelled: 'default' };

function time(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

const OUTCOMES = [
  { value: '', label: 'Any outcome' },
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
  { value: 'pending', label: 'Pending' },
  { value: 'cancelled', label: 'Cancelled' },
];

/** The chart and the table of attempts, filtered and paginated by the server. */
export function DeliveriesPanel({ webhook }: { webhook: Webhook }) {
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const wide = screens.md !== false;
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [event, setEvent] = useState('');
  const [outcome, setOutcome] = useState('');
  const [openId, setOpenId] = useState<number | null>(null);
  const filter = outcome === 'success' || outcome === 'failure' ? { outcome } : outcome ? { state: outcome } : {};
  const deliveries = useApiQuery<Paginated<Delivery>>(
    `/webhooks/${webhook.id}/deliveries`,
    { page, page_size: pageSize, event, ...filter },
    {
      global: true,
      placeholderData: (prev) => prev,
      // Pending attempts change soon: look again quickly; otherwise now and then for new events.
      refetchInterval: (q) => (q.state.data?.results.some((d) => d.state === 'pending') ? 2000 : 10_000),
    },
  );
  const redeliver = useRedeliver(webhook.id);
  // A new attempt (or a changed state) at the top: the webhook's last status, and its dot, follow.
  const client = useQueryClient();
  const newest = useRef<string | null>(null);
  const top = deliveries.data?.results[0];
  const topKey = page === 1 && !event && !outcome && top ? `${top.id}:${top.state}` : null;
  useEffect(() => {
    if (topKey === null) return;
    if (newest.current !== null && newest.current !== topKey) {
      void client.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'api' && q.queryKey[1] === `/webhooks/${webhook.id}` });
    }
    newest.current = topKey;
  }, [topKey, client, webhook.id]);
  const open = deliveries.data?.results.find((d) => d.id === openId) ?? null;
  const eventOptions = useMemo(
    () => [{ value: '', label: 'Any event' }, { value: 'ping', label: 'ping' }, ...eventsFor(webhook.type).map((e) => ({ value: e.key, label: e.key }))],
    [webhook.type],
  );

  async function doRedeliver(d: Delivery) {
    try {
      await redeliver.mutateAsync(d.id);
      message.success(`Delivery #${d.id} queued again.`);
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    }
  }

  const redeliverButton = (d: Delivery, compact = false) => (
    <Button
      size="small"
      icon={<RetweetOutlined />}
      onClick={(e) => {
        e.stopPropagation();
        void doRedeliver(d);
      }}
      aria-label={`Redeliver delivery ${d.id}`}
      title="Redeliver"
    >
      {!compact && 'Redeliver'}
    </Button>
  );
  const stateCell = (d: Delivery) => (
    <Flex vertical gap={2} align="flex-start">
      <Tag color={STATE_COLOR[d.state]} style={{ marginInlineEnd: 0 }}>{d.state}</Tag>
      {d.next_attempt_date && (
        <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
          {d.state === 'pending' ? 'scheduled' : 'retry'} at {time(d.next_attempt_date)}
        </Typography.Text>
      )}
    </Flex>
  );
  const redeliveryTag = (d: Delivery) => (d.redelivery ? <Tag color="purple" style={{ marginInlineEnd: 0 }}>redelivery</Tag> : null);
  const wideColumns: TableColumnsType<Delivery> = [
    { title: 'Time', dataIndex: 'created_date', width: 160, render: (v: string) => time(v) },
    { title: 'Event', dataIndex: 'event', render: (v: string) => <code>{v}</code> },
    { title: 'Status', dataIndex: 'status_code', width: 72, render: (v: number | null) => v ?? '—' },
    { title: 'State', dataIndex: 'state', render: (_: unknown, d) => stateCell(d) },
    { title: 'Attempt', dataIndex: 'attempt', width: 80, render: (v: number) => `#${v}` },
    { title: 'Duration', dataIndex: 'request_duration', width: 90, render: (v: number | null) => (v === null ? '—' : `${v} ms`) },
    { title: 'Redelivery', dataIndex: 'redelivery', width: 100, render: (_: unknown, d) => redeliveryTag(d) ?? '—' },
    { title: <span className={styles.srOnly}>Actions</span>, key: 'actions', width: 116, render: (_: unknown, d) => redeliverButton(d) },
  ];
  // Phones: the same facts in three columns, so nothing hides behind a horizontal scroll.
  const narrowColumns: TableColumnsType<Delivery> = [
    {
      title: 'Delivery',
      key: 'delivery',
      render: (_: unknown, d) => (
        <Flex vertical gap={2} align="flex-start">
          <code style={{ overflowWrap: 'anywhere', fontSize: 12 }}>{d.event}</code>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{time(d.created_date)}</Typography.Text>
          {redeliveryTag(d)}
        </Flex>
      ),
    },
    {
      title: 'Result',
      key: 'result',
      render: (_: unknown, d) => (
        <Flex vertical gap={2} align="flex-start">
          <span>
            {d.status_code ?? '—'} · attempt #{d.attempt}
            {d.request_duration !== null && ` · ${d.request_duration} ms`}
          </span>
          {stateCell(d)}
        </Flex>
      ),
    },
    { title: <span className={styles.srOnly}>Actions</span>, key: 'actions', width: 44, render: (_: unknown, d) => redeliverButton(d, true) },
  ];

  return (
    <>
      <DeliveriesChart webhookId={webhook.id} />
      <Card
        title="Deliveries"
        extra={
          <Button size="small" icon={<ReloadOutlined />} onClick={() => deliveries.refetch()} loading={deliveries.isFetching && !deliveries.isPending}>
            Refresh
          </Button>
        }
      >
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Select aria-label="Filter by event" value={event} options={eventOptions} onChange={(v) => { setEvent(v); setPage(1); }} style={{ width: 200 }} showSearch />
          <Select aria-label="Filter by outcome" value={outcome} options={OUTCOMES} onChange={(v) => { setOutcome(v); setPage(1); }} style={{ width: 160 }} />
        </Flex>
        {deliveries.isError ? (
          <ErrorState error={deliveries.error} onRetry={() => deliveries.refetch()} />
        ) : (
          <Table<Delivery>
            rowKey="id"
            size="small"
            loading={deliveries.isPending || deliveries.isPlaceholderData}
            dataSource={deliveries.data?.results}
            locale={{ emptyText: <Empty description={event || outcome ? 'No delivery matches these filters' : 'Nothing delivered yet: ping the webhook or change something it is subscribed to'} /> }}
            onRow={(d) => ({
              onClick: () => setOpenId(d.id),
              onKeyDown: (e) => {
                if (e.key === 'Enter' && e.target === e.currentTarget) setOpenId(d.id);
              },
              tabIndex: 0,
              style: { cursor: 'pointer' },
              'data-testid': `delivery-${d.id}`,
            } as React.HTMLAttributes<HTMLTableRowElement>)}
            pagination={{
              current: page,
              pageSize,
              total: deliveries.data?.count ?? 0,
              showSizeChanger: true,
              pageSizeOptions: [10, 20, 50, 100],
              showTotal: wide ? (total) => `${total} attempt${total === 1 ? '' : 's'}` : undefined,
              onChange: (p, size) => {
                setPage(size !== pageSize ? 1 : p);
                setPageSize(size);
              },
            }}
            columns={wide ? wideColumns : narrowColumns}
          />
        )}
      </Card>
      <DeliveryDrawer delivery={open} onClose={() => setOpenId(null)} onRedeliver={doRedeliver} wide={wide} />
    </>
  );
}

function Headers({ headers }: { headers: Record<string, string> | null }) {
  if (!headers || Object.keys(headers).length === 0) return <Typography.Text type="secondary">None</Typography.Text>;
  return (
    <pre className={styles.code}>
      {Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}
    </pre>
  );
}

/** One attempt in full: request headers and pretty JSON body, response headers and body. */
function DeliveryDrawer({ delivery, onClose, onRedeliver, wide }: { delivery: Delivery | null; onClose: () => void; onRedeliver: (d: Delivery) => void; wide: boolean }) {
  return (
    <Drawer
      open={delivery !== null}
      onClose={onClose}
      size={wide ? 760 : '100%'}
      title={delivery ? `Delivery #${delivery.id}: ${delivery.event}` : 'Delivery'}
      extra={delivery && <Button icon={<RetweetOutlined />} onClick={() => onRedeliver(delivery)}>Redeliver</Button>}
      destroyOnHidden
    >
      {delivery && (
        <Flex vertical gap={16} data-testid="delivery-drawer">
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, sm: 2 }}
            items={[
              { key: 'state', label: 'State', children: <Tag color={STATE_COLOR[delivery.state]}>{delivery.state}</Tag> },
              { key: 'status', label: 'Status code', children: delivery.status_code ?? '—' },
              { key: 'attempt', label: 'Attempt', children: `#${delivery.attempt}${delivery.redelivery ? ' (redelivery)' : ''}` },
              { key: 'duration', label: 'Duration', children: delivery.request_duration === null ? '—' : `${delivery.request_duration} ms` },
              { key: 'created', label: 'Created', children: time(delivery.created_date) },
              { key: 'next', label: 'Next attempt', children: time(delivery.next_attempt_date) },
              { key: 'trigger', label: 'Trigger', children: delivery.trigger },
              { key: 'id', label: 'webhook-id', children: <code style={{ wordBreak: 'break-all' }}>{delivery.delivery_id}</code> },
            ]}
          />
          <section>
            <Typography.Title level={5}>Request headers</Typography.Title>
            <Headers headers={delivery.request_headers} />
          </section>
          <section>
            <Typography.Title level={5}>Request body</Typography.Title>
            <pre className={styles.code} data-testid="request-body">{prettyJson(delivery.request)}</pre>
          </section>
          <section>
            <Typography.Title level={5}>Response headers</Typography.Title>
            <Headers headers={delivery.response_headers} />
          </section>
          <section>
            <Typography.Title level={5}>Response body</Typography.Title>
            {delivery.response ? (
              <pre className={styles.code} data-testid="response-body">{prettyJson(delivery.response)}</pre>
            ) : (
              <Typography.Text type="secondary">{delivery.state === 'pending' ? 'Not sent yet' : 'Empty'}</Typography.Text>
            )}
          </section>
        </Flex>
      )}
    </Drawer>
  );
}

const BUCKET_COUNT: Record<string, number> = { minute: 120, hour: 48, day: 30 };

/** Successes and failures per minute, hour or day, as stacked bars (plain divs, no chart library). */
function DeliveriesChart({ webhookId }: { webhookId: number }) {
  const [bucket, setBucket] = useState<'minute' | 'hour' | 'day'>('hour');
  const stats = useApiQuery<DeliveryStats>(`/webhooks/${webhookId}/deliveries/stats`, { bucket }, { global: true, refetchInterval: 15_000, placeholderData: (prev) => prev });
  const bars = useMemo(() => {
    if (!stats.data) return [];
    const step = stats.data.bucket_seconds * 1000;
    const count = BUCKET_COUNT[stats.data.bucket] ?? 48;
    const byTime = new Map(stats.data.results.map((r) => [Math.floor(Date.parse(r.time) / step), r]));
    const last = Math.floor(Date.now() / step);
    return Array.from({ length: count }, (_, i) => {
      const slot = last - count + 1 + i;
      const r = byTime.get(slot);
      return { start: new Date(slot * step), success: r?.success ?? 0, failure: r?.failure ?? 0 };
    });
  }, [stats.data]);
  const max = Math.max(1, ...bars.map((b) => b.success + b.failure));
  const totals = bars.reduce((t, b) => ({ success: t.success + b.success, failure: t.failure + b.failure }), { success: 0, failure: 0 });
  const label = (d: Date) =>
    bucket === 'day' ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return (
    <Card
      title="Successes and failures"
      extra={
        <Segmented
          size="small"
          aria-label="Chart period"
          value={bucket}
          onChange={(v) => setBucket(v as typeof bucket)}
          options={[
            { value: 'minute', label: '2 h' },
            { value: 'hour', label: '2 days' },
            { value: 'day', label: '30 days' },
          ]}
        />
      }
    >
      {stats.isError ? (
        <ErrorState error={stats.error} onRetry={() => stats.refetch()} />
      ) : (
        <>
          <Flex gap={16} wrap style={{ marginBottom: 8, fontSize: 13 }}>
            <span><span style={{ display: 'inline-block', width: 10, height: 10, background: HEALTH_COLOR.ok, marginInlineEnd: 6, borderRadius: 2 }} />{totals.success} succeeded</span>
            <span><span style={{ display: 'inline-block', width: 10, height: 10, background: HEALTH_COLOR.failing, marginInlineEnd: 6, borderRadius: 2 }} />{totals.failure} failed</span>
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>per {bucket}, attempts</Typography.Text>
          </Flex>
          <div className={styles.chart} role="img" aria-label={`${totals.success} successful and ${totals.failure} failed attempts in the period`} data-testid="deliveries-chart">
            {bars.map((b) => (
              <Tooltip key={b.start.getTime()} title={`${label(b.start)}: ${b.success} ok, ${b.failure} failed`}>
                <div className={styles.bar}>
                  <div style={{ height: `${(b.success / max) * 100}%`, background: HEALTH_COLOR.ok }} />
                  <div style={{ height: `${(b.failure / max) * 100}%`, background: HEALTH_COLOR.failing }} />
                </div>
              </Tooltip>
            ))}
          </div>
          {bars.length > 0 && (
            <Flex justify="space-between" style={{ fontSize: 12, color: '#868e96', marginTop: 4 }}>
              <span>{label(bars[0].start)}</span>
              <span>now</span>
            </Flex>
          )}
        </>
      )}
    </Card>
  );
}
