import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { settings } from '@/lib/config/settings';

/**
 * The key webhook secrets are encrypted with (lib/crypto/secret-box.ts): HERALD_ENCRYPTION_KEY, or, when
 * it is not set, one generated once and kept in the data directory (as AUTH_SECRET is), so the first run
 * needs no configuration. It is never in the database: a dump alone cannot sign a delivery. Processes on
 * several machines sharing one PostgreSQL must all be given the same HERALD_ENCRYPTION_KEY.
 */
export function ensureEncryptionKey(): Buffer {
  const configured = settings.encryptionKey;
  if (configured) return configured;
  const dir = settings.stateDir;
  const file = path.join(dir, 'encryption-key');
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  process.env.HERALD_ENCRYPTION_KEY = fs.readFileSync(file, 'utf8').trim();
  const key = settings.encryptionKey;
  if (!key)
    throw new Error(
      `${file} does not hold a valid key (32 bytes, base64): restore it, or set HERALD_ENCRYPTION_KEY.`,
    );
  return key;
}
