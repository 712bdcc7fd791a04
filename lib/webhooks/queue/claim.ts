import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';
import { settings } from '@/lib/config/settings';
import type { QueuedPair } from '../delivery-types';
import { buildBody, unpackPayload, type Payload } from '../payloads';
import { SEND_COLUMNS, toQueuedPair, type SendColumns, type SeriesColumns } from './rows';

type ClaimedRow = SeriesColumns &
  SendColumns & { id: number | null; messageId: number; payload: Uint8Array | null; scanned: number; fitting: number; cut: number[] };

/**
 * Claims due series for this process: FOR UPDATE SKIP LOCKED, so that several processes on one
 * PostgreSQL never take the same one, and a lease, so that the series of a process that died are taken
 * over once it has passed. Endpoints at their in-flight cap (`saturated`) or paused are skipped, and no
 * endpoint gets more than its `room`.
 *
 * `isDrained`: every due series the claim could see was taken or belongs to an endpoint out of room
 * (`cutByRoom`, or skipped as saturated), so that nothing else waits in the table; series cut by the
 * limit, or beyond the scanned window, mean it is not.
 */
export async function claimDue(db: Db, limit: number, room: Map<number, number>, saturated: number[]) {
  // How far the claim looks: enough to fill `limit` past endpoints that have little room.
  const window = limit * 10;
  const rows = await queryRows<ClaimedRow>(db, sql`
    -- Materialized, so that the candidates are ranked once: inlined, the planner may re-rank them for
    -- every row it locks when its estimates of this churning table are stale.
    with scan as materialized (
      select d.id, d.webhook_id, d.next_attempt_date from webhook_deliveries d
      where d.state = 'pending' and d.next_attempt_date <= now()
        and (d.lease_until is null or d.lease_until < now())
        and d.webhook_id <> all(${idArray(saturated)})
        and d.webhook_id <> all(array(select h.webhook_id from webhook_health h where h.paused_until > now()))
      order by d.next_attempt_date, d.id
      limit ${window}
    ), room as (
      select * from unnest(${idArray([...room.keys()])}, ${idArray([...room.values()])}) as r(webhook_id, room)
    ), ranked as materialized (
      select d.webhook_id, d.id, d.next_attempt_date, row_number() over (partition by d.webhook_id order by d.next_attempt_date, d.id) as rn,
        coalesce(r.room, ${settings.maxInFlightPerEndpoint}) as room
      from scan d left join room r on r.webhook_id = d.webhook_id
    ), candidates as materialized (
      select s.webhook_id, s.id from ranked s
      where s.rn <= s.room
      order by s.next_attempt_date, s.id
      limit ${limit}
    ), picked as (
      select d.webhook_id, d.id from webhook_deliveries d
      -- Rechecked once locked, for a series another process claimed meanwhile. Not the due index's
      -- predicate, so that the series are looked up by key rather than the index walked.
      where (d.webhook_id, d.id) in (select webhook_id, id from candidates)
        and d.state = 'pending' and (d.lease_until is null or d.lease_until < now())
      for update of d skip locked
    ), claimed as (
      update webhook_deliveries d set lease_until = now() + make_interval(secs => ${settings.leaseSeconds})
      from picked where d.webhook_id = picked.webhook_id and d.id = picked.id
      returning d.id, d.webhook_id, d.message_id, d.key, d.attempts, d.trigger
    ), seen as (
      select (select count(*)::int from scan) as scanned, (select count(*)::int from ranked where rn <= room) as fitting,
        (select coalesce(array_agg(distinct webhook_id), '{}') from ranked where rn > room) as cut
    )
    -- Each message's payload once per claim, however many of its series were claimed; what the claim
    -- saw comes along even when it took nothing.
    select c.id, c.webhook_id as "webhookId", c.message_id as "messageId", c.key, c.attempts, c.trigger, m.event,
      case when c.id = min(c.id) over (partition by c.message_id) then m.payload end as payload,
      ${SEND_COLUMNS}, seen.scanned, seen.fitting, seen.cut
    from seen left join (claimed c join webhook_messages m on m.id = c.message_id left join webhooks w on w.id = c.webhook_id) on true
    order by c.id`);
  // The webhook is read in the same statement as the claim: each attempt uses its latest settings.
  // Series seen but not taken are locked by another process's claim, which sends them.
  const [{ scanned, fitting, cut }] = rows;
  const isDrained = scanned < window && fitting <= limit;
  const payloads = new Map<number, Payload>();
  for (const r of rows) if (r.payload !== null) payloads.set(Number(r.messageId), unpackPayload(r.payload));
  const pairs: QueuedPair[] = rows.filter((r) => r.id !== null).map((r) => toQueuedPair(r, buildBody(payloads.get(Number(r.messageId))!, r.webhookId)));
  return { pairs, isDrained, cutByRoom: cut.map(Number) };
}
