import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '@/db/client';
import { findCaller } from '@/lib/auth/authenticate';
import { mayReadMetrics } from '@/lib/auth/policy';
import { settings } from '@/lib/config/settings';
import { forbidden, unauthenticated } from '@/lib/http/errors';

/** Same bytes, in a time that does not depend on where they differ (both hashed first: equal lengths). */
function isSameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who may scrape: `Authorization: Bearer <METRICS_TOKEN>` when that setting is set, or an administrator
 * (session, Basic or API token). Nobody signed in: 401; anyone else: 403.
 */
export async function requireMetricsReader(db: Db, req: Request): Promise<void> {
  const token = settings.metricsToken;
  const header = req.headers.get('authorization');
  if (token && header) {
    const [scheme, value = ''] = header.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() === 'bearer' && isSameSecret(value, token)) return;
  }
  const caller = await findCaller(db, req);
  if (!caller) throw unauthenticated();
  if (!mayReadMetrics(caller.user)) throw forbidden();
}
