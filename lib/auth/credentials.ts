import { createHash, randomBytes } from 'node:crypto';
import { eq, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { apiTokens, users } from '@/db/schema';
import { ApiError } from '@/lib/http/errors';
import { loggerFor } from '@/lib/logging/logger';
import { DUMMY_HASH, verifyPassword } from '@/lib/users/password';
import { throttleSignIn } from './sign-in-throttle';

async function findUserByLogin(db: Db, login: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(or(eq(users.username, login), sql`lower(${users.email}) = lower(${login})`))
    .limit(1);
  return user ?? null;
}

/** What the throttle counts failures against: the account when it exists (by username or email alike), else the name tried. */
function accountKey(user: { id: number } | null, login: string): string {
  return user ? `user:${user.id}` : `login:${login.toLowerCase()}`;
}

/**
 * A user by username or email and password, or null; every path that checks a password comes here
 * (the API login, HTTP Basic, the sign-in page). Takes as long whether or not the user exists, and is
 * throttled per account and client address (a 429 ApiError, thrown before any hash is computed).
 */
export async function verifyCredentials(db: Db, login: string, password: string, address: string) {
  const user = await findUserByLogin(db, login);
  // One warning per refusal, naming the account by id only: what was typed as a login may be a password.
  const who = { user_id: user?.id ?? null, client: address };
  try {
    const verified = await throttleSignIn(db, accountKey(user, login), address, async () => {
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      return ok && user && user.isActive ? user : null;
    });
    if (!verified) loggerFor('auth').warn(who, 'sign-in refused: wrong credentials');
    return verified;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'too_many_requests')
      loggerFor('auth').warn(who, 'sign-in refused: too many failed attempts');
    throw error;
  }
}

/** The throttle key of a login as typed, for a check made before the attempt (the sign-in page). */
export async function findAccountKey(db: Db, login: string): Promise<string> {
  return accountKey(await findUserByLogin(db, login), login);
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A new API key for `Authorization: Token <key>`; only its hash is stored. */
export async function createApiToken(tx: Tx, userId: number): Promise<string> {
  const key = randomBytes(20).toString('hex');
  await tx.insert(apiTokens).values({ keyHash: hashKey(key), userId });
  return key;
}

export async function findUserByToken(db: Db, key: string) {
  const [row] = await db
    .select({ user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.keyHash, hashKey(key)));
  return row?.user.isActive ? row.user : null;
}

export async function deleteApiToken(tx: Tx, key: string) {
  await tx.delete(apiTokens).where(eq(apiTokens.keyHash, hashKey(key)));
}

/** Ends every browser session of the user issued so far (sessions carry the version they were issued with). */
export async function endBrowserSessions(db: Db, userId: number) {
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}
