import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from 'pino';
import { settings } from '@/lib/config/settings';
import { describeForLog } from '@/db/describe-for-log';

/**
 * Herald's log: JSON lines on standard output (pino), at LOG_LEVEL and above, each with the id of the
 * request it was written for (`request_id`, see lib/http/server.ts) and, where they apply, `webhook_id`
 * and `delivery_id`.
 *
 * Never a secret, a password, a token or a header value (security.md): whatever keys of those names a
 * caller passes are censored by pino's `redact`, and errors go through `describeForLog`, which drops the
 * parameters of a failed statement (a webhook's sealed secret, a password hash). Callers still pass
 * only what they mean to show: redaction is the net, not the rule.
 */

const SENSITIVE = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'secret',
  'token',
  'headers',
  'key',
  'credentials',
];
const REDACT_PATHS = SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export type RequestContext = { requestId: string };

type Shared = { logger?: Logger; requests?: AsyncLocalStorage<RequestContext> };
// Next.js bundles lib/ more than once (instrumentation, each route, the server actions) and `npm start`
// loads lib/http/server.ts apart from them all: one logger and one request context per process, shared
// through globalThis, or a request's id would not reach the lines its route writes.
const shared = globalThis as unknown as { __heraldLog?: Shared };
const state: Shared = (shared.__heraldLog ??= {});

// pino through Node's own require, from the application's directory: `npm start` loads this module both in
// Next.js's bundles (pino is external there, so required natively) and through tsx (lib/http/server.ts),
// whose ESM import of pino would load some of its files a second time beside the natively required ones,
// with symbols of their own, and every log call would then throw.
const pino = createRequire(path.join(process.cwd(), 'package.json'))('pino') as typeof import('pino').default;

function createLogger(): Logger {
  return pino(
    {
      level: settings.logLevelOrDefault,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      mixin() {
        const context = state.requests?.getStore();
        return context ? { request_id: context.requestId } : {};
      },
    },
    // process.stdout rather than pino's own file-descriptor writer: synchronous on Linux for files, pipes
    // and terminals alike, so a line written just before process.exit() is not lost.
    process.stdout,
  );
}

/** Errors are described, never serialized whole: an error of a failed statement carries its parameters. */
export function serializeError(error: unknown) {
  const err = error as { name?: string; code?: string };
  return {
    type: err?.name ?? typeof error,
    ...(err?.code ? { code: err.code } : {}),
    message: describeForLog(error),
  };
}

export function getLogger(): Logger {
  return (state.logger ??= createLogger());
}

/** A logger for one part of Herald (`component` on every line). */
export function loggerFor(component: string): Logger {
  return getLogger().child({ component });
}

function requestStorage(): AsyncLocalStorage<RequestContext> {
  return (state.requests ??= new AsyncLocalStorage<RequestContext>());
}

/** Runs `fn` with a request's id attached to every line logged within it (and what it starts). */
export function runWithRequest<T>(context: RequestContext, fn: () => T): T {
  return requestStorage().run(context, fn);
}

export function currentRequestId(): string | undefined {
  return state.requests?.getStore()?.requestId;
}
