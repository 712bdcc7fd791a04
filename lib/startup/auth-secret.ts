import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { settings } from '@/lib/config/settings';

/**
 * next-auth needs AUTH_SECRET. When none is configured, one is generated once and kept in the data
 * directory, so sessions survive restarts and the first run needs no configuration.
 */
export function ensureAuthSecret(): void {
  if (process.env.AUTH_SECRET) return;
  const dir = settings.stateDir;
  const file = path.join(dir, 'auth-secret');
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  process.env.AUTH_SECRET = fs.readFileSync(file, 'utf8').trim();
}
