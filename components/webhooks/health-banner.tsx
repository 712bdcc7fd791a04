'use client';

import { HistoryOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, DatePicker, Flex, Modal, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useApiQuery } from '@/lib/client/hooks';
import type { Paginated } from '@/lib/client/types';
import { describeHealth, type DeliverySeries, type Webhook } from '@/lib/client/webhooks';
import { usePing, useRecover, useTurnOn } from './hooks';

/**
 * The endpoint's health on its page (operations.md): "Failing since 10:42 · paused until 10:52 · 3
 * deliveries waiting", or why Herald turned it off, with what a person can do about it.
 */
export function HealthBanner({ webhook, canManage = true }: { webhook: Webhook; canManage?: boolean }) {
  const { message } = App.useApp();
  const health = webhook.health;
  const waiting = useApiQuery<Paginated<DeliverySeries>>(
    `/webhooks/${webhook.id}/messages`,
    { state: 'pending', page_size: 1 },
    { global: true, refetchInterval: 10_000 },
  );
  const ping = usePing();
  const turnOn = useTurnOn(webhook.id);
  if (!health) return null;
  const text = describeHealth(health, waiting.data?.count ?? null);
  if (!text) return null;
  const isDisabled = health.state === 'disabled';
  const advice = isDisabled
    ? 'Fix the receiver, turn the webhook on again, then recover what it missed.'
    : health.state === 'paused'
      ? 'Nothing is sent to it until then. Fix the receiver and Ping it: a successful ping ends the pause and sends what is waiting.'
      : health.state === 'failing'
        ? 'Its deliveries are retried. Once it answers again, Recover sends the ones that failed for good.'
        : undefined;
  return (
    <Alert
      data-testid="health-banner"
      role="status"
      style={{ marginBottom: 16 }}
      type={isDisabled || health.state === 'failing' ? 'error' : 'warning'}
      showIcon
      title={text}
      description={advice}
      action={
        canManage && (
          <Flex gap={8} wrap>
            {isDisabled ? (
              <Button
                size="small"
                loading={turnOn.isPending}
                onClick={() =>
                  turnOn.mutate(undefined, {
                    onSuccess: () => {
                      message.success('Webhook turned on again.');
                    },
                    onError: (e) => {
                      message.error(e.message);
                    },
                  })
                }
              >
                Turn on again
              </Button>
            ) : (
              <Button
                size="small"
                loading={ping.isPending}
                onClick={() =>
                  ping.mutate(webhook.id, {
                    onError: (e) => {
                      message.error(e.message);
                    },
                  })
                }
              >
                Ping now
              </Button>
            )}
          </Flex>
        )
      }
    />
  );
}

/** "Recover failed deliveries since…": a date, the count (a dry run) shown before anything is sent. */
export function RecoverButton({ webhook }: { webhook: Webhook }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [since, setSince] = useState<Dayjs | null>(() => defaultSince(webhook));
  const [withDelivered, setWithDelivered] = useState(false);
  const [counted, setCounted] = useState<{ key: string; count: number | null; error: string | null } | null>(
    null,
  );
  const { mutateAsync: countRecoverable } = useRecover(webhook.id);
  const recover = useRecover(webhook.id);
  const states = withDelivered ? ['failed', 'delivered'] : ['failed'];
  const sinceIso = since?.toISOString();
  const statesKey = states.join(',');
  // The dry run's answer belongs to the inputs it was asked with: until the current ones are counted
  // the modal says "Counting…".
  const countKey = open && sinceIso ? `${sinceIso} ${statesKey}` : null;
  const current = counted?.key === countKey ? counted : null;
  const count = current?.count ?? null;
  const error = current?.error ?? null;

  useEffect(() => {
    if (!countKey || !sinceIso) return;
    let isCurrent = true;
    countRecoverable({ since: sinceIso, states: statesKey.split(','), dry_run: true }).then(
      (r) => {
        if (isCurrent) setCounted({ key: countKey, count: r.count, error: null });
      },
      (e: Error) => {
        if (isCurrent) setCounted({ key: countKey, count: null, error: e.message });
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [countKey, sinceIso, statesKey, countRecoverable]);

  async function send() {
    if (!sinceIso) return;
    try {
      const r = await recover.mutateAsync({ since: sinceIso, states });
      message.success(
        r.count
          ? `${r.count} ${r.count === 1 ? 'delivery' : 'deliveries'} queued again, oldest first.`
          : 'Nothing to recover.',
      );
      setOpen(false);
    } catch (e) {
      message.error(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <>
      <Button
        icon={<HistoryOutlined />}
        onClick={() => {
          setCounted(null);
          setOpen(true);
        }}
      >
        Recover…
      </Button>
      <Modal
        title="Recover failed deliveries since…"
        open={open}
        onCancel={() => setOpen(false)}
        okText={count ? `Recover ${count} ${count === 1 ? 'delivery' : 'deliveries'}` : 'Recover'}
        okButtonProps={{ disabled: !count, loading: recover.isPending }}
        onOk={send}
        destroyOnHidden
      >
        <Flex vertical gap={12}>
          <Typography.Paragraph style={{ marginBottom: 0 }}>
            Each event since this moment whose delivery failed is sent again, in the order the events
            happened, with its original payload signed anew.
          </Typography.Paragraph>
          <label htmlFor="recover-since">Since</label>
          <DatePicker
            id="recover-since"
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            value={since}
            onChange={(v) => setSince(v)}
            disabledDate={(d) => d.isAfter(dayjs())}
            allowClear={false}
            style={{ width: '100%' }}
            getPopupContainer={(node) => node.parentElement ?? document.body}
          />
          <Checkbox checked={withDelivered} onChange={(e) => setWithDelivered(e.target.checked)}>
            Also resend the ones that were delivered
          </Checkbox>
          <Typography.Text data-testid="recover-count" aria-live="polite">
            {error ??
              (count === null
                ? 'Counting…'
                : count === 0
                  ? 'No delivery to recover since then.'
                  : `${count} ${count === 1 ? 'delivery' : 'deliveries'} will be sent again.`)}
          </Typography.Text>
        </Flex>
      </Modal>
    </>
  );
}

/** From when the endpoint started failing (a minute before), or the last day. */
function defaultSince(webhook: Webhook): Dayjs {
  const failing = webhook.health?.failing_since;
  return failing ? dayjs(failing).subtract(1, 'minute') : dayjs().subtract(1, 'day');
}
