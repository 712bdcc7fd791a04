import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Herald's Prometheus metrics (operations.md, "Observability"), one registry per process. Counters and
 * histograms are this process's own (with several processes, each reports what it did); the gauges
 * are read from the database when scraped (lib/metrics/collect.ts), so every process reports the same.
 *
 * Bumping a counter is all the delivery path does here: no statement, no allocation beyond a label
 * lookup that is cached.
 */

export const ENDPOINT_STATES = ['healthy', 'failing', 'paused', 'disabled'] as const;
export type EndpointState = (typeof ENDPOINT_STATES)[number];

/** What the series does after the attempt: delivered, retried later, or failed for good. */
export type AttemptOutcome = 'delivered' | 'retrying' | 'failed';
/** The receiver's answer by class (`2xx`...`5xx`), or why there was none (`timeout`, `network`, `refused`). */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'network' | 'refused';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const attempts = new Counter({
    name: 'herald_webhook_attempts_total',
    help: 'Webhook requests made by this process (pings and tests included), by what the series did next and the class of the answer.',
    labelNames: ['outcome', 'status_class'] as const,
    registers,
  });
  return {
    registry,
    attempts,
    /** The counter's child per label pair, made once: `labels()` hashes its arguments at every call. */
    attemptChildren: new Map<string, Counter.Internal>(),
    attemptDuration: new Histogram({
      name: 'herald_webhook_attempt_duration_seconds',
      help: 'How long webhook requests took, from sending to the end of the answer (or the error).',
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    firstAttemptLatency: new Histogram({
      name: 'herald_webhook_first_attempt_latency_seconds',
      help: "From the change's transaction (when its delivery was queued) to its first request.",
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    seriesWaiting: new Gauge({
      name: 'herald_webhook_series_waiting',
      help: 'Deliveries (series) not yet delivered nor failed for good, in the database.',
      registers,
    }),
    oldestWaiting: new Gauge({
      name: 'herald_webhook_oldest_waiting_seconds',
      help: 'Age of the oldest delivery still waiting, in the database (0 when none waits).',
      registers,
    }),
    endpoints: new Gauge({
      name: 'herald_webhook_endpoints',
      help: 'Webhooks by health: healthy, failing (the latest attempt failed), paused (backed off), disabled (turned off).',
      labelNames: ['state'] as const,
      registers,
    }),
  };
}

export type HeraldMetrics = ReturnType<typeof createMetrics>;

// Next.js bundles lib/ several times in one process (instrumentation, where the dispatcher runs, and each
// route, where /api/metrics is read): a module-level registry would be one per bundle, and the scrape
// would see none of the dispatcher's counts. One per process, on globalThis.
const shared = globalThis as unknown as { __heraldMetrics?: HeraldMetrics };

export function getMetrics(): HeraldMetrics {
  return (shared.__heraldMetrics ??= createMetrics());
}

/** One webhook request made: counted, timed, and, for a series' first, its wait since it was queued. */
export function countAttempt(opts: {
  outcome: AttemptOutcome;
  statusClass: StatusClass;
  durationMs: number | null;
  firstAttemptLatencyMs: number | null;
}) {
  const m = getMetrics();
  const key = `${opts.outcome} ${opts.statusClass}`;
  let child = m.attemptChildren.get(key);
  if (!child) m.attemptChildren.set(key, (child = m.attempts.labels(opts.outcome, opts.statusClass)));
  child.inc();
  if (opts.durationMs !== null) m.attemptDuration.observe(opts.durationMs / 1000);
  if (opts.firstAttemptLatencyMs !== null)
    m.firstAttemptLatency.observe(Math.max(0, opts.firstAttemptLatencyMs) / 1000);
}
