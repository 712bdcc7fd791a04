import { createHash, randomBytes } from 'node:crypto';
import { eq, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { apiTokens, users } from '@/db/schema';
import { DUMMY_HASH, verifyPassword } from '@/lib/users/password';

/** A user by username or email and password, or null. Takes as long whether or not the user exists. */
export async function verifyCredentials(db: Db, login: string, password: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(or(eq(users.username, login), sql`lower(${users.email}) = lower(${login})`))
    .limit(1);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  return ok && user && user.isActive ? user : null;
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
