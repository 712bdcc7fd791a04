'use client';

import { Tag, Tooltip } from 'antd';
import { formatDate } from '@/components/common/user-name';
import {
  describeHealth,
  HEALTH_COLOR,
  HEALTH_STATE_COLOR,
  HEALTH_STATE_LABEL,
  webhookHealth,
  type Webhook,
} from '@/lib/client/webhooks';

function describe(w: Pick<Webhook, 'last_status' | 'last_delivery_date' | 'last_state'>): string {
  if (!w.last_delivery_date) return 'Never delivered';
  const status =
    w.last_status !== null
      ? `Last status: ${w.last_status}`
      : `Last attempt ${!w.last_state ? 'refused or unreachable' : w.last_state}`;
  return `${status} · ${formatDate(w.last_delivery_date)}`;
}

/** Green: the last attempt got a 2xx; red: a 5xx, a failure or a refusal; grey: anything else or nothing yet. */
export function StatusDot({
  webhook,
}: {
  webhook: Pick<Webhook, 'id' | 'last_status' | 'last_delivery_date' | 'last_state'>;
}) {
  const health = webhookHealth(webhook);
  const text = describe(webhook);
  return (
    <Tooltip title={text}>
      <span
        role="img"
        tabIndex={0}
        aria-label={text}
        data-testid={`status-${webhook.id}`}
        data-health={health}
        style={{
          display: 'inline-block',
          width: 12,
          height: 12,
          borderRadius: '50%',
          background: HEALTH_COLOR[health],
          flex: 'none',
          verticalAlign: 'middle',
        }}
      />
    </Tooltip>
  );
}

/** The endpoint's state in a word (Healthy, Failing, Paused, Disabled), with the details in a tooltip. */
export function HealthTag({ webhook }: { webhook: Pick<Webhook, 'id' | 'health'> }) {
  const health = webhook.health;
  if (!health) return null;
  const label = HEALTH_STATE_LABEL[health.state];
  const details =
    describeHealth(health, null) ??
    (health.success_rate_24h === null
      ? 'No attempt in the last 24 hours'
      : `${Math.round(health.success_rate_24h * 100)}% of ${health.attempts_24h} attempts succeeded in the last 24 hours`);
  return (
    <Tooltip title={details}>
      <Tag
        color={HEALTH_STATE_COLOR[health.state]}
        data-testid={`health-${webhook.id}`}
        data-state={health.state}
        tabIndex={0}
        aria-label={`${label}: ${details}`}
        style={{ marginInlineEnd: 0 }}
      >
        {label}
      </Tag>
    </Tooltip>
  );
}
