import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';
import type { DeliveryTrigger } from '@/db/schema';
import type { Change } from '@/lib/changes/change';
import { settings } from '@/lib/config/settings';
import type { AdoptedPair, QueuedPair } from '../delivery-types';
import { eventsFor, isServerEvent } from '../events';
import { buildBody, changedFields, packPayload, serializeChangePayload } from '../payloads';
import { SEND_COLUMNS, seriesAge, toQueuedPair, type SendColumns, type SeriesColumns } from './rows';

const PROJECT_EVENTS = new Set<string>(eventsFor('project').map((e) => e.key));

/** A lease that counts from the insert (clock_timestamp), not from the start of a transaction that may be long. */
const leaseFromNow = () => sql`clock_timestamp() + make_interval(secs => ${settings.leaseSeconds})`;

type QueuedRow = SeriesColumns & SendColumns & { messageId: number; leaseUntil: number | null };

/**
 * The transactional outbox: inside the change's transaction, the event's message and one series per
 * active webhook in scope that subscribes to it, in one statement (it is on the path of every change).
 * Committed together with the change, or not at all; no message is written when nobody listens.
 *
 * `adoption`: this process delivers and has room, except for the endpoints listed. Then the series of
 * healthy endpoints (without a FIFO order or a rate limit, which only claims keep) are written already leased to it, to be sent as soon as the transaction commits,
 * and the webhooks are read `for share`, so that a change to one (deactivated, re-pointed, deleted)
 * waits for this commit and the attempt uses settings as current as a claim's. Should the process die
 * first, the lease passes and any process claims them.
 */
export async function enqueueChange(tx: Tx, change: Change, adoption: { excluded: number[] } | null) {
  const key = `${change.action}:${change.resource}`;
  const scopes: SQL[] = [];
  // The installation's events (users, organizations coming and going) reach its administrators' server webhooks only.
  if (isServerEvent(key)) scopes.push(sql`w.type = 'server'`);
  else if (change.organizationId !== null)
    scopes.push(sql`(w.type = 'organization' and w.organization_id = ${change.organizationId})`);
  if (change.projectId !== null && PROJECT_EVENTS.has(key))
    scopes.push(sql`(w.type = 'project' and w.project_id = ${change.projectId})`);
  if (scopes.length === 0) return { adopted: [] as AdoptedPair[], leftInTable: [] as number[], count: 0 };
  const { head, tail } = serializeChangePayload(change);
  const resource = (change.after ?? change.before) as { id?: unknown; key?: unknown } | null;
  const resourceId = resource?.id ?? resource?.key ?? null;
  // Only to a healthy endpoint: one failing or paused waits for the claim loop's pace.
  const lease = adoption
    ? sql`case when not w.is_failing and w.ordering = 'unordered' and w.rate_limit is null and w.id <> all(${idArray(adoption.excluded)})
        then ${leaseFromNow()} end`
    : sql`null::timestamptz`;
  const rows = await queryRows<QueuedRow>(
    tx,
    sql`
    with hooks as materialized (
      select w.*, coalesce(h.consecutive_failures > 0 or h.paused_until > now(), false) as is_failing
      from webhooks w left join webhook_health h on h.webhook_id = w.id
      where w.is_active and w.retired_date is null and ${key} = any(w.events) and (${sql.join(scopes, sql` or `)})
      order by w.id
      ${adoption ? sql`for share of w` : sql``}
    ), message as (
      insert into webhook_messages (event, resource_type, resource_id, organization_id, project_id, sender_id, payload, changed_fields)
      select ${key}, ${change.resource}, ${resourceId === null ? null : String(resourceId)}::text, ${change.organizationId}::int, ${change.projectId}::int,
        ${change.sender?.id ?? null}::int, ${packPayload({ head, tail })}::bytea, ${changedFields(change)}::text
      where exists (select 1 from hooks)
      returning id
    ), queued as (
      insert into webhook_deliveries (message_id, webhook_id, lease_until)
      select message.id, w.id, ${lease}
      from message cross join hooks w
      order by w.id
      returning id, webhook_id, message_id, key, attempts, trigger, lease_until, created_date
    )
    select q.id, q.webhook_id as "webhookId", q.message_id as "messageId", q.key, q.attempts, q.trigger, ${key} as event, ${seriesAge('q')},
      (extract(epoch from q.lease_until) * 1000)::float8 as "leaseUntil", ${SEND_COLUMNS}
    from queued q join hooks w on w.id = q.webhook_id
    order by q.id`,
  );
  const adopted: AdoptedPair[] = [];
  const leftInTable: number[] = [];
  for (const r of rows) {
    if (r.leaseUntil === null) leftInTable.push(r.webhookId);
    else
      adopted.push({ ...toQueuedPair(r, buildBody({ head, tail }, r.webhookId)), leaseUntil: r.leaseUntil });
  }
  return { adopted, leftInTable, count: rows.length };
}

/**
 * A ping or test: its own message and series, leased to the request that sends it within itself, so
 * that no dispatcher picks it up meanwhile. Returns the series ready to attempt.
 */
export async function enqueueDirect(
  db: Db,
  opts: {
    webhookId: number;
    event: string;
    trigger: DeliveryTrigger;
    payload: string;
    senderId: number | null;
  },
): Promise<QueuedPair> {
  const [row] = await queryRows<QueuedRow>(
    db,
    sql`
    with message as (
      insert into webhook_messages (event, sender_id, payload) values (${opts.event}, ${opts.senderId}::int, ${packPayload({ head: opts.payload, tail: null })}::bytea) returning id
    ), queued as (
      insert into webhook_deliveries (message_id, webhook_id, trigger, lease_until)
      select message.id, ${opts.webhookId}, ${opts.trigger}, ${leaseFromNow()} from message
      returning id, webhook_id, message_id, key, attempts, trigger, created_date
    )
    select q.id, q.webhook_id as "webhookId", q.message_id as "messageId", q.key, q.attempts, q.trigger, ${opts.event} as event, ${seriesAge('q')}, ${SEND_COLUMNS}
    from queued q left join webhooks w on w.id = q.webhook_id`,
  );
  return toQueuedPair(row, opts.payload);
}

/**
 * Redelivery of an attempt's message: a new series of the same message and webhook, marked `redelivery`,
 * that keeps the `webhook-id` of the one it repeats (Standard Webhooks: the id stays when a message is
 * sent again), so a receiver that processed it already can tell. Same body bytes, signed anew.
 * Returns false when the webhook has no such attempt.
 */
export async function enqueueRedelivery(
  tx: Tx,
  webhookId: number,
  attemptId: number,
  trigger: DeliveryTrigger = 'redelivery',
): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`
    insert into webhook_deliveries (message_id, webhook_id, key, trigger, redelivery)
    select d.message_id, d.webhook_id, d.key, ${trigger}, true
    from webhook_attempts a join webhook_deliveries d on d.webhook_id = a.webhook_id and d.id = a.delivery_id
    where a.id = ${attemptId} and a.webhook_id = ${webhookId}
    limit 1
    returning id`,
  );
  return rows.length > 0;
}

export type RecoveryFilter = {
  since: Date;
  until: Date | null;
  states: ('failed' | 'delivered')[];
  events: string[] | null;
};

/**
 * Recovery (operations.md): the webhook's messages created in [since, until] whose latest series to it
 * (pings and tests aside) ended in one of `states`, optionally only of these events. Without `dryRun`,
 * each gets a new series, `trigger: recovery`, `redelivery: true`, keeping the `webhook-id` of the one it
 * repeats, inserted in the order the messages were created, so that claims (and with them the endpoint's
 * rate limit and ordering) take them in that order. A message already being recovered (its latest
 * series pending) is not queued twice. Returns how many messages matched.
 */
export async function enqueueRecovery(
  tx: Tx,
  webhookId: number,
  f: RecoveryFilter,
  dryRun: boolean,
): Promise<number> {
  const matching = sql`
    select * from (
      select distinct on (d.message_id) d.message_id, d.key, d.state, m.created_date, m.event
      from webhook_deliveries d join webhook_messages m on m.id = d.message_id
      where d.webhook_id = ${webhookId} and d.trigger not in ('ping', 'test')
        and m.created_date >= ${f.since.toISOString()}::timestamptz
        ${f.until ? sql`and m.created_date <= ${f.until.toISOString()}::timestamptz` : sql``}
        ${f.events ? sql`and m.event = any(${`{${f.events.join(',')}}`}::text[])` : sql``}
      order by d.message_id, d.id desc
    ) latest
    where latest.state = any(${`{${f.states.join(',')}}`}::text[])`;
  if (dryRun) {
    const [{ count }] = await queryRows<{ count: number }>(
      tx,
      sql`select count(*)::int as count from (${matching}) x`,
    );
    return count;
  }
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`
    insert into webhook_deliveries (message_id, webhook_id, key, trigger, redelivery)
    select x.message_id, ${webhookId}, x.key, 'recovery', true
    from (${matching}) x
    order by x.created_date, x.message_id
    returning id`,
  );
  return rows.length;
}
