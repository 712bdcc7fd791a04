import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ensureEncryptionKey } from './encryption-key';

/**
 * Secrets at rest (webhook secrets, custom header values): AES-256-GCM with HERALD_ENCRYPTION_KEY, a
 * fresh 96-bit nonce per value, stored as `hsb1:` + base64url(nonce | tag | ciphertext). The tag makes a
 * value altered in the database, or read with another key, fail to open instead of signing garbage.
 */
const PREFIX = 'hsb1:';
const AAD = Buffer.from('herald secret v1');

export class SecretUnreadableError extends Error {}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function sealSecret(plain: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ensureEncryptionKey(), nonce).setAAD(AAD);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url');
}

// Each delivery opens its webhook's secret: the same few values, over and over.
const opened = new Map<string, string>();

/**
 * The plain secret of a stored value (null stays null). A value written before secrets were encrypted
 * (no prefix) is taken as it is: start-up seals those (lib/webhooks/seal-stored-secrets.ts), this only
 * covers a process of the previous version still writing during an upgrade.
 */
export function openSecret(stored: string | null): string | null {
  if (stored === null || !isSealed(stored)) return stored;
  const hit = opened.get(stored);
  if (hit !== undefined) return hit;
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', ensureEncryptionKey(), raw.subarray(0, 12)).setAAD(AAD);
    decipher.setAuthTag(raw.subarray(12, 28));
    plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadableError(
      'A stored secret cannot be decrypted with this HERALD_ENCRYPTION_KEY (was the key changed or lost?).',
    );
  }
  if (opened.size >= 10_000) opened.clear();
  opened.set(stored, plain);
  return plain;
}
