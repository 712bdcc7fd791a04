import { settings } from '@/lib/config/settings';
import type { DeliveryState } from '@/db/schema';
import type { SendOutcome } from './send';

/** What one attempt leaves behind: the row's outcome, and the retry it schedules, if any. */
export type AttemptResult = {
  id: number;
  webhookId: number;
  state: DeliveryState;
  statusCode: number | null;
  durationMs: number | null;
  requestHeaders: Record<string, string> | null;
  responseHeaders: Record<string, string> | null;
  response: string;
  /** When the next attempt of the series is due; null when the series ends here. */
  retryAt: Date | null;
  /** Set for failures that count against the endpoint's health. */
  isFailure: boolean;
  /** 410 Gone: the receiver asked us to stop. */
  isGone: boolean;
  /** The endpoint was failing when this attempt started: a success must clear its failure streak. */
  wasFailing?: boolean;
};

const MAX_RETRY_AFTER_S = 24 * 3600;

export function isRetryable(statusCode: number): boolean {
  return statusCode >= 500 || statusCode === 408 || statusCode === 429;
}

/** `Retry-After` in seconds or as an HTTP date, capped at 24 h; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : (Date.parse(value) - now) / 1000;
  if (!Number.isFinite(seconds)) return null;
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_S);
}

/** The delay before retry number `attempt` (1-based attempt that just failed), ±20% jitter; null when none is left. */
export function retryDelaySeconds(attempt: number, schedule = settings.retrySchedule, random = Math.random): number | null {
  const base = schedule[attempt - 1];
  if (base === undefined) return null;
  return base * (0.8 + 0.4 * random());
}

export function classifyOutcome(opts: {
  id: number;
  webhookId: number;
  attempt: number;
  canRetry: boolean;
  requestHeaders: Record<string, string>;
  outcome: SendOutcome;
  now?: number;
}): AttemptResult {
  const { outcome } = opts;
  const now = opts.now ?? Date.now();
  const base = { id: opts.id, webhookId: opts.webhookId, durationMs: outcome.durationMs, requestHeaders: opts.requestHeaders };
  if (outcome.kind === 'refused') {
    return { ...base, state: 'refused', statusCode: null, responseHeaders: null, response: outcome.error, retryAt: null, isFailure: true, isGone: false };
  }
  const statusCode = outcome.statusCode;
  const responseHeaders = outcome.kind === 'response' ? outcome.headers : null;
  const response = outcome.kind === 'response' ? outcome.body : outcome.error;
  if (statusCode >= 200 && statusCode < 300) {
    return { ...base, state: 'delivered', statusCode, responseHeaders, response, retryAt: null, isFailure: false, isGone: false };
  }
  let retryAt: Date | null = null;
  if (opts.canRetry && isRetryable(statusCode)) {
    const honoured = statusCode === 429 || statusCode === 503 ? parseRetryAfter(responseHeaders?.['retry-after'], now) : null;
    const delay = honoured ?? retryDelaySeconds(opts.attempt);
    if (delay !== null && opts.attempt <= settings.retrySchedule.length) retryAt = new Date(now + delay * 1000);
  }
  return { ...base, state: 'failed', statusCode, responseHeaders, response, retryAt, isFailure: true, isGone: statusCode === 410 };
}
