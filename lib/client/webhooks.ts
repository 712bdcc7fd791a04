/** Webhook shapes (webhooks.md, delivery.md) and small pure helpers for the webhook pages. */
import type { DeliveryTrigger, SeriesState } from '@/db/schema/webhook-queue';
import type {
  AttemptRepresentation,
  getDeliveryStats,
  getMessage,
  representSeries,
} from '@/lib/webhooks/deliveries';
import type { HealthState } from '@/lib/webhooks/endpoint-health';
import { groupEvents, type WebhookType } from '@/lib/webhooks/events';
import type { WebhookRepresentation } from '@/lib/webhooks/representation';
import type { Wire } from './wire';

export type { DeliveryTrigger, HealthState };

export type Webhook = Wire<WebhookRepresentation> & {
  /** Client only: the state of the last ping made from this page (a refusal has no status code). */
  last_state?: DeliveryState;
};
export type WebhookHealth = Webhook['health'];

export const HEALTH_STATE_LABEL: Record<HealthState, string> = {
  healthy: 'Healthy',
  failing: 'Failing',
  paused: 'Paused',
  disabled: 'Disabled',
};
export const HEALTH_STATE_COLOR: Record<HealthState, string> = {
  healthy: 'success',
  failing: 'error',
  paused: 'warning',
  disabled: 'default',
};

/** A time of today as 10:42, of another day with its date. */
export function formatMoment(iso: string): string {
  const date = new Date(iso);
  const isToday = date.toDateString() === new Date().toDateString();
  return isToday
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The banner's sentence (operations.md): "Failing since 10:42 · paused until 10:52 · 3 deliveries
 * waiting", or "Disabled: <reason>"; null for a healthy endpoint with nothing waiting.
 */
export function describeHealth(health: WebhookHealth, waiting: number | null): string | null {
  const parts: string[] = [];
  if (health.state === 'disabled')
    parts.push(`Disabled: ${health.disabled_reason ?? 'turned off by Herald'}`);
  else if (health.failing_since) parts.push(`Failing since ${formatMoment(health.failing_since)}`);
  if (health.paused_until && health.state !== 'disabled')
    parts.push(`${parts.length ? 'paused' : 'Paused'} until ${formatMoment(health.paused_until)}`);
  if (health.state === 'healthy' && parts.length === 0) return null;
  if (waiting) parts.push(`${waiting} ${waiting === 1 ? 'delivery' : 'deliveries'} waiting`);
  return parts.join(' · ');
}

/** The state of a series (delivery.md): every attempt of it shows where the series stands now. */
export type DeliveryState = SeriesState;
/** One attempt (GET /webhooks/{id}/deliveries). */
export type Delivery = Wire<AttemptRepresentation>;
/** A series: one event's deliveries to the webhook (GET /webhooks/{id}/messages). */
export type DeliverySeries = Wire<ReturnType<typeof representSeries>>;
export type DeliverySeriesDetail = Wire<Awaited<ReturnType<typeof getMessage>>>;
export type DeliveryStats = Wire<Awaited<ReturnType<typeof getDeliveryStats>>>;

export type Health = 'ok' | 'failing' | 'unknown';

/** Green for a 2xx, red for a 5xx or an attempt that failed or was refused, grey otherwise or never. */
export function webhookHealth(w: Pick<Webhook, 'last_status' | 'last_delivery_date' | 'last_state'>): Health {
  const s = w.last_status;
  if (s !== null && s >= 200 && s < 300) return 'ok';
  if (s !== null && s >= 500) return 'failing';
  if (w.last_state === 'failed') return 'failing';
  // A refused attempt (SSRF guard) is recorded without a status code.
  if (s === null && w.last_delivery_date) return 'failing';
  return 'unknown';
}

export const HEALTH_COLOR: Record<Health, string> = { ok: '#2f9e44', failing: '#e03131', unknown: '#adb5bd' };

/**
 * The subscribed events for the list: a group's display name when all of its keys (for this
 * webhook's type) are chosen, else the keys themselves. "Task, Job, update:project".
 */
export function summarizeEvents(type: WebhookType, events: string[]): string[] {
  const chosen = new Set(events);
  const whole: string[] = [];
  const single: string[] = [];
  for (const { group, keys } of groupEvents(type)) {
    const picked = keys.filter((k) => chosen.has(k));
    if (picked.length === keys.length) whole.push(group);
    else single.push(...picked);
  }
  return [...whole, ...single];
}

/** `whsec_` + base64 of 24 random bytes from the browser's CSPRNG (fits the 64-character limit). */
export function generateSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `whsec_${btoa(binary)}`;
}

/** The JSON the receiver got, indented; anything else as it was stored. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? '';
}
