import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { invitations, users } from '@/db/schema';
import { invalid } from '@/lib/http/errors';

/** The password is hashed by the caller, outside the transaction: scrypt takes ~60 ms. */
export async function registerUser(
  tx: Tx,
  input: { username: string; email: string; passwordHash: string; firstName?: string; lastName?: string; isSuperuser?: boolean },
) {
  const [taken] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${input.username})`);
  if (taken) throw invalid('username', 'A user with that username already exists.');
  const [emailTaken] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = lower(${input.email})`);
  if (emailTaken) throw invalid('email', 'A user is already registered with this e-mail address.');
  const [user] = await tx
    .insert(users)
    .values({
      username: input.username,
      email: input.email,
      passwordHash: input.passwordHash,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      isSuperuser: input.isSuperuser ?? false,
    })
    .returning();
  // Invitations sent to this email before it had an account now reach it.
  await tx.update(invitations).set({ userId: user.id }).where(and(isNull(invitations.userId), sql`lower(${invitations.email}) = lower(${user.email})`));
  return user;
}

export async function findUserById(tx: Tx, id: number) {
  const [user] = await tx.select().from(users).where(eq(users.id, id));
  return user ?? null;
}
