'use client';

import { ReloadOutlined, RetweetOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Grid,
  Input,
  Segmented,
  Select,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { CopyButton } from '@/components/common/copy-button';
import { ErrorState } from '@/components/common/query-state';
import { useApiQuery } from '@/lib/client/hooks';
import { queryKeys } from '@/lib/client/query-keys';
import type { Paginated } from '@/lib/client/types';
import {
  HEALTH_COLOR,
  prettyJson,
  type Delivery,
  type DeliverySeries,
  type DeliverySeriesDetail,
  type DeliveryState,
  type DeliveryStats,
  type Webhook,
} from '@/lib/client/webhooks';
import { eventsFor } from '@/lib/webhooks/events';
import { useRedeliver } from './hooks';
import styles from './webhooks.module.css';

const STATE_COLOR: Record<DeliveryState, string> = {
  delivered: 'success',
  failed: 'error',
  pending: 'processing',
  cancelled: 'default',
};

function time(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

const OUTCOMES = [
  { value: '', label: 'Any outcome' },
  { value: 'state:delivered', label: 'Delivered' },
  { value: 'state:failed', label: 'Failed' },
  { value: 'state:pending', label: 'Pending' },
  { value: 'state:cancelled', label: 'Cancelled' },
  { value: 'status:2xx', label: 'Last answer 2xx' },
  { value: 'status:4xx', label: 'Last answer 4xx' },
  { value: 'status:5xx', label: 'Last answer 5xx' },
  { value: 'status:network', label: 'No answer (network)' },
];

/** The server's filters from the panel's: `state:failed` or `status:5xx`, ids and dates as typed. */
function toFilters(f: {
  event: string;
  outcome: string;
  deliveryId: string;
  resourceId: string;
  range: [Dayjs | null, Dayjs | null] | null;
}) {
  const [kind, value] = f.outcome.split(':');
  return {
    event: f.event || undefined,
    [kind === 'status' ? 'status' : 'state']: value || undefined,
    delivery_id: f.deliveryId.trim() || undefined,
    resource_id: f.resourceId.trim() || undefined,
    since: f.range?.[0]?.startOf('day').toISOString(),
    until: f.range?.[1]?.endOf('day').toISOString(),
  };
}

/**
 * The chart and the deliveries grouped by message, as GitHub's "Recent Deliveries" and Svix show them:
 * one row per series (an event's deliveries to this webhook), expanding to its attempts, each with when
 * it was sent. Filtered and paginated by the server.
 */
export function DeliveriesPanel({ webhook }: { webhook: Webhook }) {
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const wide = screens.md !== false;
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [event, setEvent] = useState('');
  const [outcome, setOutcome] = useState('');
  const [deliveryId, setDeliveryId] = useState('');
  const [resourceId, setResourceId] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [open, setOpen] = useState<Delivery | null>(null);
  // The row that opened the drawer takes the focus back when it closes (ui.md, "Accessible").
  const opener = useRef<HTMLElement | null>(null);
  const openDelivery = (d: Delivery, row: HTMLElement) => {
    opener.current = row;
    setOpen(d);
  };
  const filters = toFilters({ event, outcome, deliveryId, resourceId, range });
  const isFiltered = Object.values(filters).some((v) => v !== undefined);
  const series = useApiQuery<Paginated<DeliverySeries>>(
    `/webhooks/${webhook.id}/messages`,
    { page, page_size: pageSize, ...filters },
    {
      global: true,
      placeholderData: (prev) => prev,
      retry: false,
      // Series waiting for an attempt change soon: look again quickly; otherwise now and then for new events.
      refetchInterval: (q) => (q.state.data?.results.some((d) => d.state === 'pending') ? 2000 : 10_000),
    },
  );
  const redeliver = useRedeliver(webhook.id);
  // A new series (or a changed state) at the top: the webhook's last status, and its dot, follow.
  const client = useQueryClient();
  const newest = useRef<string | null>(null);
  const top = series.data?.results[0];
  const topKey = page === 1 && !isFiltered && top ? `${top.id}:${top.state}:${top.attempts}` : null;
  useEffect(() => {
    if (topKey === null) return;
    if (newest.current !== null && newest.current !== topKey) {
      void client.invalidateQueries({ queryKey: queryKeys.webhooks.detail(webhook.id) });
    }
    newest.current = topKey;
  }, [topKey, client, webhook.id]);
  const eventOptions = useMemo(
    () => [
      { value: '', label: 'Any event' },
      { value: 'ping', label: 'ping' },
      ...eventsFor(webhook.type).map((e) => ({ value: e.key, label: e.key })),
    ],
    [webhook.type],
  );
  const reset = (apply: () => void) => {
    apply();
    setPage(1);
  };

  async function doRedeliver(attemptId: number, label: string) {
    try {
      await redeliver.mutateAsync(attemptId);
      message.success(`${label} queued again.`);
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    }
  }

  const redeliverButton = (s: DeliverySeries, compact = false) =>
    s.last_attempt_id === null ? null : (
      <Button
        size="small"
        icon={<RetweetOutlined />}
        onClick={(e) => {
          e.stopPropagation();
          void doRedeliver(s.last_attempt_id!, `${s.event} (${s.delivery_id})`);
        }}
        aria-label={`Redeliver ${s.event} ${s.delivery_id}`}
        title="Redeliver"
      >
        {!compact && 'Redeliver'}
      </Button>
    );
  const stateCell = (s: Pick<DeliverySeries, 'state' | 'next_attempt_date'>) => (
    <Flex vertical gap={2} align="flex-start">
      <Tag color={STATE_COLOR[s.state]} style={{ marginInlineEnd: 0 }}>
        {s.state}
      </Tag>
      {s.state === 'pending' && s.next_attempt_date && (
        <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
          next attempt {time(s.next_attempt_date)}
        </Typography.Text>
      )}
    </Flex>
  );
  const resourceLabel = (s: DeliverySeries) => (s.resource ? `${s.resource.type} #${s.resource.id}` : '—');
  const tags = (s: DeliverySeries) => (
    <>
      {s.redelivery && (
        <Tag color="purple" style={{ marginInlineEnd: 0 }}>
          {s.trigger === 'recovery' ? 'recovery' : 'redelivery'}
        </Tag>
      )}
      {(s.trigger === 'ping' || s.trigger === 'test') && (
        <Tag style={{ marginInlineEnd: 0 }}>{s.trigger}</Tag>
      )}
    </>
  );
  const wideColumns: TableColumnsType<DeliverySeries> = [
    {
      title: 'Sent',
      key: 'sent',
      width: 160,
      render: (_: unknown, s) => time(s.last_attempt_date ?? s.created_date),
    },
    {
      title: 'Event',
      dataIndex: 'event',
      render: (v: string, s) => (
        <Flex gap={6} wrap align="center">
          <code>{v}</code>
          {tags(s)}
        </Flex>
      ),
    },
    { title: 'Resource', key: 'resource', render: (_: unknown, s) => resourceLabel(s) },
    { title: 'State', dataIndex: 'state', render: (_: unknown, s) => stateCell(s) },
    { title: 'Attempts', dataIndex: 'attempts', width: 88 },
    {
      title: 'Last status',
      dataIndex: 'last_status_code',
      width: 96,
      render: (v: number | null, s) => v ?? (s.attempts > 0 ? 'no answer' : '—'),
    },
    {
      title: <span className="visually-hidden">Actions</span>,
      key: 'actions',
      width: 116,
      render: (_: unknown, s) => redeliverButton(s),
    },
  ];
  // Phones: the same facts in three columns, so nothing hides behind a horizontal scroll.
  const narrowColumns: TableColumnsType<DeliverySeries> = [
    {
      title: 'Delivery',
      key: 'delivery',
      render: (_: unknown, s) => (
        <Flex vertical gap={2} align="flex-start">
          <code style={{ overflowWrap: 'anywhere', fontSize: 12 }}>{s.event}</code>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {time(s.last_attempt_date ?? s.created_date)} · {resourceLabel(s)}
          </Typography.Text>
          {tags(s)}
        </Flex>
      ),
    },
    {
      title: 'Result',
      key: 'result',
      render: (_: unknown, s) => (
        <Flex vertical gap={2} align="flex-start">
          <span>
            {s.last_status_code ?? '—'} · {s.attempts} attempt{s.attempts === 1 ? '' : 's'}
          </span>
          {stateCell(s)}
        </Flex>
      ),
    },
    {
      title: <span className="visually-hidden">Actions</span>,
      key: 'actions',
      width: 44,
      render: (_: unknown, s) => redeliverButton(s, true),
    },
  ];

  return (
    <>
      <DeliveriesChart webhookId={webhook.id} />
      <Card
        title="Deliveries"
        extra={
          <Button
            size="small"
            icon={<ReloadOutlined />}
            onClick={() => series.refetch()}
            loading={series.isFetching && !series.isPending}
          >
            Refresh
          </Button>
        }
      >
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Select
            aria-label="Filter by event"
            value={event}
            options={eventOptions}
            onChange={(v) => reset(() => setEvent(v))}
            style={{ width: 200 }}
            showSearch
          />
          <Select
            aria-label="Filter by outcome"
            value={outcome}
            options={OUTCOMES}
            onChange={(v) => reset(() => setOutcome(v))}
            style={{ width: 190 }}
          />
          <Input.Search
            aria-label="Filter by delivery id"
            placeholder="Delivery id (msg_…)"
            allowClear
            style={{ width: 230 }}
            onSearch={(v) => reset(() => setDeliveryId(v))}
          />
          <Input.Search
            aria-label="Filter by resource id"
            placeholder="Resource id"
            allowClear
            style={{ width: 150 }}
            onSearch={(v) => reset(() => setResourceId(v))}
          />
          <DatePicker.RangePicker
            aria-label="Filter by date"
            value={range}
            onChange={(v) => reset(() => setRange(v))}
            allowEmpty={[true, true]}
          />
        </Flex>
        {series.isError ? (
          <ErrorState error={series.error} onRetry={() => series.refetch()} />
        ) : (
          <Table<DeliverySeries>
            rowKey="id"
            size="small"
            loading={series.isPending || series.isPlaceholderData}
            dataSource={series.data?.results}
            locale={{
              emptyText: (
                <Empty
                  description={
                    isFiltered
                      ? 'No delivery matches these filters'
                      : 'Nothing delivered yet: ping the webhook or change something it is subscribed to'
                  }
                />
              ),
            }}
            expandable={{
              expandedRowRender: (s) => (
                <SeriesAttempts webhookId={webhook.id} series={s} onOpen={openDelivery} wide={wide} />
              ),
              expandRowByClick: true,
              rowExpandable: (s) => s.attempts > 0,
            }}
            onRow={(s) =>
              ({
                'data-testid': `series-${s.id}`,
                style: { cursor: s.attempts > 0 ? 'pointer' : undefined },
              }) as React.HTMLAttributes<HTMLTableRowElement>
            }
            pagination={{
              current: page,
              pageSize,
              total: series.data?.count ?? 0,
              showSizeChanger: true,
              pageSizeOptions: [10, 20, 50, 100],
              showTotal: wide ? (total) => `${total} event${total === 1 ? '' : 's'}` : undefined,
              onChange: (p, size) => {
                setPage(size !== pageSize ? 1 : p);
                setPageSize(size);
              },
            }}
            columns={wide ? wideColumns : narrowColumns}
            scroll={{ x: 'max-content' }}
          />
        )}
      </Card>
      <DeliveryDrawer
        delivery={open}
        onClose={() => {
          setOpen(null);
          const row = opener.current;
          const testId = row?.dataset.testid;
          // The row may be rendered anew meanwhile (its attempts are refetched), and the drawer hands the
          // focus back to where it found it once its exit ends, or not at all when it is unmounted first:
          // find the row again and take the focus a few times over the next second, while nothing else has it.
          const focusRow = () => {
            const target = row?.isConnected
              ? row
              : testId
                ? document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)
                : null;
            const active = document.activeElement;
            if (target && (!active || active === document.body || active === target)) target.focus();
          };
          for (const ms of [0, 120, 400, 1000]) setTimeout(focusRow, ms);
        }}
        onRedeliver={(d) => void doRedeliver(d.id, `Delivery #${d.id}`)}
        wide={wide}
      />
    </>
  );
}

/** The attempts of one series (every attempt that carried its webhook-id), newest first; each opens in the drawer. */
function SeriesAttempts({
  webhookId,
  series,
  onOpen,
  wide,
}: {
  webhookId: number;
  series: DeliverySeries;
  onOpen: (d: Delivery, row: HTMLElement) => void;
  wide: boolean;
}) {
  const detail = useApiQuery<DeliverySeriesDetail>(
    `/webhooks/${webhookId}/messages/${series.delivery_id}`,
    undefined,
    {
      global: true,
      refetchInterval: series.state === 'pending' ? 2000 : false,
    },
  );
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => detail.refetch()} />;
  const columns: TableColumnsType<Delivery> = [
    { title: 'Sent', dataIndex: 'created_date', width: 160, render: (v: string) => time(v) },
    {
      title: 'Attempt',
      dataIndex: 'attempt',
      width: wide ? 150 : 70,
      render: (v: number, d) => (
        <Flex gap={6} wrap align="center">
          #{v}
          {d.redelivery && (
            <Tag color="purple" style={{ marginInlineEnd: 0 }}>
              {d.trigger}
            </Tag>
          )}
        </Flex>
      ),
    },
    { title: 'Status', dataIndex: 'status_code', width: 72, render: (v: number | null) => v ?? '—' },
    // Phones: when, which and the answer's code; the rest is one tap away in the drawer.
    ...(wide
      ? [
          {
            title: 'Duration',
            dataIndex: 'request_duration',
            width: 90,
            render: (v: number | null) => (v === null ? '—' : `${v} ms`),
          },
          {
            title: 'Answer',
            dataIndex: 'response',
            ellipsis: true,
            render: (v: string | null) => (
              <Typography.Text type="secondary">{v ? v.slice(0, 120) : '—'}</Typography.Text>
            ),
          },
        ]
      : []),
  ];
  return (
    <Table<Delivery>
      rowKey="id"
      size="small"
      pagination={false}
      loading={detail.isPending}
      dataSource={detail.data?.history}
      columns={columns}
      scroll={{ x: 'max-content' }}
      aria-label={`Attempts of ${series.event} ${series.delivery_id}`}
      onRow={(d) =>
        ({
          onClick: (e: React.MouseEvent<HTMLElement>) => onOpen(d, e.currentTarget),
          onKeyDown: (e: React.KeyboardEvent<HTMLElement>) => {
            if (e.key === 'Enter' && e.target === e.currentTarget) onOpen(d, e.currentTarget);
          },
          tabIndex: 0,
          style: { cursor: 'pointer' },
          'data-testid': `delivery-${d.id}`,
        }) as React.HTMLAttributes<HTMLTableRowElement>
      }
    />
  );
}

function Headers({ headers }: { headers: Record<string, string> | null }) {
  if (!headers || Object.keys(headers).length === 0)
    return <Typography.Text type="secondary">None</Typography.Text>;
  return (
    <pre className={styles.code}>
      {Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}
    </pre>
  );
}

/** One attempt in full: request headers and pretty JSON body, response headers and body. */
function DeliveryDrawer({
  delivery,
  onClose,
  onRedeliver,
  wide,
}: {
  delivery: Delivery | null;
  onClose: () => void;
  onRedeliver: (d: Delivery) => void;
  wide: boolean;
}) {
  return (
    <Drawer
      open={delivery !== null}
      onClose={onClose}
      size={wide ? 760 : '100%'}
      title={delivery ? `Delivery #${delivery.id}: ${delivery.event}` : 'Delivery'}
      extra={
        delivery && (
          <Button icon={<RetweetOutlined />} onClick={() => onRedeliver(delivery)}>
            Redeliver
          </Button>
        )
      }
      destroyOnHidden
    >
      {delivery && (
        <Flex vertical gap={16} data-testid="delivery-drawer">
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, sm: 2 }}
            items={[
              {
                key: 'state',
                label: 'Series',
                children: <Tag color={STATE_COLOR[delivery.state]}>{delivery.state}</Tag>,
              },
              { key: 'status', label: 'Status code', children: delivery.status_code ?? '—' },
              {
                key: 'attempt',
                label: 'Attempt',
                children: `#${delivery.attempt}${delivery.redelivery ? ' (redelivery)' : ''}`,
              },
              {
                key: 'duration',
                label: 'Duration',
                children: delivery.request_duration === null ? '—' : `${delivery.request_duration} ms`,
              },
              { key: 'created', label: 'Sent', children: time(delivery.created_date) },
              {
                key: 'next',
                label: 'Next attempt of the series',
                children: time(delivery.next_attempt_date),
              },
              { key: 'trigger', label: 'Trigger', children: delivery.trigger },
              {
                key: 'id',
                label: 'webhook-id',
                children: (
                  <Flex gap={6} align="center">
                    <code style={{ wordBreak: 'break-all' }}>{delivery.delivery_id}</code>
                    <CopyButton text={delivery.delivery_id} label="Copy the delivery id" />
                  </Flex>
                ),
              },
            ]}
          />
          <section>
            <Typography.Title level={5}>Request headers</Typography.Title>
            <Headers headers={delivery.request_headers} />
          </section>
          <section>
            <Flex justify="space-between" align="center">
              <Typography.Title level={5}>Request body</Typography.Title>
              <CopyButton text={() => prettyJson(delivery.request)} label="Copy the payload" />
            </Flex>
            <pre className={styles.code} data-testid="request-body">
              {prettyJson(delivery.request)}
            </pre>
          </section>
          <section>
            <Typography.Title level={5}>Response headers</Typography.Title>
            <Headers headers={delivery.response_headers} />
          </section>
          <section>
            <Flex justify="space-between" align="center">
              <Typography.Title level={5}>Response body</Typography.Title>
              {delivery.response && (
                <CopyButton text={() => prettyJson(delivery.response)} label="Copy the response body" />
              )}
            </Flex>
            {delivery.response ? (
              <pre className={styles.code} data-testid="response-body">
                {prettyJson(delivery.response)}
              </pre>
            ) : (
              <Typography.Text type="secondary">Empty</Typography.Text>
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
  const stats = useApiQuery<DeliveryStats>(
    `/webhooks/${webhookId}/deliveries/stats`,
    { bucket },
    { global: true, refetchInterval: 15_000, placeholderData: (prev) => prev },
  );
  const bars = useMemo(() => {
    if (!stats.data) return [];
    const step = stats.data.bucket_seconds * 1000;
    const count = BUCKET_COUNT[stats.data.bucket] ?? 48;
    const byTime = new Map(stats.data.results.map((r) => [Math.floor(Date.parse(r.time) / step), r]));
    // The chart ends at the bucket the figures were fetched in (a render reads no clock of its own).
    const last = Math.floor(stats.dataUpdatedAt / step);
    return Array.from({ length: count }, (_, i) => {
      const slot = last - count + 1 + i;
      const r = byTime.get(slot);
      return { start: new Date(slot * step), success: r?.success ?? 0, failure: r?.failure ?? 0 };
    });
  }, [stats.data, stats.dataUpdatedAt]);
  // A value scale with round steps: 0, half and the top, the top at least the tallest bar.
  const peak = Math.max(1, ...bars.map((b) => b.success + b.failure));
  const max = peak <= 4 ? peak : Math.ceil(peak / 2) * 2;
  const totals = bars.reduce((t, b) => ({ success: t.success + b.success, failure: t.failure + b.failure }), {
    success: 0,
    failure: 0,
  });
  // Minutes and hours cross midnight (the 2-day view always does): their ticks carry the date too.
  const label = (d: Date) =>
    bucket === 'day'
      ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
      : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const ticks =
    bars.length > 0
      ? [0, Math.floor(bars.length / 4), Math.floor(bars.length / 2), Math.floor((3 * bars.length) / 4)].map(
          (i) => bars[i],
        )
      : [];
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
            <span>
              <span
                style={{
                  display: 'inline-block',
                  width: 10,
                  height: 10,
                  background: HEALTH_COLOR.ok,
                  marginInlineEnd: 6,
                  borderRadius: 2,
                }}
              />
              {totals.success} succeeded
            </span>
            <span>
              <span
                style={{
                  display: 'inline-block',
                  width: 10,
                  height: 10,
                  background: HEALTH_COLOR.failing,
                  marginInlineEnd: 6,
                  borderRadius: 2,
                }}
              />
              {totals.failure} failed
            </span>
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>
              per {bucket}, attempts
            </Typography.Text>
          </Flex>
          <div className={styles.chartFrame}>
            <div className={styles.yAxis} aria-hidden="true" data-testid="chart-scale">
              <span>{max}</span>
              <span>{max / 2 === Math.round(max / 2) ? max / 2 : ''}</span>
              <span>0</span>
            </div>
            <div
              className={styles.chart}
              role="img"
              aria-label={`${totals.success} successful and ${totals.failure} failed attempts from ${bars[0] ? label(bars[0].start) : ''} to now, at most ${peak} per ${bucket}`}
              data-testid="deliveries-chart"
            >
              {bars.map((b) => (
                <Tooltip
                  key={b.start.getTime()}
                  title={`${label(b.start)}: ${b.success} ok, ${b.failure} failed`}
                >
                  <div className={styles.bar}>
                    <div style={{ height: `${(b.success / max) * 100}%`, background: HEALTH_COLOR.ok }} />
                    <div
                      style={{ height: `${(b.failure / max) * 100}%`, background: HEALTH_COLOR.failing }}
                    />
                  </div>
                </Tooltip>
              ))}
            </div>
          </div>
          {bars.length > 0 && (
            <Flex
              justify="space-between"
              gap={8}
              wrap
              style={{ fontSize: 12, color: '#6b7280', marginTop: 4, paddingInlineStart: 36 }}
              data-testid="chart-axis"
            >
              {ticks.map((t) => (
                <span key={t.start.getTime()}>{label(t.start)}</span>
              ))}
              <span>now</span>
            </Flex>
          )}
        </>
      )}
    </Card>
  );
}
