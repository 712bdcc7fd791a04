import { randomUUID } from 'node:crypto';
import { getDeliveryDb, listenOnDatabase, type Db } from '@/db/client';
import { settings } from '@/lib/config/settings';
import { loggerFor } from '@/lib/logging/logger';
import { makeAttempt } from './attempt';
import type { AdoptedPair, AttemptResult, QueuedPair } from './delivery-types';
import { PAUSE_CHANNEL, readPauses } from './endpoint-health';
import { getHandoff, setHandoff, type DeliveryHandoff } from './handoff';
import { runMaintenance } from './maintenance';
import { claimDue, releaseLeases } from './queue';
import { recordAttempts } from './record-attempts';

const CLAIM_BATCH = 200;
/**
 * Claimed series held ready beyond the global cap, so that a freed slot is refilled at once instead of
 * after a claim's round trip (a 200 ms receiver at 1,000 in flight frees 5 slots a millisecond).
 */
const PREFETCH = 200;
const FLUSH_BATCH = 200;
const FLUSH_DELAY_MS = 3;
const MAINTENANCE_INTERVAL_MS = 10 * 60 * 1000;
const log = loggerFor('webhooks');

type Recorded = (result: AttemptResult, error?: unknown) => void;
type Pending = { result: AttemptResult; onRecorded?: Recorded; isHolding: boolean };
type Urgent = { pair: QueuedPair; onRecorded: Recorded };

/**
 * The delivery loop of one process: only the scheduling. Woken right after a transaction that queued
 * deliveries commits, and by a timer for retries and for work queued by other processes. Requests run
 * concurrently up to a global cap and a per-endpoint cap; their outcomes are written in batches.
 * What one attempt does is attempt.ts; the statements are the queue's; the endpoint's health is its own.
 */
export class Dispatcher implements DeliveryHandoff {
  readonly instanceId = randomUUID();
  private isRunning = false;
  private isScheduled = false;
  private isPassing = false;
  private hasMoreWork = false;
  /** Someone said the table may hold new series (a commit, a timer tick): the next pass claims. */
  private shouldLook = true;
  private inFlight = 0;
  private inFlightByWebhook = new Map<number, number>();
  /**
   * Claimed series waiting for a slot, per endpoint, oldest first. With those in flight, an endpoint holds
   * at most twice its cap: each waits for at most one of its own requests (or for the global cap), well
   * inside a lease. Kept per endpoint so that a freed slot finds its next series without walking the rest.
   */
  private ready = new Map<number, QueuedPair[]>();
  private readyCount = 0;
  /** Pings and tests: sent before anything ready, under the same caps, answered once recorded. */
  private urgent: Urgent[] = [];
  private results: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private idleWaiters: (() => void)[] = [];
  /**
   * Endpoints known to have series waiting in the table, each with the number of the latest news of it:
   * a new series of one of them waits its turn there, so that an endpoint's deliveries leave in
   * commit order. Cleared by a claim pass that drained the table after that news.
   */
  private waiting = new Map<number, number>();
  private newsCount = 0;
  /** Until a claim pass drains the table, any endpoint may have series waiting there. */
  private isBacklogUnknown = true;
  /** FIFO endpoints seen in claims: one request in flight (the claim hands over only their head). */
  private fifo = new Set<number>();
  private headClaims = 0;
  private stopListening: (() => Promise<void>) | undefined;
  /** Rate-limited endpoints out of tokens, until their next one (ms since the epoch): no claim for them before. */
  private resting = new Map<number, number>();
  private restTimer: NodeJS.Timeout | undefined;
  /**
   * Endpoints with a failed attempt not yet recorded that pauses them (a 429/503 with Retry-After, or a
   * failure that reaches the streak's threshold as this process counts it), each with their number: none
   * of their ready series leaves until the record says until when the endpoint is paused (operations.md:
   * no attempt of a paused endpoint before `paused_until`, whichever process holds its series). Below the
   * threshold a failing endpoint is not held, so that one that fails now and then keeps its pace; a pause
   * that other processes' failures start is learnt from the record. Pings still go.
   */
  private held = new Map<number, number>();
  /** Failures in a row per endpoint, as this process saw them. */
  private streaks = new Map<number, number>();
  attempts = 0;
  /** The caps, read once: they are consulted at every completion. */
  private readonly cap = {
    endpoint: settings.maxInFlightPerEndpoint,
    total: settings.maxInFlight,
    leaseMs: settings.leaseSeconds * 1000,
  };

  constructor(private readonly db: Db) {}

  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    setHandoff(this);
    this.timers.push(setInterval(() => this.wake(), settings.pollIntervalMs).unref());
    this.timers.push(setInterval(() => void this.maintain(), MAINTENANCE_INTERVAL_MS).unref());
    void this.maintain();
    // Pauses that other processes' attempts started: what is ready here for those endpoints waits too.
    void listenOnDatabase(PAUSE_CHANNEL, (payload) => this.applyPauses(readPauses(payload))).then(
      (stop) => (this.isRunning ? (this.stopListening = stop) : void stop()),
      (error) => log.error({ err: error }, 'listening for endpoint pauses failed'),
    );
    this.wake();
  }

  async stop(): Promise<void> {
    this.isRunning = false;
    if (getHandoff() === this) setHandoff(undefined);
    this.timers.splice(0).forEach(clearInterval);
    await this.stopListening?.();
    this.stopListening = undefined;
    clearTimeout(this.restTimer);
    const unsent = [...this.ready.values()].flat();
    this.ready.clear();
    this.readyCount = 0;
    this.returnToTable(
      unsent.map((p) => p.delivery),
      Date.now() + this.cap.leaseMs,
    );
    await this.idle();
  }

  wake(): void {
    this.shouldLook = true;
    this.schedulePass();
  }

  private schedulePass(): void {
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

  private async maintain() {
    try {
      await runMaintenance(this.db);
    } catch (error) {
      log.error({ err: error }, 'maintenance failed');
    }
  }

  private async pass(): Promise<void> {
    this.isPassing = true;
    try {
      do {
        this.hasMoreWork = false;
        while (this.isRunning) {
          // An endpoint may hold its cap in flight and as many ready behind them: with a cap of 1, a
          // claim per delivery would otherwise set the pace. It takes part in a claim once it has room
          // for half a cap: a claim per completion would cost the database more than the deliveries do.
          const saturated: number[] = [];
          const room = new Map<number, number>();
          for (const id of new Set([...this.inFlightByWebhook.keys(), ...this.ready.keys()])) {
            const cap = this.capOf(id);
            const n = (this.inFlightByWebhook.get(id) ?? 0) + (this.ready.get(id)?.length ?? 0);
            // A FIFO endpoint's next series is claimable only once its head is recorded (`claimHeads`).
            if (this.fifo.has(id) ? n > 0 : 2 * cap - n < Math.ceil(cap / 2)) saturated.push(id);
            else room.set(id, 2 * cap - n);
          }
          const now = Date.now();
          for (const [id, until] of this.resting) {
            if (until > now) saturated.push(id);
            else this.resting.delete(id);
          }
          const held = this.inFlight + this.readyCount;
          const limit = Math.min(CLAIM_BATCH, this.cap.total + PREFETCH - held);
          // Claim in batches: with requests in flight, wait until a quarter of a batch has room.
          if (limit <= 0 || (held > 0 && limit < CLAIM_BATCH / 4)) break;
          // Nothing to look for: the table was drained but for endpoints still out of room, and nobody
          // has said since that it holds more.
          const isWorthLooking =
            this.shouldLook ||
            this.isBacklogUnknown ||
            [...this.waiting.keys()].some((id) => !saturated.includes(id));
          if (!isWorthLooking) break;
          this.shouldLook = false;
          const newsBefore = this.newsCount;
          const { pairs, isDrained, cutByRoom, starved } = await claimDue(this.db, limit, room, saturated);
          this.rest(starved);
          for (const pair of pairs) this.addReady(pair);
          this.launchReady();
          this.isBacklogUnknown = !isDrained;
          if (isDrained) {
            // What was news before the claim is settled; the endpoints skipped or cut for room still wait.
            for (const [id, n] of this.waiting) if (n <= newsBefore) this.waiting.delete(id);
            this.noteWaiting(saturated);
          }
          this.noteWaiting(cutByRoom);
          if (isDrained || pairs.length < limit) break;
        }
      } while (this.hasMoreWork && this.isRunning);
    } catch (error) {
      this.isBacklogUnknown = true;
      log.error({ err: error }, 'claiming deliveries failed');
    } finally {
      this.isPassing = false;
      this.notifyIdle();
    }
  }

  private async claimHeads(webhookIds: number[]) {
    this.headClaims++;
    try {
      const { pairs } = await claimDue(this.db, webhookIds.length, new Map(), [], webhookIds);
      if (!this.isRunning) {
        this.returnToTable(
          pairs.map((p) => p.delivery),
          Date.now() + this.cap.leaseMs,
        );
        return;
      }
      for (const pair of pairs) this.addReady(pair);
      this.launchReady();
    } catch (error) {
      log.error(
        { err: error, webhook_ids: webhookIds },
        'claiming the next series of ordered endpoints failed',
      );
      this.wake();
    } finally {
      this.headClaims--;
      this.notifyIdle();
    }
  }

  private noteWaiting(webhookIds: Iterable<number>) {
    for (const id of webhookIds) this.waiting.set(id, ++this.newsCount);
  }

  adoptionExclusions(): number[] | null {
    if (!this.isRunning || this.isBacklogUnknown || this.inFlight >= this.cap.total) return null;
    const excluded = new Set([...this.waiting.keys(), ...this.ready.keys()]);
    for (const [id, n] of this.inFlightByWebhook) if (n >= this.capOf(id)) excluded.add(id);
    return [...excluded];
  }

  /**
   * Sends series the outbox queued already leased to this process: no claim statement and no wait for
   * one. Series that no longer have room, or whose lease is about to pass (a long transaction), go back
   * to the table for the claim loop.
   */
  adopt(pairs: AdoptedPair[], leftInTable: number[]): void {
    this.noteWaiting(leftInTable);
    const returned: AdoptedPair[] = [];
    const soonest = Date.now() + this.cap.leaseMs / 3;
    for (const pair of pairs) {
      const id = pair.delivery.webhookId;
      // Not ahead of series of the same endpoint already waiting here.
      const isRoom = this.isRunning && this.hasSlot(id) && !this.ready.has(id);
      if (!isRoom || pair.leaseUntil < soonest) {
        returned.push(pair);
        continue;
      }
      this.launch(pair);
    }
    this.noteWaiting(returned.map((p) => p.delivery.webhookId));
    if (returned.length)
      this.returnToTable(
        returned.map((p) => p.delivery),
        Math.max(...returned.map((p) => p.leaseUntil)),
      );
    // Not `wake`: an endpoint left in the table because it is at its cap (a FIFO one with its head in
    // flight) is claimed once it has room, and a claim now would only walk past its series.
    else if (leftInTable.length) this.schedulePass();
  }

  sendNow(pair: QueuedPair): Promise<AttemptResult> {
    return new Promise((resolve, reject) => {
      this.urgent.push({ pair, onRecorded: (result, error) => (error ? reject(error) : resolve(result)) });
      this.launchReady();
    });
  }

  private returnToTable(series: { id: number; webhookId: number }[], leasedUntil: number) {
    if (series.length === 0) return;
    releaseLeases(this.db, series, leasedUntil).then(
      // The dispatcher running now, which may not be this one (stopped meanwhile).
      () => getHandoff()?.wake(),
      // Their lease passes in any case, and then they are claimed like any other series.
      (error) => log.error({ err: error, series: series.length }, 'returning deliveries to the queue failed'),
    );
  }

  /** `isUrgent`: a ping or test, sent to an endpoint held or paused too (a successful one ends its pause). */
  private hasSlot(webhookId: number, isUrgent = false) {
    return (
      this.inFlight < this.cap.total &&
      (this.inFlightByWebhook.get(webhookId) ?? 0) < this.capOf(webhookId) &&
      (isUrgent || !this.held.has(webhookId))
    );
  }

  /** The records of these attempts are written: their endpoints are no longer held for them. */
  private unhold(batch: Pending[]) {
    for (const p of batch) if (p.isHolding) bump(this.held, p.result.webhookId, -1);
  }

  /** Whether this outcome may pause its endpoint, so that nothing more is sent to it until it is recorded. */
  private isPausing(result: AttemptResult): boolean {
    if (result.sentAt === null) return false;
    const id = result.webhookId;
    if (!result.isFailure) {
      this.streaks.delete(id);
      return false;
    }
    const streak = (this.streaks.get(id) ?? 0) + 1;
    this.streaks.set(id, streak);
    return result.pauseSeconds !== null || streak >= settings.pauseAfterFailures;
  }

  /**
   * Endpoints paused now (by this process's attempts or another's): what is ready here for them goes back
   * to the table, where no claim takes it before the pause ends; a pass is due then.
   */
  private applyPauses(paused: Map<number, number>) {
    const now = Date.now();
    for (const [id, until] of paused) {
      if (until <= now) continue;
      const queue = this.ready.get(id);
      if (queue) {
        this.ready.delete(id);
        this.readyCount -= queue.length;
        this.returnToTable(
          queue.map((p) => p.delivery),
          now + this.cap.leaseMs,
        );
      }
      setTimeout(() => this.wake(), until - now + 5).unref();
    }
  }

  private capOf(webhookId: number) {
    return this.fifo.has(webhookId) ? 1 : this.cap.endpoint;
  }

  /** Endpoints the claim found out of tokens wait for their next one; a claim is looked for then. */
  private rest(starved: Map<number, number>) {
    if (starved.size === 0) return;
    const now = Date.now();
    for (const [id, ms] of starved) this.resting.set(id, now + Math.max(ms, 5));
    const soonest = Math.min(...this.resting.values());
    clearTimeout(this.restTimer);
    this.restTimer = setTimeout(() => this.wake(), Math.max(soonest - now, 5)).unref();
  }

  private addReady(pair: QueuedPair) {
    const id = pair.delivery.webhookId;
    if (pair.webhook?.ordering === 'fifo') this.fifo.add(id);
    else this.fifo.delete(id);
    const queue = this.ready.get(id);
    if (queue) queue.push(pair);
    else this.ready.set(id, [pair]);
    this.readyCount++;
  }

  /** Sends pings, then ready series, oldest first, whose endpoint has a free slot, while the global cap has room. */
  private launchReady() {
    if (this.urgent.length) {
      const waiting: Urgent[] = [];
      for (const item of this.urgent) {
        if (this.hasSlot(item.pair.delivery.webhookId, true)) this.launch(item.pair, item.onRecorded);
        else waiting.push(item);
      }
      this.urgent = waiting;
    }
    for (const [id, queue] of this.ready) {
      if (this.inFlight >= this.cap.total) break;
      while (queue.length > 0 && this.hasSlot(id)) {
        this.readyCount--;
        this.launch(queue.shift()!);
      }
      if (queue.length === 0) this.ready.delete(id);
    }
  }

  private launch({ delivery, webhook }: QueuedPair, onRecorded?: Recorded) {
    this.inFlight++;
    bump(this.inFlightByWebhook, delivery.webhookId, +1);
    void makeAttempt(delivery, webhook).then((result) => {
      this.attempts++;
      const isHolding = this.isPausing(result);
      if (isHolding) bump(this.held, delivery.webhookId, +1);
      this.inFlight--;
      bump(this.inFlightByWebhook, delivery.webhookId, -1);
      this.results.push({ result, onRecorded, isHolding });
      this.scheduleFlush();
      this.launchReady();
      this.wakeForBacklog();
    });
  }

  /**
   * A freed slot is worth a claim only when series may be waiting in the table: new ones wake the loop
   * themselves (or are adopted), and retries come due on the timer. A claim per completion would cost
   * the database more than the deliveries do.
   */
  private wakeForBacklog() {
    if (this.isBacklogUnknown || this.waiting.size > 0) this.schedulePass();
  }

  private scheduleFlush() {
    if (this.flushing) return;
    this.flushing = (async () => {
      // Let outcomes that complete close together share one write (a few ms at most).
      if (this.results.length < FLUSH_BATCH / 4) await new Promise((r) => setTimeout(r, FLUSH_DELAY_MS));
      while (this.results.length > 0) {
        const batch = this.results.splice(0, FLUSH_BATCH);
        const results = batch.map((p) => p.result);
        try {
          const { paused, resumed } = await recordAttempts(this.db, results);
          this.unhold(batch);
          this.applyPauses(paused);
          // A paused endpoint that answered has its waiting series due now: claim them now.
          if (resumed.length) this.wake();
          for (const p of batch) p.onRecorded?.(p.result);
          // A FIFO endpoint's next series becomes claimable only now that its head is written as ended:
          // claimed at once, by itself, rather than at the next tick or by a claim that walks the table.
          const ended = results.filter((r) => this.fifo.has(r.webhookId) && r.state !== 'pending');
          const heads = [...new Set(ended.map((r) => r.webhookId))].filter((id) => !paused.has(id));
          if (heads.length) void this.claimHeads(heads);
        } catch (error) {
          this.unhold(batch);
          // The series keep their lease; once it passes they are attempted again (at least once).
          log.error(
            {
              err: error,
              attempts: batch.length,
              webhook_ids: [...new Set(results.map((r) => r.webhookId))],
            },
            'recording attempts failed',
          );
          for (const p of batch) p.onRecorded?.(p.result, error);
        }
      }
    })().finally(() => {
      this.flushing = null;
      if (this.results.length) this.scheduleFlush();
      // Endpoints that were held and are not paused go on with what is ready for them.
      this.launchReady();
      this.wakeForBacklog();
      this.notifyIdle();
    });
  }

  private isIdle() {
    return (
      this.inFlight === 0 &&
      this.readyCount === 0 &&
      this.urgent.length === 0 &&
      this.results.length === 0 &&
      !this.flushing &&
      !this.isPassing &&
      this.headClaims === 0
    );
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
const state = globalThis as unknown as {
  __heraldDispatcher?: Dispatcher;
  __heraldDispatcherStarting?: Promise<Dispatcher>;
};

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
