import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { getDeliveryDb, type Db } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';
import { settings } from '@/lib/config/settings';
import { openSecret } from '@/lib/crypto/secret-box';
import { describeForLog } from '@/lib/http/errors';
import { classifyOutcome, type AttemptResult } from './attempt';
import { sendWebhookRequest } from './send';
import { buildHeaders } from './sign';
import { sweepDeliveries } from './sweep';

export type ClaimedDelivery = {
  id: number;
  webhookId: number;
  messageId: string;
  event: string;
  payload: string;
  attempt: number;
  trigger: string;
};

export type WebhookForSend = {
  id: number;
  targetUrl: string;
  secret: string | null;
  previousSecret: string | null;
  previousSecretExpires: Date | null;
  isActive: boolean;
  enableSsl: boolean;
  retiredDate: Date | null;
  /** In a failure streak or backed off. */
  isFailing: boolean;
};

const CLAIM_BATCH = 200;
/**
 * Claimed rows held ready beyond the global cap, so that a freed slot is refilled at once instead of
 * after a claim's round trip (a 200 ms receiver at 1,000 in flight frees 5 slots a millisecond).
 */
const PREFETCH = 200;
const FLUSH_BATCH = 200;
const FLUSH_DELAY_MS = 3;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** The webhook's columns an attempt needs, read with the delivery (`w`): claims and the outbox share them. */
export const SEND_COLUMNS = sql`w.target_url as "targetUrl", w.secret, w.previous_secret as "previousSecret",
  w.previous_secret_expires as "previousSecretExpires", w.is_active as "isActive",
  w.enable_ssl as "enableSsl", w.retired_date as "retiredDate",
  (w.consecutive_failures > 0 or w.backoff_until is not null) as "isFailing"`;

export type ClaimedRow = ClaimedDelivery & Omit<WebhookForSend, 'id'>;
export type ClaimedPair = { delivery: ClaimedDelivery; webhook: WebhookForSend };
/** A delivery the outbox wrote leased to this process, with when the lease passes (ms since the epoch). */
export type AdoptedPair = ClaimedPair & { leaseUntil: number };

export function toClaimedPair(r: ClaimedRow): ClaimedPair {
  return {
    delivery: { id: Number(r.id), webhookId: r.webhookId, messageId: r.messageId, event: r.event, payload: r.payload, attempt: r.attempt, trigger: r.trigger },
    webhook: {
      id: r.webhookId,
      targetUrl: r.targetUrl,
      // Stored sealed (lib/crypto/secret-box.ts): opened here, where the delivery path reads the webhook.
      secret: openSecret(r.secret),
      previousSecret: openSecret(r.previousSecret),
      previousSecretExpires: r.previousSecretExpires ? new Date(r.previousSecretExpires) : null,
      isActive: r.isActive,
      enableSsl: r.enableSsl,
      retiredDate: r.retiredDate ? new Date(r.retiredDate) : null,
      isFailing: r.isFailing,
    },
  };
}

/**
 * Claims due deliveries for this process: FOR UPDATE SKIP LOCKED, so that several processes on one
 * PostgreSQL never take the same row, and a lease, so that a row of a process that died is taken
 * over once the lease has passed. Endpoints at their in-flight cap or backed off are skipped, and no
 * endpoint gets more rows than it has room for.
 *
 * `isDrained`: every due row the claim could see was taken, so that apart from the endpoints skipped
 * at their cap nothing waits in the table (rows cut by an endpoint's room or beyond the scanned
 * window mean it is not).
 */
export async function claimDeliveries(db: Db, limit: number, room: Map<number, number>, saturated: number[]) {
  const roomJson = JSON.stringify(Object.fromEntries(room));
  const claimed = await queryRows<ClaimedRow & { scanned: number }>(db, sql`
    -- Materialized, so that the candidates are ranked once: inlined, the planner may re-rank them for
    -- every row it locks when its estimates of this churning table are stale.
    with scan as materialized (
      select d.id, d.webhook_id, d.next_attempt_date from webhook_deliveries d
      where d.state = 'pending' and d.status_code is null and d.next_attempt_date <= now()
        and (d.lease_until is null or d.lease_until < now())
        and d.webhook_id <> all(${idArray(saturated)})
        and d.webhook_id <> all(array(select w.id from webhooks w where w.backoff_until > now()))
      order by d.next_attempt_date, d.id
      limit ${limit * 10}
    ), candidates as materialized (
      select s.id from (
        select d.id, d.next_attempt_date, row_number() over (partition by d.webhook_id order by d.next_attempt_date, d.id) as rn,
          coalesce((${roomJson}::jsonb ->> d.webhook_id::text)::int, ${settings.maxInFlightPerEndpoint}) as room
        from scan d
      ) s
      where s.rn <= s.room
      order by s.next_attempt_date, s.id
      limit ${limit}
    ), picked as (
      select d.id from webhook_deliveries d
      -- Rechecked once locked, for a row another process claimed meanwhile (an attempted row never
      -- stays pending, so the state is enough). Not the due index's predicate, so that the ids are
      -- looked up by key rather than the index walked.
      where d.id = any(array(select id from candidates))
        and d.state = 'pending' and (d.lease_until is null or d.lease_until < now())
      for update of d skip locked
    )
    update webhook_deliveries d set lease_until = now() + make_interval(secs => ${settings.leaseSeconds})
    from picked, webhooks w where d.id = picked.id and w.id = d.webhook_id
    returning d.id, d.webhook_id as "webhookId", d.message_id as "messageId", d.event, d.payload, d.attempt, d.trigger,
      ${SEND_COLUMNS}, (select count(*)::int from scan) as scanned`);
  // The webhook is read in the same statement as the claim: each attempt uses its latest settings.
  // Nothing claimed: what was seen is locked by another process's claim, which sends it.
  const isDrained = claimed.length === 0 || claimed[0].scanned === claimed.length;
  return { pairs: claimed.map(toClaimedPair).sort((a, b) => a.delivery.id - b.delivery.id), isDrained };
}

/**
 * Writes attempt outcomes in one transaction: the rows themselves, the retries they schedule (a new
 * row of the same series), and each endpoint's health (failure streak, back-off, deactivation).
 */
export async function recordAttempts(db: Db, results: AttemptResult[]): Promise<void> {
  if (results.length === 0) return;
  const data = JSON.stringify(
    results.map((r) => ({
      id: r.id,
      state: r.state,
      status_code: r.statusCode,
      request_duration: r.durationMs,
      request_headers: r.requestHeaders,
      response_headers: r.responseHeaders,
      response: r.response,
      next_attempt_date: r.retryAt?.toISOString() ?? null,
    })),
  );
  const health = new Map<number, { failures: number; successes: number; gone: boolean; wasFailing: boolean }>();
  for (const r of results) {
    if (r.state === 'cancelled') continue;
    const h = health.get(r.webhookId) ?? { failures: 0, successes: 0, gone: false, wasFailing: false };
    if (r.isFailure) h.failures++;
    else h.successes++;
    h.gone ||= r.isGone;
    h.wasFailing ||= r.wasFailing ?? false;
    health.set(r.webhookId, h);
  }
  const retryIds = results.filter((r) => r.retryAt).map((r) => r.id);
  const recovered = [...health].filter(([, h]) => h.successes > 0 && h.failures === 0 && h.wasFailing).map(([id]) => id);
  const isPlain = retryIds.length === 0 && recovered.length === 0 && [...health.values()].every((h) => h.failures === 0);
  // The common case, every attempt delivered to a healthy endpoint, is one statement and no transaction.
  const write = isPlain ? (fn: (tx: Db) => Promise<void>) => fn(db) : (fn: (tx: Db) => Promise<void>) => db.transaction((tx) => fn(tx as unknown as Db));
  await write(async (tx) => {
    await tx.execute(sql`
      update webhook_deliveries d set
        state = x.state, status_code = x.status_code, request_duration = x.request_duration,
        request_headers = x.request_headers, response_headers = x.response_headers, response = x.response,
        next_attempt_date = x.next_attempt_date, lease_until = null, updated_date = now()
      from jsonb_to_recordset(${data}::jsonb) as x(id bigint, state text, status_code int, request_duration int,
        request_headers jsonb, response_headers jsonb, response text, next_attempt_date timestamptz)
      where d.id = x.id`);
    if (retryIds.length) {
      await tx.execute(sql`
        insert into webhook_deliveries (webhook_id, message_id, event, trigger, redelivery, attempt, payload, changed_fields, next_attempt_date, created_date, updated_date)
        select webhook_id, message_id, event, trigger, redelivery, attempt + 1, payload, changed_fields, next_attempt_date, now(), now()
        from webhook_deliveries where id = any(${idArray(retryIds, 'bigint')})`);
    }
    if (recovered.length) {
      // Only endpoints that were failing: a healthy endpoint's row is not rewritten per delivery.
      await tx.execute(sql`
        update webhooks set consecutive_failures = 0, failing_since = null, backoff_until = null
        where id = any(${idArray(recovered)}) and (consecutive_failures > 0 or backoff_until is not null)`);
    }
    for (const [id, h] of health) {
      if (h.failures === 0) continue;
      await tx.execute(sql`
        update webhooks set
          consecutive_failures = consecutive_failures + ${h.failures},
          failing_since = coalesce(failing_since, now()),
          -- After 5 failures in a row the endpoint as a whole waits: 5 s, doubling, at most 10 min.
          backoff_until = case when consecutive_failures + ${h.failures} >= 5
            then now() + make_interval(secs => least(600, 5 * power(2, least(consecutive_failures + ${h.failures} - 5, 7))))
            else backoff_until end
        where id = ${id}`);
      if (h.gone) {
        await tx.execute(sql`
          update webhooks set is_active = false, backoff_until = null,
            disabled_reason = ${`Deactivated on ${new Date().toISOString()}: the receiver answered 410 Gone.`}
          where id = ${id}`);
      }
      await tx.execute(sql`
        update webhooks set is_active = false, backoff_until = null,
          disabled_reason = 'Deactivated on ' || to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ': every attempt failed for ' || ${formatDuration(settings.disableAfterFailingSeconds)} || '.'
        where id = ${id} and is_active and failing_since < now() - make_interval(secs => ${settings.disableAfterFailingSeconds})`);
    }
  });
}

function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  return `${seconds} seconds`;
}

/** Sends one claimed delivery to its webhook and says what happened; never throws. */
export async function attemptDelivery(delivery: ClaimedDelivery, webhook: WebhookForSend | undefined): Promise<AttemptResult> {
  const cancelled = (response: string): AttemptResult => ({
    id: delivery.id,
    webhookId: delivery.webhookId,
    state: 'cancelled',
    statusCode: null,
    durationMs: null,
    requestHeaders: null,
    responseHeaders: null,
    response,
    retryAt: null,
    isFailure: false,
    isGone: false,
  });
  if (!webhook) return cancelled('Not sent: the webhook was deleted.');
  if (!webhook.isActive && !webhook.retiredDate && delivery.trigger !== 'ping') return cancelled('Not sent: the webhook is inactive.');
  const now = Date.now();
  const previousSecret = webhook.previousSecretExpires && webhook.previousSecretExpires.getTime() > now ? webhook.previousSecret : null;
  const headers = buildHeaders({
    body: delivery.payload,
    messageId: delivery.messageId,
    event: delivery.event,
    webhookId: delivery.webhookId,
    keys: { secret: webhook.secret, previousSecret },
    now,
  });
  const outcome = await sendWebhookRequest({ url: webhook.targetUrl, body: delivery.payload, headers, verifyTls: webhook.enableSsl });
  const result = classifyOutcome({
    id: delivery.id,
    webhookId: delivery.webhookId,
    attempt: delivery.attempt,
    canRetry: delivery.trigger !== 'ping',
    requestHeaders: headers,
    outcome,
    now,
  });
  return { ...result, wasFailing: webhook.isFailing };
}

/**
 * The delivery loop of one process. Woken right after a transaction that queued deliveries commits,
 * and by a timer for retries and for work queued by other processes. Requests run concurrently up to
 * a global cap and a per-endpoint cap; their outcomes are written in batches.
 */
export class Dispatcher {
  readonly instanceId = randomUUID();
  private isRunning = false;
  private isScheduled = false;
  private isPassing = false;
  private hasMoreWork = false;
  private inFlight = 0;
  private inFlightByWebhook = new Map<number, number>();
  /**
   * Claimed rows waiting for a slot, oldest first. With those in flight, an endpoint holds at most twice
   * its cap: each waits for at most one of its own requests (or for the global cap), well inside a lease.
   */
  private ready: ClaimedPair[] = [];
  private readyByWebhook = new Map<number, number>();
  private results: AttemptResult[] = [];
  private flushing: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private idleWaiters: (() => void)[] = [];
  /**
   * Endpoints known to have rows waiting in the table, each with the number of the latest news of it:
   * a new delivery to one of them waits its turn there, so that an endpoint's deliveries leave in
   * commit order. Cleared by a claim pass that drained the table after that news.
   */
  private waiting = new Map<number, number>();
  private newsCount = 0;
  /** Until a claim pass drains the table, any endpoint may have rows waiting there. */
  private isBacklogUnknown = true;
  attempts = 0;

  constructor(private readonly db: Db) {}

  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.timers.push(setInterval(() => this.wake(), settings.pollIntervalMs).unref());
    this.timers.push(setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS).unref());
    void this.sweep();
    this.wake();
  }

  async stop(): Promise<void> {
    this.isRunning = false;
    this.timers.splice(0).forEach(clearInterval);
    const unsent = this.ready.splice(0);
    this.readyByWebhook.clear();
    this.returnToTable(unsent.map((p) => p.delivery.id), Date.now() + settings.leaseSeconds * 1000);
    await this.idle();
  }

  wake(): void {
    if (!this.isRunning) return;
    if (this.isPassing) {
      this.hasMoreWork = true;
      return;
    }
    if (this.isScheduled) return;
    this.isScheduled = true;
    setImmediate(() => {
      this.isScheduled = false;
      void this.pass();
    });
  }

  /** Resolves when nothing is in flight or waiting to be written. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async sweep() {
    try {
      await sweepDeliveries(this.db);
    } catch (error) {
      console.error('[webhooks] sweep failed:', describeForLog(error));
    }
  }

  private async pass(): Promise<void> {
    this.isPassing = true;
    try {
      do {
        this.hasMoreWork = false;
        while (this.isRunning) {
          // An endpoint may hold its cap in flight and as many ready behind them: with a cap of 1, a
          // claim per delivery would otherwise set the pace.
          const cap = settings.maxInFlightPerEndpoint;
          const saturated: number[] = [];
          const room = new Map<number, number>();
          for (const id of new Set([...this.inFlightByWebhook.keys(), ...this.readyByWebhook.keys()])) {
            const n = (this.inFlightByWebhook.get(id) ?? 0) + (this.readyByWebhook.get(id) ?? 0);
            if (n >= 2 * cap) saturated.push(id);
            else room.set(id, 2 * cap - n);
          }
          const held = this.inFlight + this.ready.length;
          const limit = Math.min(CLAIM_BATCH, settings.maxInFlight + PREFETCH - held);
          // Claim in batches: with requests in flight, wait until a quarter of a batch has room.
          if (limit <= 0 || (held > 0 && limit < CLAIM_BATCH / 4)) break;
          const newsBefore = this.newsCount;
          const { pairs, isDrained } = await claimDeliveries(this.db, limit, room, saturated);
          for (const pair of pairs) bump(this.readyByWebhook, pair.webhook.id, +1);
          this.ready.push(...pairs);
          this.launchReady();
          this.isBacklogUnknown = !isDrained;
          if (isDrained) {
            // What was news before the claim is settled; the endpoints skipped at their cap still wait.
            for (const [id, n] of this.waiting) if (n <= newsBefore) this.waiting.delete(id);
            this.noteWaiting(saturated);
            break;
          }
          if (pairs.length < limit) break;
        }
      } while (this.hasMoreWork && this.isRunning);
    } catch (error) {
      this.isBacklogUnknown = true;
      console.error('[webhooks] claiming deliveries failed:', describeForLog(error));
    } finally {
      this.isPassing = false;
      this.notifyIdle();
    }
  }

  private noteWaiting(webhookIds: Iterable<number>) {
    for (const id of webhookIds) this.waiting.set(id, ++this.newsCount);
  }

  /**
   * Endpoints whose new deliveries this process may not send straight from the outbox: those at their
   * cap or with rows waiting in the table. null: none may (not running, at the global cap, or the
   * table not known to be drained).
   */
  adoptionExclusions(): number[] | null {
    if (!this.isRunning || this.isBacklogUnknown || this.inFlight >= settings.maxInFlight) return null;
    const excluded = new Set([...this.waiting.keys(), ...this.readyByWebhook.keys()]);
    for (const [id, n] of this.inFlightByWebhook) if (n >= settings.maxInFlightPerEndpoint) excluded.add(id);
    return [...excluded];
  }

  /**
   * Sends deliveries the outbox queued already leased to this process, once their transaction has
   * committed: no claim statement and no wait for one. `leftInTable`: endpoints of rows the same
   * transaction queued without a lease. Rows that no longer have room, or whose lease is about to
   * pass (a long transaction), go back to the table for the claim loop.
   */
  adopt(pairs: AdoptedPair[], leftInTable: number[]): void {
    this.noteWaiting(leftInTable);
    const returned: AdoptedPair[] = [];
    const soonest = Date.now() + (settings.leaseSeconds * 1000) / 3;
    for (const pair of pairs) {
      // Not ahead of rows of the same endpoint already waiting here.
      const isRoom = this.isRunning && this.hasSlot(pair.webhook.id) && !this.readyByWebhook.has(pair.webhook.id);
      if (!isRoom || pair.leaseUntil < soonest) {
        returned.push(pair);
        continue;
      }
      this.launch(pair);
    }
    this.noteWaiting(returned.map((p) => p.webhook.id));
    if (returned.length) this.returnToTable(returned.map((p) => p.delivery.id), Math.max(...returned.map((p) => p.leaseUntil)));
    else if (leftInTable.length) this.wake();
  }

  /**
   * Gives up this process's lease on rows it will not send, for the claim loop of any process; a row
   * whose lease passed and that another process claimed since (a later lease) is left to it.
   * `leasedUntil` in ms; the database keeps microseconds, hence the rounding up.
   */
  private returnToTable(ids: number[], leasedUntil: number) {
    if (ids.length === 0) return;
    void this.db
      .execute(sql`update webhook_deliveries set lease_until = null
        where id = any(${idArray(ids, 'bigint')}) and state = 'pending' and lease_until <= ${new Date(Math.ceil(leasedUntil) + 1).toISOString()}::timestamptz`)
      .then(
        // The dispatcher running now, which may not be this one (stopped meanwhile).
        () => wakeDispatcher(),
        // Their lease passes in any case, and then they are claimed like any other row.
        (error) => console.error('[webhooks] returning deliveries to the queue failed:', describeForLog(error)),
      );
  }

  private hasSlot(webhookId: number) {
    return this.inFlight < settings.maxInFlight && (this.inFlightByWebhook.get(webhookId) ?? 0) < settings.maxInFlightPerEndpoint;
  }

  /** Sends ready rows, oldest first, whose endpoint has a free slot, while the global cap has room. */
  private launchReady() {
    if (this.ready.length === 0) return;
    const kept: ClaimedPair[] = [];
    for (const [i, pair] of this.ready.entries()) {
      if (this.inFlight >= settings.maxInFlight) {
        kept.push(...this.ready.slice(i));
        break;
      }
      if (this.hasSlot(pair.webhook.id)) {
        bump(this.readyByWebhook, pair.webhook.id, -1);
        this.launch(pair);
      } else kept.push(pair);
    }
    this.ready = kept;
  }

  private launch({ delivery, webhook }: ClaimedPair) {
    this.inFlight++;
    bump(this.inFlightByWebhook, delivery.webhookId, +1);
    void attemptDelivery(delivery, webhook).then((result) => {
      this.attempts++;
      this.inFlight--;
      bump(this.inFlightByWebhook, delivery.webhookId, -1);
      this.results.push(result);
      this.scheduleFlush();
      this.launchReady();
      this.wakeForBacklog();
    });
  }

  /**
   * A freed slot is worth a claim only when rows may be waiting in the table: new rows wake the loop
   * themselves (or are adopted), and retries come due on the timer. A claim per completion would cost
   * the database more than the deliveries do.
   */
  private wakeForBacklog() {
    if (this.isBacklogUnknown || this.waiting.size > 0) this.wake();
  }

  private scheduleFlush() {
    if (this.flushing) return;
    this.flushing = (async () => {
      // Let outcomes that complete close together share one write (a few ms at most).
      if (this.results.length < FLUSH_BATCH / 4) await new Promise((r) => setTimeout(r, FLUSH_DELAY_MS));
      while (this.results.length > 0) {
        const batch = this.results.splice(0, FLUSH_BATCH);
        try {
          await recordAttempts(this.db, batch);
        } catch (error) {
          // The rows keep their lease; once it passes they are attempted again (at least once).
          console.error('[webhooks] recording attempts failed:', describeForLog(error));
        }
      }
    })().finally(() => {
      this.flushing = null;
      if (this.results.length) this.scheduleFlush();
      this.wakeForBacklog();
      this.notifyIdle();
    });
  }

  private isIdle() {
    return this.inFlight === 0 && this.ready.length === 0 && this.results.length === 0 && !this.flushing && !this.isPassing;
  }

  private notifyIdle() {
    if (this.isIdle()) {
      this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }
}

function bump(counts: Map<number, number>, id: number, delta: number) {
  const n = (counts.get(id) ?? 0) + delta;
  if (n > 0) counts.set(id, n);
  else counts.delete(id);
}

// One dispatcher per process, shared by every bundle that imports this module.
const state = globalThis as unknown as { __heraldDispatcher?: Dispatcher; __heraldDispatcherStarting?: Promise<Dispatcher> };

export function startDispatcher(): Promise<Dispatcher> {
  if (state.__heraldDispatcher) return Promise.resolve(state.__heraldDispatcher);
  state.__heraldDispatcherStarting ??= getDeliveryDb().then((db) => {
    const dispatcher = new Dispatcher(db);
    dispatcher.start();
    state.__heraldDispatcher = dispatcher;
    state.__heraldDispatcherStarting = undefined;
    return dispatcher;
  });
  return state.__heraldDispatcherStarting;
}

export function getDispatcher(): Dispatcher | undefined {
  return state.__heraldDispatcher;
}

export async function stopDispatcher(): Promise<void> {
  const dispatcher = state.__heraldDispatcher;
  state.__heraldDispatcher = undefined;
  await dispatcher?.stop();
}

/** Called after a transaction that queued deliveries commits. */
export function wakeDispatcher(): void {
  state.__heraldDispatcher?.wake();
}
