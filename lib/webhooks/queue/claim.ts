import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';
import { settings } from '@/lib/config/settings';
import type { QueuedPair } from '../delivery-types';
import { buildBody, unpackPayload, type Payload } from '../payloads';
import { SEND_COLUMNS, seriesAge, toQueuedPair, type SendColumns, type SeriesColumns } from './rows';

/**
 * How far the walk in due order looks, per series it may claim: enough to fill a claim past endpoints
 * that have little room. 10 walked 2,000 candidates for 200 on a large backlog.
 */
const WINDOW_PER_SERIES = 3;

/** A series nobody holds: never leased, or its claimer's lease has passed (it died). `t`: the alias. */
const unleased = (t: string) => `(${t}.lease_until is null or ${t}.lease_until < now())`;
const isUnleased = (t: string) => sql.raw(unleased(t));
/** A series whose attempt is due and that nobody holds. */
const isClaimable = (t: string) => sql.raw(`(${t}.next_attempt_date <= now() and ${unleased(t)})`);

type ClaimedRow = SeriesColumns &
  SendColumns & {
    id: number | null;
    messageId: number;
    payload: Uint8Array | null;
    scanned: number;
    fitting: number;
    cut: number[];
    /** Rate-limited endpoints the claim took less from than they had waiting, each with ms to its next token. */
    starved: [number, number][];
  };

/**
 * Claims due series for this process: FOR UPDATE SKIP LOCKED, so that several processes on one
 * PostgreSQL never take the same one, and a lease, so that the series of a process that died are taken
 * over once it has passed. Endpoints at their in-flight cap (`saturated`) or paused are skipped, and no
 * endpoint gets more than its `room`. A FIFO endpoint (operations.md) offers only its oldest pending
 * series, one at a time; a rate-limited one gets no more than the tokens its bucket holds, taken in the
 * same statement, row-locked, so that every process together keeps to the limit.
 *
 * `isDrained`: every due series the claim could see was taken or belongs to an endpoint out of room
 * (`cutByRoom`, or skipped as saturated), so that nothing else waits in the table; series cut by the
 * limit, or beyond the scanned window, mean it is not.
 */
export async function claimDue(
  db: Db,
  limit: number,
  room: Map<number, number>,
  saturated: number[],
  /** Only the heads or tokens of these FIFO or rate-limited endpoints, without the walk in due order. */
  only?: number[],
) {
  const window = limit * WINDOW_PER_SERIES;
  const rows = await queryRows<ClaimedRow>(
    db,
    sql`
    -- Materialized, so that the candidates are ranked once: inlined, the planner may re-rank them for
    -- every row it locks when its estimates of this churning table are stale.
    with excluded as materialized (
      select unnest(${idArray(saturated)}) as id
      union select h.webhook_id from webhook_health h where h.paused_until > now()
    ), special as materialized (
      -- Endpoints a claim takes a few series of at a time (a FIFO one its head, a rate-limited one its
      -- tokens' worth): looked up one by one, each on its own index range, rather than met in the walk
      -- below, whose window their backlog would fill with series the claim may not take.
      select w.id, w.ordering = 'fifo' as is_fifo, w.rate_limit from webhooks w
      where (w.ordering = 'fifo' or w.rate_limit is not null) and w.id not in (select id from excluded)
        ${only ? sql`and w.id = any(${idArray(only)})` : sql``}
    ), walk as materialized (
      select d.ctid, d.id, d.webhook_id, d.next_attempt_date from webhook_deliveries d
      where d.state = 'pending' and ${isClaimable('d')}
        -- NOT IN a subquery (a hashed lookup), not <> ALL of an array: the planner multiplies the
        -- selectivity of <> ALL per element it guesses the array holds, estimated one row for a 200,000
        -- backlog of two webhooks, and chose to sort the whole table each claim (400 ms instead of 5).
        and d.webhook_id not in (select id from excluded)
        and d.webhook_id not in (select id from special)
        ${only ? sql`and false` : sql``}
      order by d.next_attempt_date, d.id
      limit ${window}
    ), room as (
      select * from unnest(${idArray([...room.keys()])}, ${idArray([...room.values()])}) as r(webhook_id, room)
    ), limits as materialized (
      -- Tokens refill at the rate, up to half a second's worth (a burst stays within 5 % over any 10 s).
      -- A bucket another process's claim holds is skipped: that claim is taking its tokens.
      select b.webhook_id, w.rate_limit,
        least(greatest(w.rate_limit / 2.0, 1), b.tokens + w.rate_limit * extract(epoch from now() - b.refilled_date)) as available
      from webhook_rate_buckets b join special w on w.id = b.webhook_id
      where w.rate_limit is not null and exists (
        select 1 from webhook_deliveries e where e.webhook_id = b.webhook_id and e.state = 'pending' and ${isClaimable('e')})
      order by b.webhook_id
      for update of b skip locked
    ), scan as materialized (
      select * from walk
      union all
      select e.ctid, e.id, e.webhook_id, e.next_attempt_date from special s
        left join limits l on l.webhook_id = s.id
        left join room r on r.webhook_id = s.id
        cross join lateral (
          -- A FIFO endpoint's head is its oldest pending series, due or not: one behind it waits until it ends.
          select e.ctid, e.id, e.webhook_id, e.next_attempt_date, e.lease_until from webhook_deliveries e
          where e.webhook_id = s.id and e.state = 'pending'
            and (s.is_fifo or ${isClaimable('e')})
          order by e.id
          -- One more than may be taken, so that the claim sees that the endpoint was cut short.
          limit case when s.is_fifo then 1
            else least(coalesce(r.room, ${settings.maxInFlightPerEndpoint}), floor(l.available)::int) + 1 end
        ) e
      where (s.rate_limit is null or l.webhook_id is not null) and ${isClaimable('e')}
    ), ranked as materialized (
      select d.ctid, d.webhook_id, d.id, d.next_attempt_date, row_number() over (partition by d.webhook_id order by d.next_attempt_date, d.id) as rn,
        least(coalesce(r.room, ${settings.maxInFlightPerEndpoint}), coalesce(floor(l.available)::int, 2147483647)) as room
      from scan d left join room r on r.webhook_id = d.webhook_id left join limits l on l.webhook_id = d.webhook_id
    ), candidates as materialized (
      select s.ctid from ranked s
      where s.rn <= s.room
      order by s.next_attempt_date, s.id
      limit ${limit}
    ), picked as (
      -- The candidates' row versions fetched by their address: a join on the key let the planner
      -- estimate a hash over the whole table cheaper than 200 index probes, and it took 25 ms of a
      -- 40 ms claim at 20,000 pending. A version another process updated since is not the one
      -- addressed: the recheck after the lock drops it, as it does a series claimed meanwhile.
      select d.ctid from webhook_deliveries d
      where d.ctid = any(array(select ctid from candidates))
        and d.state = 'pending' and ${isUnleased('d')}
      for update of d skip locked
    ), claimed as (
      update webhook_deliveries d set lease_until = now() + make_interval(secs => ${settings.leaseSeconds})
      where d.ctid = any(array(select ctid from picked))
      returning d.id, d.webhook_id, d.message_id, d.key, d.attempts, d.trigger, d.created_date
    ), spent as (
      update webhook_rate_buckets b set tokens = l.available - coalesce(c.n, 0), refilled_date = now()
      from limits l left join (select webhook_id, count(*)::int as n from claimed group by webhook_id) c on c.webhook_id = l.webhook_id
      where b.webhook_id = l.webhook_id
    ), seen as (
      select (select count(*)::int from walk) as scanned, (select count(*)::int from ranked where rn <= room) as fitting,
        (select coalesce(array_agg(distinct webhook_id), '{}') from ranked where rn > room) as cut,
        (select coalesce(json_agg(json_build_array(l.webhook_id, ceil(1000 * (1 - (l.available - floor(l.available))) / l.rate_limit)::int)), '[]')
          from limits l where exists (select 1 from ranked k where k.webhook_id = l.webhook_id and k.rn > k.room)) as starved
    )
    -- Each message's payload once per claim, however many of its series were claimed; what the claim
    -- saw comes along even when it took nothing.
    select c.id, c.webhook_id as "webhookId", c.message_id as "messageId", c.key, c.attempts, c.trigger, m.event, ${seriesAge('c')},
      case when c.id = min(c.id) over (partition by c.message_id) then m.payload end as payload,
      ${SEND_COLUMNS}, seen.scanned, seen.fitting, seen.cut, seen.starved
    from seen left join (claimed c join webhook_messages m on m.id = c.message_id left join webhooks w on w.id = c.webhook_id) on true
    order by c.id`,
  );
  // The webhook is read in the same statement as the claim: each attempt uses its latest settings.
  // Series seen but not taken are locked by another process's claim, which sends them.
  const [{ scanned, fitting, cut, starved }] = rows;
  const isDrained = scanned < window && fitting <= limit;
  const payloads = new Map<number, Payload>();
  for (const r of rows) if (r.payload !== null) payloads.set(Number(r.messageId), unpackPayload(r.payload));
  const pairs: QueuedPair[] = rows
    .filter((r) => r.id !== null)
    .map((r) => toQueuedPair(r, buildBody(payloads.get(Number(r.messageId))!, r.webhookId)));
  return {
    pairs,
    isDrained,
    cutByRoom: cut.map(Number),
    starved: new Map(starved.map(([id, ms]) => [Number(id), Number(ms)])),
  };
}
