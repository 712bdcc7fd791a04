import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { databaseSettings, DATABASE_DEFINITIONS } from '@/db/settings';
import {
  absent,
  count,
  describeSetting,
  flag,
  number,
  positive,
  readSetting,
  SettingsError,
  text,
} from '@/db/setting-rules';

export { SettingsError };

/**
 * Every environment setting Herald reads, in one place: its name, its default and the zod rule it must
 * pass. The database's own (DATABASE_URL, the pool sizes, DATABASE_PREPARE, HERALD_DATA_DIR,
 * HERALD_PGLITE_SNAPSHOT) are defined in db/settings.ts, since db/ imports nothing from lib/, and are
 * taken in here. `checkSettings()` runs at boot (scripts/start.mjs and the Next.js instrumentation), so
 * that a bad value stops the server with a message naming it instead of failing later, request by request.
 *
 * Values are read from the environment when asked for (tests change a few of them while they run) and
 * parsed again only when their text changed (db/setting-rules.ts).
 */

const MiB = 1024 * 1024;

function httpUrl() {
  return z.preprocess(
    absent,
    z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .refine((v) => !new URL(v).username && !new URL(v).password, 'must not hold credentials')
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
  );
}

/** A CIDR (`127.0.0.1/32`, `::1/128`) or a host name, as the SSRF guard takes them. */
const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
function targetEntry(entry: string): string | null {
  const [address, prefix, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (!family) {
    if (prefix !== undefined) return `"${entry}" is not a CIDR: "${address}" is not an IP address`;
    return HOST_NAME.test(entry) ? null : `"${entry}" is neither a CIDR nor a host name`;
  }
  if (rest.length) return `"${entry}" is not a CIDR`;
  if (prefix === undefined) return null;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max)
    return `"${entry}" has a prefix length outside 0-${max}`;
  return null;
}

/** 32 bytes, as 64 hex digits or base64/base64url (43-44 characters). */
export function parseKey(raw: string): Buffer | null {
  const value = raw.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const DEFINITIONS = {
  ...DATABASE_DEFINITIONS,
  HERALD_MEDIA_DIR: text(),
  PUBLIC_URL: httpUrl(),
  /** Behind a reverse proxy: take the client's address, host and scheme from X-Forwarded-*. */
  TRUST_PROXY: flag(false),
  PORT: number(3000, { min: 0, max: 65535, integer: true }),
  HOSTNAME: text(),
  AUTH_SECRET: z.preprocess(absent, z.string().min(16, 'must be at least 16 characters').optional()),
  HERALD_ENCRYPTION_KEY: z.preprocess(
    absent,
    z
      .string()
      .refine(
        (v) => parseKey(v) !== null,
        'must be 32 bytes as 64 hex digits or base64 (for example: openssl rand -base64 32)',
      )
      .optional(),
  ),
  ADMIN_USERNAME: z.preprocess(
    absent,
    z
      .string()
      .max(150)
      .regex(/^[\w.@+-]+$/, 'may contain only letters, digits and @/./+/-/_')
      .optional(),
  ),
  ADMIN_PASSWORD: z.preprocess(
    absent,
    z.string().min(8, 'must be at least 8 characters').max(128).optional(),
  ),
  ADMIN_EMAIL: z.preprocess(absent, z.email('must be an email address').optional()),

  /** Request bodies: JSON at most this many bytes; uploads are streamed to disk and cut at theirs. */
  MAX_JSON_BYTES: count(MiB),
  MAX_UPLOAD_BYTES: count(1024 * MiB),
  /** A JSON body must have arrived completely within this time. */
  JSON_BODY_TIMEOUT_MS: count(30_000),
  HTTP_MAX_CONNECTIONS: count(10_000),
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: count(256),
  HTTP_HEADERS_TIMEOUT_MS: count(10_000),
  /** The whole request, body included (an upload of MAX_UPLOAD_BYTES must fit in it). */
  HTTP_REQUEST_TIMEOUT_MS: count(300_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: count(5_000),

  /** Sign-in throttling: failures of one account from one address within the window before 429. */
  SIGN_IN_MAX_FAILURES: count(10),
  /** Failures from one address, whatever the accounts, within the window before 429. */
  SIGN_IN_MAX_FAILURES_PER_ADDRESS: count(100),
  SIGN_IN_WINDOW_SECONDS: count(15 * 60),

  WEBHOOK_RETRY_SCHEDULE: z.preprocess(
    absent,
    z
      .string()
      .transform((v, ctx) => {
        const parts = v.split(',').map((p) => p.trim());
        const values = parts.map(Number);
        if (parts.some((p) => p === '') || values.some((n) => !Number.isFinite(n) || n < 0)) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be a comma-separated list of seconds (numbers >= 0)',
          });
          return z.NEVER;
        }
        return values;
      })
      .optional()
      .default([5, 300, 1800, 10800, 86400, 86400, 86400, 86400]),
  ),
  WEBHOOK_ALLOWED_TARGETS: z.preprocess(
    absent,
    z
      .string()
      .transform((v, ctx) => {
        const entries = v
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean);
        for (const entry of entries) {
          const problem = targetEntry(entry);
          if (problem)
            ctx.addIssue({
              code: 'custom',
              message: `${problem} (expected CIDRs such as 127.0.0.1/32 or host names, comma-separated)`,
            });
        }
        return entries;
      })
      .optional()
      .default([]),
  ),
  WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT: count(16),
  WEBHOOK_MAX_IN_FLIGHT: count(1000),
  WEBHOOK_DELIVERY_RETENTION_DAYS: positive(30),
  WEBHOOK_DISABLE_AFTER_FAILING_SECONDS: positive(3 * 24 * 3600),
  WEBHOOK_LEASE_SECONDS: positive(30),
  WEBHOOK_PAUSE_AFTER_FAILURES: count(5),
  WEBHOOK_PAUSE_SECONDS: positive(5),
  WEBHOOK_PAUSE_MAX_SECONDS: positive(600),
  WEBHOOK_POLL_INTERVAL_MS: positive(500),
  WEBHOOK_CONNECT_TIMEOUT_MS: positive(3000),
  WEBHOOK_REQUEST_TIMEOUT_MS: positive(10_000),

  /** The lowest level of log line written (JSON lines on standard output). */
  LOG_LEVEL: z.preprocess(
    (raw) => (typeof absent(raw) === 'string' ? String(raw).trim().toLowerCase() : undefined),
    z
      .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
      .optional()
      .default('info'),
  ),
  /** A bearer token that may read GET /api/metrics besides administrators (a Prometheus scraper's). */
  METRICS_TOKEN: z.preprocess(
    absent,
    z
      .string()
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .optional(),
  ),
} satisfies Record<string, z.ZodType>;

type Name = keyof typeof DEFINITIONS;
type Value<N extends Name> = z.output<(typeof DEFINITIONS)[N]>;

const read = <N extends Name>(name: N): Value<N> => readSetting(DEFINITIONS, name);

/** Every setting that does not pass its rule, each named; throws one error listing them all. */
export function checkSettings(): void {
  const problems: string[] = [];
  for (const name of Object.keys(DEFINITIONS) as Name[]) {
    const result = DEFINITIONS[name].safeParse(process.env[name]);
    if (!result.success) problems.push(describeSetting(name, result.error));
  }
  if (problems.length)
    throw new SettingsError(`Invalid setting${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}`);
}

export const settings = {
  get databaseUrl() {
    return databaseSettings.databaseUrl;
  },
  get databasePoolSize() {
    return databaseSettings.databasePoolSize;
  },
  get deliveryPoolSize() {
    return databaseSettings.deliveryPoolSize;
  },
  /** Prepared statements per connection; off for a transaction-mode pooler (PgBouncer). */
  get databasePrepare() {
    return databaseSettings.databasePrepare;
  },
  /** PGlite data directory; `memory://` keeps everything in memory (tests). */
  get dataDir(): string {
    return databaseSettings.dataDir;
  },
  get pgliteSnapshot() {
    return databaseSettings.pgliteSnapshot;
  },
  /** Where files Herald keeps (secrets, keys) go: the data directory, or ./data beside an in-memory database. */
  get stateDir(): string {
    const dir = settings.dataDir;
    return dir.startsWith('memory://') ? path.join(process.cwd(), 'data') : dir;
  },
  /** Where uploaded images go; beside the database by default. */
  get mediaDir(): string {
    const configured = read('HERALD_MEDIA_DIR');
    if (configured) return configured;
    const dir = settings.dataDir;
    return dir.startsWith('memory://')
      ? path.join(process.cwd(), 'data', 'test-media')
      : path.join(dir, 'media');
  },
  get publicUrl() {
    return read('PUBLIC_URL');
  },
  get trustProxy() {
    return read('TRUST_PROXY');
  },
  get port() {
    return read('PORT');
  },
  get hostname() {
    return read('HOSTNAME') || '0.0.0.0';
  },
  get encryptionKey() {
    const raw = read('HERALD_ENCRYPTION_KEY');
    return raw ? parseKey(raw)! : undefined;
  },
  get admin() {
    return { username: read('ADMIN_USERNAME'), password: read('ADMIN_PASSWORD'), email: read('ADMIN_EMAIL') };
  },
  get maxJsonBytes() {
    return read('MAX_JSON_BYTES');
  },
  get maxUploadBytes() {
    return read('MAX_UPLOAD_BYTES');
  },
  get jsonBodyTimeoutMs() {
    return read('JSON_BODY_TIMEOUT_MS');
  },
  get http() {
    return {
      maxConnections: read('HTTP_MAX_CONNECTIONS'),
      maxConnectionsPerAddress: read('HTTP_MAX_CONNECTIONS_PER_ADDRESS'),
      headersTimeoutMs: read('HTTP_HEADERS_TIMEOUT_MS'),
      requestTimeoutMs: read('HTTP_REQUEST_TIMEOUT_MS'),
      keepAliveTimeoutMs: read('HTTP_KEEP_ALIVE_TIMEOUT_MS'),
    };
  },
  get signIn() {
    return {
      maxFailures: read('SIGN_IN_MAX_FAILURES'),
      maxFailuresPerAddress: read('SIGN_IN_MAX_FAILURES_PER_ADDRESS'),
      windowSeconds: read('SIGN_IN_WINDOW_SECONDS'),
    };
  },
  /** Delays (seconds) before each retry; 8 by default, so 9 attempts over about 4.5 days. */
  get retrySchedule(): number[] {
    return read('WEBHOOK_RETRY_SCHEDULE');
  },
  /** CIDRs and host names that the SSRF guard lets through (e.g. `127.0.0.1/32,::1/128` for local work). */
  get allowedTargets(): string[] {
    return read('WEBHOOK_ALLOWED_TARGETS');
  },
  get maxInFlightPerEndpoint(): number {
    return read('WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT');
  },
  get maxInFlight(): number {
    return read('WEBHOOK_MAX_IN_FLIGHT');
  },
  get deliveryRetentionDays(): number {
    return read('WEBHOOK_DELIVERY_RETENTION_DAYS');
  },
  /** A webhook whose attempts have all failed for this long is turned off. */
  get disableAfterFailingSeconds(): number {
    return read('WEBHOOK_DISABLE_AFTER_FAILING_SECONDS');
  },
  /** An endpoint is paused as a whole after this many failures in a row (operations.md, "Endpoint health"). */
  get pauseAfterFailures(): number {
    return read('WEBHOOK_PAUSE_AFTER_FAILURES');
  },
  /** The first pause; each further failure doubles it, up to the maximum. */
  get pauseSeconds(): number {
    return read('WEBHOOK_PAUSE_SECONDS');
  },
  get pauseMaxSeconds(): number {
    return read('WEBHOOK_PAUSE_MAX_SECONDS');
  },
  /** How long a claimed delivery stays with its dispatcher before another may take it over. */
  get leaseSeconds(): number {
    return read('WEBHOOK_LEASE_SECONDS');
  },
  get pollIntervalMs(): number {
    return read('WEBHOOK_POLL_INTERVAL_MS');
  },
  get connectTimeoutMs(): number {
    return read('WEBHOOK_CONNECT_TIMEOUT_MS');
  },
  get requestTimeoutMs(): number {
    return read('WEBHOOK_REQUEST_TIMEOUT_MS');
  },
  get logLevel(): LogLevel {
    return read('LOG_LEVEL');
  },
  /** Read without throwing: the logger is made before settings are checked, and must log that check's failure. */
  get logLevelOrDefault(): LogLevel {
    const result = DEFINITIONS.LOG_LEVEL.safeParse(process.env.LOG_LEVEL);
    return result.success ? result.data : 'info';
  },
  get metricsToken(): string | undefined {
    return read('METRICS_TOKEN');
  },
};
