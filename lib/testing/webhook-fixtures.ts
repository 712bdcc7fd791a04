import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The seed's Flask receiver, line for line: HMAC over the raw body, `sha256=` prefix, constant-time compare. */
export function flaskReceiverAccepts(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const received = String(headers['x-signature-256'] ?? '');
  const expected =
    'sha256=' + createHmac('sha256', Buffer.from(secret, 'utf8')).update(rawBody).digest('hex');
  return received.length === expected.length && timingSafeEqual(Buffer.from(received), Buffer.from(expected));
}

/** Standard Webhooks verification (standardwebhooks.com): any listed v1 signature of `id.ts.body` matches. */
export function standardWebhooksAccepts(
  secret: string,
  headers: IncomingHttpHeaders,
  rawBody: string,
  toleranceS = 300,
): boolean {
  const id = String(headers['webhook-id'] ?? '');
  const ts = Number(headers['webhook-timestamp']);
  if (!id || !Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > toleranceS) return false;
  const key = secret.startsWith('whsec_')
    ? Buffer.from(secret.slice(6), 'base64')
    : Buffer.from(secret, 'utf8');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${rawBody}`).digest('base64');
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((sig) => {
      const [version, value] = sig.split(',', 2);
      return (
        version === 'v1' &&
        value?.length === expected.length &&
        timingSafeEqual(Buffer.from(value), Buffer.from(expected))
      );
    });
}
