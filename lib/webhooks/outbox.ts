import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { afterCommit } from '@/db/transaction';
import { idArray, queryRows } from '@/db/raw';
import { settings } from '@/lib/config/settings';
import { webhooks } from '@/db/schema';
import type { Change } from '@/lib/changes/record-change';
import { EVENT_CATALOG, isEventKey } from './events';
import { changedFields, serializeChangePayload } from './payloads';
import { getDispatcher, SEND_COLUMNS, toClaimedPair, wakeDispatcher, type ClaimedRow } from './dispatcher';

const PROJECT_EVENTS = new Set<string>(EVENT_CATALOG.filter((e) => e.project).map((e) => e.key));

// Endpoints a transaction left rows for in the table: its later changes must not overtake them.
const leftInTableByTx = new WeakMap<Tx, Set<number>>();

/**
 * The transactional outbox: inside the change's transaction, one pending delivery per active webhook
 * in scope that subscribes to the event. Committed together with the change, or not at all.
 * One statement finds the webhooks and writes their rows: it is on the path of every change.
 *
 * When this process delivers and has room, the rows are written already leased to it and sent as
 * soon as the transaction commits: no claim statement and no wait for one. The webhooks are read
 * `for share`, so that a change to one (deactivated, re-pointed, deleted) waits for this commit and
 * the attempt uses settings as current as a claim's. Should the process die first, the lease passes
 * and any process claims the rows.
 */
export async function queueDeliveries(tx: Tx, change: Change): Promise<number> {
  const key = `${change.action}:${change.resource}`;
  if (!isEventKey(key)) return 0;
  const scopes = [];
  if (change.organizationId !== null) scopes.push(sql`(w.type = 'organization' and w.organization_id = ${change.organizationId})`);
  if (change.projectId !== null && PROJECT_EVENTS.has(key)) scopes.push(sql`(w.type = 'project' and w.project_id = ${change.projectId})`);
  if (scopes.length === 0) return 0;
  const { head, tail } = serializeChangePayload(change);
  const leftInTable = leftInTableByTx.get(tx) ?? new Set<number>();
  const exclusions = getDispatcher()?.adoptionExclusions() ?? null;
  // Only to a healthy endpoint: one failing or backed off waits for the claim loop's pace. The lease
  // counts from the insert (clock_timestamp), not from the start of a transaction that may be long.
  const lease = exclusions
    ? sql`case when w.consecutive_failures = 0 and w.backoff_until is null and w.id <> all(${idArray([...exclusions, ...leftInTable])})
        then clock_timestamp() + make_interval(secs => ${settings.leaseSeconds}) end`
    : sql`null::timestamptz`;
  const queued = await queryRows<Omit<ClaimedRow, 'event' | 'payload'> & { leaseUntil: number | null }>(tx, sql`
    with queued as (
      insert into webhook_deliveries (webhook_id, event, payload, changed_fields, lease_until)
      select w.id, ${key}::text, ${head}::text || w.id || ${tail}::text, ${changedFields(change)}::text, ${lease}
      from webhooks w
      where w.is_active and w.retired_date is null and ${key} = any(w.events) and (${sql.join(scopes, sql` or `)})
      order by w.id
      ${exclusions ? sql`for share of w` : sql``}
      returning id, webhook_id, message_id, attempt, trigger, lease_until
    )
    select q.id, q.webhook_id as "webhookId", q.message_id as "messageId", q.attempt, q.trigger,
      (extract(epoch from q.lease_until) * 1000)::float8 as "leaseUntil", ${SEND_COLUMNS}
    from queued q join webhooks w on w.id = q.webhook_id
    order by q.id`);
  if (queued.length === 0) return 0;
  const adopted = queued
    .filter((r) => r.leaseUntil !== null)
    .map((r) => ({ ...toClaimedPair({ ...r, event: key, payload: `${head}${r.webhookId}${tail}` }), leaseUntil: r.leaseUntil! }));
  const left = queued.filter((r) => r.leaseUntil === null).map((r) => r.webhookId);
  if (left.length) leftInTableByTx.set(tx, new Set([...leftInTable, ...left]));
  afterCommit(tx, () => {
    // The dispatcher running at commit: it may have been restarted since the insert.
    const dispatcher = getDispatcher();
    if (dispatcher) dispatcher.adopt(adopted, left);
    else if (left.length) wakeDispatcher();
  });
  return queued.length;
}

/**
 * A deleted project's webhooks stop receiving new events but keep delivering what was queued for them
 * (its `delete:` events included); the dispatcher's sweep removes them once nothing is pending.
 */
export async function retireProjectWebhooks(tx: Tx, projectId: number): Promise<void> {
  await tx.update(webhooks).set({ retiredDate: new Date() }).where(and(eq(webhooks.projectId, projectId), isNull(webhooks.retiredDate)));
}
