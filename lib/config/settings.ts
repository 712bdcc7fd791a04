import path from 'node:path';

/** Every environment setting Herald reads, in one place, with its default. */
export const settings = {
  get databaseUrl(): string | undefined {
    return process.env.DATABASE_URL || undefined;
  },
  /** PGlite data directory; `memory://` keeps everything in memory (tests). */
  get dataDir(): string {
    return process.env.HERALD_DATA_DIR || path.join(process.cwd(), 'data');
  },
  /** Where uploaded images go; beside the database by default. */
  get mediaDir(): string {
    if (process.env.HERALD_MEDIA_DIR) return process.env.HERALD_MEDIA_DIR;
    const dir = settings.dataDir;
    return dir.startsWith('memory://') ? path.join(process.cwd(), 'data', 'test-media') : path.join(dir, 'media');
  },
  get publicUrl(): string | undefined {
    return process.env.PUBLIC_URL?.replace(/\/+$/, '') || undefined;
  },
  get admin() {
    return {
      username: process.env.ADMIN_USERNAME || undefined,
      password: process.env.ADMIN_PASSWORD || undefined,
      email: process.env.ADMIN_EMAIL || undefined,
    };
  },
  /** Delays (seconds) before each retry; 8 by default, so 9 attempts over about 4.5 days. */
  get retrySchedule(): number[] {
    const raw = process.env.WEBHOOK_RETRY_SCHEDULE;
    const parsed = raw?.split(',').map((v) => Number(v.trim())).filter((v) => Number.isFinite(v) && v >= 0);
    return parsed?.length ? parsed : [5, 300, 1800, 10800, 86400, 86400, 86400, 86400];
  },
  /** CIDRs and host names that the SSRF guard lets through (e.g. `127.0.0.1/32,::1/128` for local work). */
  get allowedTargets(): string[] {
    return (process.env.WEBHOOK_ALLOWED_TARGETS ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  },
  get maxInFlightPerEndpoint(): number {
    return positive(process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT, 16);
  },
  get maxInFlight(): number {
    return positive(process.env.WEBHOOK_MAX_IN_FLIGHT, 1000);
  },
  get deliveryRetentionDays(): number {
    return positive(process.env.WEBHOOK_DELIVERY_RETENTION_DAYS, 30);
  },
  /** A webhook whose attempts have all failed for this long is turned off. */
  get disableAfterFailingSeconds(): number {
    return positive(process.env.WEBHOOK_DISABLE_AFTER_FAILING_SECONDS, 3 * 24 * 3600);
  },
  /** An endpoint is paused as a whole after this many failures in a row (operations.md, "Endpoint health"). */
  get pauseAfterFailures(): number {
    return positive(process.env.WEBHOOK_PAUSE_AFTER_FAILURES, 5);
  },
  /** The first pause; each further failure doubles it, up to the maximum. */
  get pauseSeconds(): number {
    return positive(process.env.WEBHOOK_PAUSE_SECONDS, 5);
  },
  get pauseMaxSeconds(): number {
    return positive(process.env.WEBHOOK_PAUSE_MAX_SECONDS, 600);
  },
  /** How long a claimed delivery stays with its dispatcher before another may take it over. */
  get leaseSeconds(): number {
    return positive(process.env.WEBHOOK_LEASE_SECONDS, 30);
  },
  get pollIntervalMs(): number {
    return positive(process.env.WEBHOOK_POLL_INTERVAL_MS, 500);
  },
  get connectTimeoutMs(): number {
    return positive(process.env.WEBHOOK_CONNECT_TIMEOUT_MS, 3000);
  },
  get requestTimeoutMs(): number {
    return positive(process.env.WEBHOOK_REQUEST_TIMEOUT_MS, 10_000);
  },
};

function positive(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw && Number.isFinite(value) && value > 0 ? value : fallback;
}
