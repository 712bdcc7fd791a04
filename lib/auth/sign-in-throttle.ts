import { RateLimiterDrizzle, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '@/db/client';
import { signInFailures } from '@/db/schema';
import { settings } from '@/lib/config/settings';
import { ApiError } from '@/lib/http/errors';

/**
 * Password guessing is throttled per account and client address, and per address across accounts
 * (security.md, "Sign-in"). The counters live in the database (rate-limiter-flexible's Drizzle store, on
 * PostgreSQL or PGlite alike), so that all processes share them: more processes are not more guesses.
 *
 * An attempt is counted before its password is checked, in one atomic upsert, so a burst of parallel
 * guesses cannot all slip in before the first failure is written; the count is given back when the
 * password was right. Once over the limit an attempt is refused with 429 without computing the hash,
 * and the window is not extended by refused attempts (it ends 15 minutes after the first failure).
 */
type Limiters = { pair: RateLimiterDrizzle; address: RateLimiterDrizzle; key: string };
const byDb = new WeakMap<Db, Limiters>();

function limiters(db: Db): Limiters {
  const { maxFailures, maxFailuresPerAddress, windowSeconds } = settings.signIn;
  const key = `${maxFailures}/${maxFailuresPerAddress}/${windowSeconds}`;
  const known = byDb.get(db);
  if (known?.key === key) return known;
  const common = { storeClient: db, schema: signInFailures, duration: windowSeconds };
  const made = {
    pair: new RateLimiterDrizzle({ ...common, keyPrefix: 'account', points: maxFailures }),
    address: new RateLimiterDrizzle({ ...common, keyPrefix: 'address', points: maxFailuresPerAddress }),
    key,
  };
  byDb.set(db, made);
  return made;
}

export function throttled(res: RateLimiterRes): ApiError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  const minutes = Math.ceil(seconds / 60);
  return new ApiError(
    'too_many_requests',
    {
      detail: `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    },
    { 'Retry-After': String(seconds) },
  );
}

/** Whether the next attempt would be refused, without counting one (the sign-in page asks first). */
export async function findThrottle(db: Db, account: string, address: string): Promise<ApiError | null> {
  const { pair, address: perAddress } = limiters(db);
  const [a, b] = await Promise.all([pair.get(`${account}@${address}`), perAddress.get(address)]);
  for (const [res, limiter] of [
    [a, pair],
    [b, perAddress],
  ] as const)
    if (res && res.consumedPoints >= limiter.points) return throttled(res);
  return null;
}

/**
 * Runs `check` (the password comparison) as one counted attempt of `account` from `address`: throws a 429
 * instead, without running it, once the account has failed too often from there or the address has.
 */
export async function throttleSignIn<T>(
  db: Db,
  account: string,
  address: string,
  check: () => Promise<T | null>,
): Promise<T | null> {
  const { pair, address: perAddress } = limiters(db);
  const pairKey = `${account}@${address}`;
  const [a, b] = await Promise.all([pair.penalty(pairKey, 1), perAddress.penalty(address, 1)]);
  const over = a.consumedPoints > pair.points ? a : b.consumedPoints > perAddress.points ? b : null;
  if (over) throw throttled(over);
  const result = await check();
  if (result !== null) await Promise.all([pair.delete(pairKey), perAddress.reward(address, 1)]);
  return result;
}
