import { sql, type SQL } from 'drizzle-orm';
import { webhooks } from '@/db/schema';
import type { Db, Tx } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';
import { settings } from '@/lib/config/settings';
import { iso } from '@/lib/http/dates';
import { loggerFor } from '@/lib/logging/logger';
import type { AttemptResult } from './delivery-types';
import { countRecentAttempts } from './queue';

/**
 * Endpoint health: the failure streak, the pause of the endpoint as a whole, and turning it off (410
 * Gone, failing for days). Its state is in `webhook_health`, apart from `webhooks`, so that the outbox,
 * which reads webhooks `for share` in every change's transaction, never waits on it; its rows are
 * locked in id order, so that two processes recording at once never deadlock either. Turning a webhook
 * off is a statement of its own, holding no other lock.
 */

/** What a batch of attempts says of one endpoint, in the order they completed. */
type Outcome = {
  webhook: number;
  /** A success came in the batch: the streak restarts from the failures after it. */
  reset: boolean;
  /** A ping or test succeeded: the pause ends. */
  resume: boolean;
  failures: number;
  first_failure: string | null;
  last_date: string;
  last_status: number | null;
  last_success: string | null;
  /** Seconds a 429/503 asked the endpoint to wait, after the last success. */
  pause: number | null;
  gone: boolean;
};

export function summarizeOutcomes(results: AttemptResult[]): Outcome[] {
  const byWebhook = new Map<number, Outcome>();
  for (const r of results) {
    if (r.sentAt === null) continue;
    const at = new Date(r.sentAt).toISOString();
    let o = byWebhook.get(r.webhookId);
    if (!o) {
      o = {
        webhook: r.webhookId,
        reset: false,
        resume: false,
        failures: 0,
        first_failure: null,
        last_date: at,
        last_status: null,
        last_success: null,
        pause: null,
        gone: false,
      };
      byWebhook.set(r.webhookId, o);
    }
    if (at >= o.last_date) {
      o.last_date = at;
      o.last_status = r.statusCode;
    }
    if (r.isFailure) {
      o.failures++;
      o.first_failure ??= at;
      if (r.pauseSeconds !== null) o.pause = Math.max(o.pause ?? 0, r.pauseSeconds);
      o.gone ||= r.isGone;
    } else {
      Object.assign(o, { reset: true, failures: 0, first_failure: null, last_success: at, pause: null });
      o.resume ||= r.endsPause;
    }
  }
  return [...byWebhook.values()].sort((a, b) => a.webhook - b.webhook);
}

export type EndpointVerdict = { webhookId: number; reason: string };
/**
 * `paused`: each endpoint of the batch that is paused now, with the end of its pause (ms since the epoch),
 * so that the recording process sends none of what it holds for it before then.
 */
export type HealthChanges = {
  deactivate: EndpointVerdict[];
  resumed: number[];
  paused: Map<number, number>;
  /** Those of them whose pause this batch began or moved: the only ones worth telling other processes. */
  changedPauses: Map<number, number>;
};

/**
 * Writes what a batch of attempts says of each endpoint, inside the transaction that records them.
 * Returns the endpoints to turn off; `deactivateEndpoints` does it once that transaction has committed.
 */
export async function recordHealth(tx: Tx, results: AttemptResult[]): Promise<HealthChanges> {
  const outcomes = summarizeOutcomes(results);
  if (outcomes.length === 0)
    return { deactivate: [], resumed: [], paused: new Map(), changedPauses: new Map() };
  const streak = sql`(case when o.reset then o.failures else h.consecutive_failures + o.failures end)`;
  const rows = await queryRows<{
    webhookId: number;
    failingFor: number | null;
    gone: boolean;
    isResumed: boolean;
    pausedUntil: number | null;
    isPauseChanged: boolean;
  }>(
    tx,
    sql`
    with o as (
      select * from json_to_recordset(${JSON.stringify(outcomes)}::json) as o(webhook int, reset boolean, resume boolean, failures int,
        first_failure timestamptz, last_date timestamptz, last_status int, last_success timestamptz, pause float8, gone boolean)
    ), locked as (
      select h.webhook_id, h.paused_until as was_paused_until from webhook_health h where h.webhook_id = any(${idArray(outcomes.map((o) => o.webhook))})
      order by h.webhook_id for update
    )
    update webhook_health h set
      consecutive_failures = ${streak},
      failing_since = case when o.failures = 0 then null when o.reset then o.first_failure else coalesce(h.failing_since, o.first_failure) end,
      -- After the threshold the endpoint as a whole waits, doubling with each further failure up to the
      -- maximum; a Retry-After on 429/503 asks for at least its own length. A successful ping ends the
      -- pause; a delivery that succeeds was sent before it began, and leaves it to run out.
      paused_until = case when o.failures = 0 then (case when o.resume or h.paused_until <= now() then null else h.paused_until end) else greatest(
        case when ${streak} >= ${settings.pauseAfterFailures}
          then now() + make_interval(secs => least(${settings.pauseMaxSeconds}::float8, ${settings.pauseSeconds}::float8 * power(2, least(${streak} - ${settings.pauseAfterFailures}, 30)))) end,
        case when o.pause is not null then now() + make_interval(secs => o.pause) end,
        case when not o.resume then h.paused_until end) end,
      last_attempt_date = greatest(h.last_attempt_date, o.last_date),
      last_status_code = case when h.last_attempt_date > o.last_date then h.last_status_code else o.last_status end,
      last_success_date = coalesce(o.last_success, h.last_success_date)
    from o join locked l on l.webhook_id = o.webhook
    where h.webhook_id = o.webhook
    returning h.webhook_id as "webhookId", o.gone, (o.reset and (o.resume or l.was_paused_until <= now())) as "isResumed",
      case when h.paused_until > now() then (extract(epoch from h.paused_until) * 1000)::float8 end as "pausedUntil",
      h.paused_until is distinct from l.was_paused_until as "isPauseChanged",
      extract(epoch from now() - h.failing_since)::float8 as "failingFor"`,
  );
  const verdicts: EndpointVerdict[] = [];
  const resumed = rows.filter((r) => r.isResumed).map((r) => r.webhookId);
  const paused = new Map(
    rows.filter((r) => r.pausedUntil !== null).map((r) => [r.webhookId, Number(r.pausedUntil)]),
  );
  const changedPauses = new Map(
    rows
      .filter((r) => r.pausedUntil !== null && r.isPauseChanged)
      .map((r) => [r.webhookId, Number(r.pausedUntil)]),
  );
  for (const r of rows) {
    if (r.gone)
      verdicts.push({
        webhookId: r.webhookId,
        reason: `Deactivated on ${new Date().toISOString()}: the receiver answered 410 Gone.`,
      });
    else if (r.failingFor !== null && r.failingFor > settings.disableAfterFailingSeconds) {
      verdicts.push({
        webhookId: r.webhookId,
        reason: `Deactivated on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}: every attempt failed for ${formatDuration(settings.disableAfterFailingSeconds)}.`,
      });
    }
  }
  return { deactivate: verdicts, resumed, paused, changedPauses };
}

/** The NOTIFY channel on which a process that paused endpoints tells the others (PostgreSQL). */
export const PAUSE_CHANNEL = 'herald_endpoint_paused';

/**
 * Tells every delivering process, once the transaction commits, which endpoints are paused until when,
 * so that none sends what it holds ready for them (operations.md: no process attempts a paused
 * endpoint before `paused_until`). Each process's claims already leave paused endpoints out.
 */
export async function announcePauses(tx: Tx, paused: Map<number, number>): Promise<void> {
  if (paused.size === 0) return;
  await tx.execute(sql`select pg_notify(${PAUSE_CHANNEL}, ${JSON.stringify([...paused])})`);
}

/** The pauses of an announcement; nothing for a payload that is not one. */
export function readPauses(payload: string): Map<number, number> {
  try {
    const pairs: unknown = JSON.parse(payload);
    if (!Array.isArray(pairs)) return new Map();
    return new Map(
      pairs.filter(
        (p): p is [number, number] => Array.isArray(p) && Number.isInteger(p[0]) && Number.isFinite(p[1]),
      ),
    );
  } catch {
    return new Map();
  }
}

/** Turns endpoints off with the reason, one statement each: each holds one row lock and waits for nothing else. */
export async function deactivateEndpoints(db: Db, verdicts: EndpointVerdict[]): Promise<void> {
  for (const v of verdicts) {
    try {
      await db.execute(
        sql`update webhooks set is_active = false, disabled_reason = ${v.reason} where id = ${v.webhookId} and is_active`,
      );
      await db.execute(sql`update webhook_health set paused_until = null where webhook_id = ${v.webhookId}`);
      loggerFor('webhooks').warn({ webhook_id: v.webhookId, reason: v.reason }, 'webhook turned off');
    } catch (error) {
      // The next failing batch decides again.
      loggerFor('webhooks').error(
        { err: error, webhook_id: v.webhookId },
        'turning off a failing webhook failed',
      );
    }
  }
}

function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  return `${seconds} seconds`;
}

/** A new webhook starts healthy. */
export async function createHealth(tx: Tx, webhookId: number): Promise<void> {
  await tx.execute(sql`insert into webhook_health (webhook_id) values (${webhookId}) on conflict do nothing`);
}

/** A person turning a webhook back on gives the endpoint a fresh start. */
export async function resetHealth(tx: Tx, webhookId: number): Promise<void> {
  await tx.execute(
    sql`update webhook_health set consecutive_failures = 0, failing_since = null, paused_until = null where webhook_id = ${webhookId}`,
  );
}

export type HealthRow = {
  webhookId: number;
  consecutiveFailures: number;
  failingSince: Date | null;
  pausedUntil: Date | null;
  lastAttemptDate: Date | null;
  lastStatusCode: number | null;
  lastSuccessDate: Date | null;
};

export async function loadHealth(tx: Tx, webhookIds: number[]): Promise<Map<number, HealthRow>> {
  const rows = await queryRows<HealthRow>(
    tx,
    sql`
    select webhook_id as "webhookId", consecutive_failures as "consecutiveFailures", failing_since as "failingSince",
      paused_until as "pausedUntil", last_attempt_date as "lastAttemptDate", last_status_code as "lastStatusCode",
      last_success_date as "lastSuccessDate"
    from webhook_health where webhook_id = any(${idArray(webhookIds)})`,
  );
  return new Map(rows.map((r) => [r.webhookId, r]));
}

export const HEALTH_STATES = ['healthy', 'failing', 'paused', 'disabled'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** The window of `success_rate_24h` and `attempts_24h`. */
const RECENT_SECONDS = 24 * 3600;

/**
 * The `health` object of operations.md for a page of webhooks: the streak, pause and last success kept
 * in `webhook_health`, and the last 24 hours of attempts counted in one statement. `disabled` is a
 * webhook Herald turned off (with its reason); one a person turned off keeps the state of its endpoint.
 */
export async function describeHealth(
  tx: Tx,
  hooks: { id: number; isActive: boolean; disabledReason: string | null }[],
) {
  const ids = hooks.map((w) => w.id);
  const [rows, recent] = await Promise.all([
    loadHealth(tx, ids),
    countRecentAttempts(tx, ids, new Date(Date.now() - RECENT_SECONDS * 1000)),
  ]);
  const now = Date.now();
  return new Map(
    hooks.map((w) => {
      const h = rows.get(w.id);
      const counts = recent.get(w.id);
      const pausedUntil =
        h?.pausedUntil && new Date(h.pausedUntil).getTime() > now ? new Date(h.pausedUntil) : null;
      const isDisabled = !w.isActive && w.disabledReason !== null;
      const state: HealthState = isDisabled
        ? 'disabled'
        : pausedUntil
          ? 'paused'
          : (h?.consecutiveFailures ?? 0) > 0
            ? 'failing'
            : 'healthy';
      const attempts = counts?.attempts ?? 0;
      return [
        w.id,
        {
          row: h,
          health: {
            state,
            failing_since: iso(h?.failingSince ?? null),
            paused_until: iso(pausedUntil),
            disabled_reason: isDisabled ? w.disabledReason : null,
            last_success_date: iso(h?.lastSuccessDate ?? null),
            success_rate_24h:
              attempts === 0 ? null : Math.round((counts!.successes / attempts) * 10_000) / 10_000,
            attempts_24h: attempts,
          },
        },
      ] as const;
    }),
  );
}

/**
 * The webhooks in a health state, as a condition on `webhooks` (the list's `health` filter, and the shell's
 * badge for disabled ones). The same rules as `describeHealth`.
 */
export function healthStateWhere(state: HealthState): SQL {
  const paused = sql`exists (select 1 from webhook_health h where h.webhook_id = ${webhooks.id} and h.paused_until > now())`;
  const failing = sql`exists (select 1 from webhook_health h where h.webhook_id = ${webhooks.id} and h.consecutive_failures > 0)`;
  const disabled = sql`(not ${webhooks.isActive} and ${webhooks.disabledReason} is not null)`;
  if (state === 'disabled') return disabled;
  if (state === 'paused') return sql`(not ${disabled} and ${paused})`;
  if (state === 'failing') return sql`(not ${disabled} and not ${paused} and ${failing})`;
  return sql`(not ${disabled} and not ${paused} and not ${failing})`;
}

export type EndpointStateCounts = Record<'healthy' | 'failing' | 'paused' | 'disabled', number>;

/**
 * Webhooks by health, for the metrics: `disabled` when turned off (by Herald, with its reason, or by a
 * person), `paused` while backed off, `failing` while the latest attempt failed, else `healthy`.
 * Webhooks of deleted projects, which only finish what was queued, are not counted.
 */
export async function countEndpointsByState(db: Db): Promise<EndpointStateCounts> {
  const rows = await queryRows<{ state: keyof EndpointStateCounts; n: number }>(
    db,
    sql`
    select case
        when not w.is_active then 'disabled'
        when h.paused_until > now() then 'paused'
        when h.consecutive_failures > 0 then 'failing'
        else 'healthy' end as state,
      count(*)::int as n
    from webhooks w left join webhook_health h on h.webhook_id = w.id
    where w.retired_date is null
    group by 1`,
  );
  const counts: EndpointStateCounts = { healthy: 0, failing: 0, paused: 0, disabled: 0 };
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}
