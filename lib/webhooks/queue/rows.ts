import { sql } from 'drizzle-orm';
import type { DeliveryTrigger, StoredHeader } from '@/db/schema';
import { formatDeliveryId } from '../delivery-key';
import type { QueuedPair, SendTarget } from '../delivery-types';

/** The webhook's columns an attempt needs, read with the series (`w`): the outbox and claims share them. */
export const SEND_COLUMNS = sql`w.id as "targetId", w.target_url as "targetUrl", w.secret, w.previous_secret as "previousSecret",
  w.previous_secret_expires as "previousSecretExpires", w.is_active as "isActive",
  w.enable_ssl as "enableSsl", w.retired_date as "retiredDate", w.ordering, w.rate_limit as "rateLimit", w.headers as "customHeaders"`;

export type SendColumns = {
  targetId: number | null;
  targetUrl: string;
  secret: string | null;
  previousSecret: string | null;
  previousSecretExpires: string | Date | null;
  isActive: boolean;
  enableSsl: boolean;
  retiredDate: string | Date | null;
  ordering: 'unordered' | 'fifo';
  rateLimit: number | null;
  customHeaders: StoredHeader[] | string | null;
};

export type SeriesColumns = {
  id: number | string;
  webhookId: number;
  key: string;
  attempts: number;
  trigger: DeliveryTrigger;
  event: string;
  /** How long ago the series was written, by the database's clock (ms): turned into this process's time, whatever the skew. */
  ageMs: number | string;
};

/** The `ageMs` of a series row `alias` (which must have `created_date`). */
export const seriesAge = (alias: string) =>
  sql.raw(`(extract(epoch from clock_timestamp() - ${alias}.created_date) * 1000)::float8 as "ageMs"`);

export function toSendTarget(r: SendColumns): SendTarget | undefined {
  if (r.targetId === null) return undefined;
  return {
    id: r.targetId,
    targetUrl: r.targetUrl,
    secret: r.secret,
    previousSecret: r.previousSecret,
    previousSecretExpires: r.previousSecretExpires ? new Date(r.previousSecretExpires) : null,
    isActive: r.isActive,
    enableSsl: r.enableSsl,
    retiredDate: r.retiredDate ? new Date(r.retiredDate) : null,
    ordering: r.ordering,
    rateLimit: r.rateLimit,
    // A driver may give jsonb as text.
    customHeaders:
      typeof r.customHeaders === 'string'
        ? (JSON.parse(r.customHeaders) as StoredHeader[])
        : (r.customHeaders ?? []),
  };
}

export function toQueuedPair(r: SeriesColumns & SendColumns, body: string): QueuedPair {
  return {
    delivery: {
      id: Number(r.id),
      webhookId: r.webhookId,
      webhookIdHeader: formatDeliveryId(r.key),
      event: r.event,
      body,
      attempt: r.attempts + 1,
      trigger: r.trigger,
      queuedAt: Date.now() - Number(r.ageMs),
    },
    webhook: toSendTarget(r),
  };
}
