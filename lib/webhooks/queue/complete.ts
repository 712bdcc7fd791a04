import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { idArray } from '@/db/raw';
import type { AttemptResult } from '../delivery-types';

/**
 * Writes a batch of outcomes in one statement: the attempts that were made go to the log, and each
 * series moves on (delivered, failed, cancelled, or pending again with its retry's due date), its lease
 * released.
 */
export async function completeAttempts(tx: Tx, results: AttemptResult[]): Promise<void> {
  if (results.length === 0) return;
  const data = JSON.stringify(
    results.map((r) => ({
      id: r.deliveryId,
      webhook: r.webhookId,
      attempt: r.attempt,
      sent: r.sentAt === null ? null : new Date(r.sentAt).toISOString(),
      duration: r.durationMs,
      status: r.statusCode,
      error: r.errorKind,
      response: r.response,
      headers: r.responseHeaders,
      digests: r.digests?.toString('base64') ?? null,
      custom: r.customHeaderNames?.length ? r.customHeaderNames.join('\n') : null,
      state: r.state,
      next: r.retryAt?.toISOString() ?? null,
    })),
  );
  await tx.execute(sql`
    with r as (
      select * from json_to_recordset(${data}::json) as r(id bigint, webhook int, attempt int, sent timestamptz, duration int,
        status int, error text, response text, headers text, digests text, custom text, state text, next timestamptz)
    ), logged as (
      insert into webhook_attempts (delivery_id, webhook_id, attempt, sent_date, request_duration, status_code, error_kind, response, response_headers, signatures, custom_headers)
      select r.id, r.webhook, r.attempt, r.sent, r.duration, r.status, r.error, r.response, r.headers, decode(r.digests, 'base64'), r.custom
      from r where r.sent is not null
      -- Grouped by webhook, so that each webhook's entries of the log's (webhook_id, id) index arrive
      -- in a run at the end of its range and fill pages instead of splitting them in halves.
      order by r.webhook, r.id
    )
    update webhook_deliveries d set
      state = r.state,
      attempts = case when r.sent is null then d.attempts else r.attempt end,
      next_attempt_date = r.next,
      last_attempt_date = coalesce(r.sent, d.last_attempt_date),
      lease_until = null
    from r where d.webhook_id = r.webhook and d.id = r.id`);
}

/**
 * Gives up this process's lease on series it will not send, for the claim loop of any process; a series
 * whose lease passed and that another process claimed since (a later lease) is left to it.
 * `leasedUntil` in ms; the database keeps microseconds, hence the rounding up.
 */
export async function releaseLeases(
  db: Db,
  series: { id: number; webhookId: number }[],
  leasedUntil: number,
): Promise<void> {
  if (series.length === 0) return;
  // Each series looked up by its key, then updated by its row's address: joined to the list, the
  // planner guessed one leased row in the table and scanned all of it for each series (18 ms for 200
  // at 20,000 pending). A row another process updated since is no longer at that address: left alone.
  await db.execute(sql`update webhook_deliveries d set lease_until = null
    where d.ctid = any(array(
      select x.ctid from unnest(${idArray(series.map((s) => s.webhookId))}, ${idArray(
        series.map((s) => s.id),
        'bigint',
      )}) as s(webhook_id, id)
      cross join lateral (select e.ctid from webhook_deliveries e where e.webhook_id = s.webhook_id and e.id = s.id) x))
      and d.state = 'pending' and d.lease_until <= ${new Date(Math.ceil(leasedUntil) + 1).toISOString()}::timestamptz`);
}

/** Frees every claim on pending series (only safe when no other process can hold one: PGlite at start). */
export async function releaseAllLeases(db: Db): Promise<void> {
  await db.execute(
    sql`update webhook_deliveries set lease_until = null where lease_until is not null and state = 'pending'`,
  );
}

/** A paused endpoint answered again: its waiting series are due at once rather than at their retry time. */
export async function makeWaitingDue(tx: Tx, webhookIds: number[]): Promise<void> {
  if (webhookIds.length === 0) return;
  await tx.execute(sql`update webhook_deliveries set next_attempt_date = now()
    where webhook_id = any(${idArray(webhookIds)}) and state = 'pending' and next_attempt_date > now()`);
}
