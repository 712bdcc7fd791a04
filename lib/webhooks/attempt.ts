import { settings } from '@/lib/config/settings';
import { openSecret } from '@/lib/crypto/secret-box';
import type { StoredHeader } from '@/db/schema';
import { loggerFor } from '@/lib/logging/logger';
import { countAttempt, type StatusClass } from '@/lib/metrics/registry';
import type { AttemptResult, QueuedDelivery, SendTarget } from './delivery-types';
import { sendWebhookRequest, type SendOutcome } from './send';
import { signDelivery } from './sign';

/**
 * One attempt of a series: sign the body, send it, and say what it means (delivered, failed for good,
 * or retried when). Never throws. A webhook deleted or turned off meanwhile means the series stops,
 * recorded so; a retired webhook (of a deleted project) still delivers what was queued for it.
 */
export async function makeAttempt(
  delivery: QueuedDelivery,
  webhook: SendTarget | undefined,
): Promise<AttemptResult> {
  const isDirect = delivery.trigger === 'ping' || delivery.trigger === 'test';
  if (!webhook) return cancelled(delivery, 'Not sent: the webhook was deleted.');
  if (!webhook.isActive && !webhook.retiredDate && !isDirect)
    return cancelled(delivery, 'Not sent: the webhook is inactive.');
  const now = Date.now();
  // Opened here, where they sign, and nowhere else on the delivery path (security.md: encrypted at rest).
  const previousSecret =
    webhook.previousSecretExpires && webhook.previousSecretExpires.getTime() > now
      ? openSecret(webhook.previousSecret)
      : null;
  const { headers, digests } = signDelivery({
    body: delivery.body,
    webhookIdHeader: delivery.webhookIdHeader,
    event: delivery.event,
    webhookId: delivery.webhookId,
    keys: { secret: openSecret(webhook.secret), previousSecret },
    now,
  });
  // Herald's own headers last: the names are refused at save, and would still not override them here.
  const custom = openCustomHeaders(webhook.customHeaders);
  const outcome = await sendWebhookRequest({
    url: webhook.targetUrl,
    body: delivery.body,
    headers: custom ? { ...custom, ...headers } : headers,
    verifyTls: webhook.enableSsl,
  });
  const classified = classifyOutcome({ attempt: delivery.attempt, canRetry: !isDirect, outcome, now });
  const result: AttemptResult = {
    ...classified,
    deliveryId: delivery.id,
    webhookId: delivery.webhookId,
    attempt: delivery.attempt,
    sentAt: now,
    digests,
    customHeaderNames: webhook.customHeaders.map((h) => h.name),
    endsPause: isDirect && classified.state === 'delivered',
  };
  const outcomeName =
    result.state === 'delivered' ? 'delivered' : result.state === 'pending' ? 'retrying' : 'failed';
  const statusClass = statusClassOf(result);
  countAttempt({
    outcome: outcomeName,
    statusClass,
    durationMs: result.durationMs,
    firstAttemptLatencyMs: delivery.attempt === 1 ? now - delivery.queuedAt : null,
  });
  // Only when asked for (LOG_LEVEL=debug): a line per attempt is more than the delivery path should pay for.
  if (log.isLevelEnabled('debug')) {
    log.debug(
      {
        webhook_id: delivery.webhookId,
        delivery_id: delivery.webhookIdHeader,
        attempt: delivery.attempt,
        trigger: delivery.trigger,
        event: delivery.event,
        status: result.statusCode,
        status_class: statusClass,
        outcome: outcomeName,
        duration_ms: result.durationMs,
      },
      'attempt',
    );
  }
  return result;
}

const log = loggerFor('webhooks');

function statusClassOf(result: AttemptResult): StatusClass {
  if (result.errorKind !== null || result.statusCode === null) return result.errorKind ?? 'network';
  return `${Math.min(Math.max(Math.floor(result.statusCode / 100), 1), 5)}xx` as StatusClass;
}

function openCustomHeaders(stored: StoredHeader[]): Record<string, string> | null {
  if (stored.length === 0) return null;
  const out: Record<string, string> = {};
  for (const { name, value } of stored) out[name] = openSecret(value) ?? '';
  return out;
}

function cancelled(delivery: QueuedDelivery, response: string): AttemptResult {
  return {
    deliveryId: delivery.id,
    webhookId: delivery.webhookId,
    attempt: delivery.attempt,
    sentAt: null,
    durationMs: null,
    statusCode: null,
    errorKind: null,
    response,
    responseHeaders: null,
    digests: null,
    state: 'cancelled',
    retryAt: null,
    isFailure: false,
    isGone: false,
    pauseSeconds: null,
    endsPause: false,
  };
}

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
export function retryDelaySeconds(
  attempt: number,
  schedule = settings.retrySchedule,
  random = Math.random,
): number | null {
  const base = schedule[attempt - 1];
  if (base === undefined) return null;
  return base * (0.8 + 0.4 * random());
}

type Classified = Omit<
  AttemptResult,
  'deliveryId' | 'webhookId' | 'attempt' | 'sentAt' | 'digests' | 'endsPause'
>;

/** What a response (or its absence) means for the series and the endpoint. */
export function classifyOutcome(opts: {
  attempt: number;
  canRetry: boolean;
  outcome: SendOutcome;
  now?: number;
}): Classified {
  const { outcome } = opts;
  const now = opts.now ?? Date.now();
  const base = { durationMs: outcome.durationMs, isGone: false, pauseSeconds: null };
  if (outcome.kind === 'refused') {
    return {
      ...base,
      state: 'failed',
      statusCode: null,
      errorKind: 'refused',
      responseHeaders: null,
      response: outcome.error,
      retryAt: null,
      isFailure: true,
    };
  }
  const statusCode = outcome.statusCode;
  const isResponse = outcome.kind === 'response';
  const responseHeaders = isResponse ? formatHeaders(outcome.headers) : null;
  const response = isResponse ? outcome.body : outcome.error;
  const errorKind = isResponse ? null : statusCode === 504 ? 'timeout' : 'network';
  if (isResponse && statusCode >= 200 && statusCode < 300) {
    return {
      ...base,
      state: 'delivered',
      statusCode,
      errorKind,
      responseHeaders,
      response,
      retryAt: null,
      isFailure: false,
    };
  }
  const honoured =
    isResponse && (statusCode === 429 || statusCode === 503)
      ? parseRetryAfter(outcome.headers['retry-after'], now)
      : null;
  let retryAt: Date | null = null;
  if (opts.canRetry && isRetryable(statusCode)) {
    const delay = honoured ?? retryDelaySeconds(opts.attempt);
    if (delay !== null && opts.attempt <= settings.retrySchedule.length)
      retryAt = new Date(now + delay * 1000);
  }
  return {
    ...base,
    state: retryAt ? 'pending' : 'failed',
    statusCode,
    errorKind,
    responseHeaders,
    response,
    retryAt,
    isFailure: true,
    isGone: statusCode === 410,
    pauseSeconds: honoured,
  };
}

/** Response headers as `name: value` lines, the way they are kept. */
export function formatHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

export function parseHeaders(text: string | null): Record<string, string> | null {
  if (text === null) return null;
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0) headers[line.slice(0, at)] = line.slice(at + 2);
  }
  return headers;
}
