import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { queryRows } from '@/db/raw';
import { DELIVERY_STATES, DELIVERY_TRIGGERS, webhookDeliveries, type DeliveryState } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { invalid } from '@/lib/http/errors';
import { intFilter, type ListQuery } from '@/lib/http/list-query';
import type { Page } from '@/lib/http/pagination';
import { isEventKey } from './events';

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** One row per attempt: CVAT's fields plus Herald's (delivery.md, "Delivery records"). */
export function representDelivery(d: DeliveryRow) {
  let request: unknown = d.payload;
  try {
    request = JSON.parse(d.payload);
  } catch {
    // stored bytes that are not JSON are shown as they are
  }
  return {
    id: d.id,
    webhook_id: d.webhookId,
    event: d.event,
    status_code: d.statusCode,
    redelivery: d.redelivery,
    attempt: d.attempt,
    request_duration: d.requestDuration,
    created_date: iso(d.createdDate),
    updated_date: iso(d.updatedDate),
    changed_fields: d.changedFields,
    request,
    response: d.response,
    delivery_id: d.messageId,
    state: d.state,
    next_attempt_date: d.state === 'delivered' || d.state === 'cancelled' || d.state === 'refused' ? null : iso(d.nextAttemptDate),
    request_headers: d.requestHeaders,
    response_headers: d.responseHeaders,
    trigger: d.trigger,
  };
}

export type DeliveryRepresentation = ReturnType<typeof representDelivery>;

/** Filters: `event`, `state` (or `outcome`: success = delivered, failure = failed or refused), `status_code`, `trigger`. */
export async function listWebhookDeliveries(db: Db, webhookId: number, query: ListQuery, page: Page) {
  const filters: (SQL | undefined)[] = [eq(webhookDeliveries.webhookId, webhookId)];
  const event = query.filters.get('event');
  if (event !== undefined && event !== '') {
    if (!isEventKey(event) && event !== 'ping') throw invalid('event', `"${event}" is not a valid choice.`);
    filters.push(eq(webhookDeliveries.event, event));
  }
  const state = query.filters.get('state');
  if (state !== undefined && state !== '') {
    if (!(DELIVERY_STATES as readonly string[]).includes(state)) throw invalid('state', `"${state}" is not a valid choice.`);
    filters.push(eq(webhookDeliveries.state, state as DeliveryState));
  }
  const outcome = query.filters.get('outcome');
  if (outcome === 'success') filters.push(eq(webhookDeliveries.state, 'delivered'));
  else if (outcome === 'failure') filters.push(inArray(webhookDeliveries.state, ['failed', 'refused']));
  else if (outcome !== undefined && outcome !== '') throw invalid('outcome', 'Use success or failure.');
  const trigger = query.filters.get('trigger');
  if (trigger !== undefined && trigger !== '') {
    if (!(DELIVERY_TRIGGERS as readonly string[]).includes(trigger)) throw invalid('trigger', `"${trigger}" is not a valid choice.`);
    filters.push(eq(webhookDeliveries.trigger, trigger as DeliveryRow['trigger']));
  }
  const statusCode = intFilter(query, 'status_code');
  if (statusCode !== undefined) filters.push(eq(webhookDeliveries.statusCode, statusCode));
  const where = and(...filters);
  const [{ total }] = await db.select({ total: count() }).from(webhookDeliveries).where(where);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(where)
    .orderBy(desc(webhookDeliveries.id))
    .limit(page.limit ?? 2 ** 31 - 1)
    .offset(page.offset);
  return { count: total, results: rows.map(representDelivery) };
}

const BUCKETS = { hour: { seconds: 3600, count: 48 }, day: { seconds: 86400, count: 30 }, minute: { seconds: 60, count: 120 } } as const;

/** Successes and failures per time bucket, newest last: the chart on the webhook page. */
export async function summarizeDeliveries(db: Db, webhookId: number, bucket: string) {
  const spec = BUCKETS[bucket as keyof typeof BUCKETS];
  if (!spec) throw invalid('bucket', `"${bucket}" is not a valid choice. Use minute, hour or day.`);
  const rows = await queryRows<{ bucket: string | Date; success: number; failure: number }>(db, sql`
    select to_timestamp(floor(extract(epoch from updated_date) / ${spec.seconds}) * ${spec.seconds}) as bucket,
      count(*) filter (where state = 'delivered')::int as success,
      count(*) filter (where state in ('failed', 'refused'))::int as failure
    from webhook_deliveries
    where webhook_id = ${webhookId} and state in ('delivered', 'failed', 'refused')
      and updated_date > now() - make_interval(secs => ${spec.seconds * spec.count})
    group by 1 order by 1`);
  return {
    bucket,
    bucket_seconds: spec.seconds,
    results: rows.map((r) => ({ time: new Date(r.bucket).toISOString(), success: r.success, failure: r.failure })),
  };
}
