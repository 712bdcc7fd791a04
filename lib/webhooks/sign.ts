import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** CVAT's scheme: `sha256=` + lowercase hex HMAC-SHA256 of the body, keyed by the secret's UTF-8 bytes. */
export function signCvat(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The Standard Webhooks key: the bytes after `whsec_` for a generated secret, else the UTF-8 bytes. */
function standardKey(secret: string): Buffer {
  if (secret.startsWith(SECRET_PREFIX)) {
    const decoded = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
    if (decoded.length > 0) return decoded;
  }
  return Buffer.from(secret, 'utf8');
}

/** One `v1,<base64>` signature of `id.timestamp.body` (standardwebhooks.com). */
export function signStandard(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', standardKey(secret));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/** A new `whsec_` secret: 24 random bytes, base64 — 38 characters, within the 64 allowed. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

export const USER_AGENT = `Herald-Webhooks/${process.env.npm_package_version ?? '0.1.0'}`;

export type SigningKeys = { secret: string | null; previousSecret: string | null };

/** Every header of a delivery; the signatures cover exactly `body`. */
export function buildHeaders(opts: { body: string; messageId: string; event: string; webhookId: number; keys: SigningKeys; now?: number }) {
  const timestamp = Math.floor((opts.now ?? Date.now()) / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': opts.messageId,
    'webhook-timestamp': String(timestamp),
    'x-herald-event': opts.event,
    'x-herald-webhook-id': String(opts.webhookId),
  };
  const { secret, previousSecret } = opts.keys;
  if (secret) {
    headers['x-signature-256'] = signCvat(secret, opts.body);
    const signatures = [signStandard(secret, opts.messageId, timestamp, opts.body)];
    // During a rotation the old secret signs too, so receivers can switch over at their pace.
    if (previousSecret) signatures.push(signStandard(previousSecret, opts.messageId, timestamp, opts.body));
    headers['webhook-signature'] = signatures.join(' ');
  }
  return headers;
}
