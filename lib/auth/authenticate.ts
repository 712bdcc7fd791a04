import { createHash } from 'node:crypto';
import { getToken } from 'next-auth/jwt';
import type { Db } from '@/db/client';
import { clientAddress } from '@/lib/http/client-address';
import { unauthenticated } from '@/lib/http/errors';
import { findUserById } from '@/lib/users/register-user';
import type { UserRow } from '@/lib/users/representation';
import { findUserByToken, verifyCredentials } from './credentials';

// A scrypt check per request would cap Basic-auth clients at ~15 requests/s: remember recent successes briefly.
const BASIC_CACHE_MS = 60_000;
const basicCache = new Map<string, { userId: number; expires: number }>();

/** How the caller proved who they are: a browser's cookie is the one a cross-site form can borrow. */
export type Caller = { user: UserRow; via: 'token' | 'basic' | 'session' };

/** The caller, from a `Token` key, HTTP Basic or the browser session; null when none is given. */
export async function findCaller(db: Db, req: Request): Promise<Caller | null> {
  const header = req.headers.get('authorization');
  if (header) {
    const [scheme, value = ''] = header.split(/\s+/, 2);
    const kind = scheme.toLowerCase();
    if (kind === 'token' || kind === 'bearer') {
      const user = value ? await findUserByToken(db, value) : null;
      if (!user) throw unauthenticated('Invalid token.');
      return { user, via: 'token' };
    }
    if (kind === 'basic') return { user: await authenticateBasic(db, req, value), via: 'basic' };
  }
  const user = await findSessionUser(db, req);
  return user ? { user, via: 'session' } : null;
}

export async function requireCaller(db: Db, req: Request): Promise<Caller> {
  const caller = await findCaller(db, req);
  if (!caller) throw unauthenticated();
  return caller;
}

async function authenticateBasic(db: Db, req: Request, value: string): Promise<UserRow> {
  const cacheKey = createHash('sha256').update(value).digest('hex');
  const cached = basicCache.get(cacheKey);
  if (cached && cached.expires > Date.now()) {
    const user = await findUserById(db, cached.userId);
    if (user?.isActive) return user;
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const login = colon >= 0 ? decoded.slice(0, colon) : '';
  const password = colon >= 0 ? decoded.slice(colon + 1) : '';
  const usable = login && login.length <= 254 && password.length <= 128 && !login.includes('\u0000');
  const user = usable ? await verifyCredentials(db, login, password, clientAddress(req)) : null;
  if (!user) throw unauthenticated('Invalid username/password.');
  if (basicCache.size > 10_000) basicCache.clear();
  basicCache.set(cacheKey, { userId: user.id, expires: Date.now() + BASIC_CACHE_MS });
  return user;
}

/** The browser session (next-auth's JWT cookie), read from the request itself so it works in any handler. */
export async function readSessionToken(req: Request): Promise<{ uid: number; sv: number } | null> {
  const secret = process.env.AUTH_SECRET;
  if (!secret || !req.headers.get('cookie')) return null;
  for (const secureCookie of [true, false]) {
    const token = await getToken({ req, secret, secureCookie });
    if (token?.uid) return { uid: Number(token.uid), sv: Number(token.sv ?? 0) };
  }
  return null;
}

/** A session ends at sign-out: one issued before (an older session version) is no longer accepted. */
async function findSessionUser(db: Db, req: Request): Promise<UserRow | null> {
  const token = await readSessionToken(req);
  if (!token) return null;
  const user = await findUserById(db, token.uid);
  return user?.isActive && user.sessionVersion === token.sv ? user : null;
}
