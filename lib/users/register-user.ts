import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { invitations, users } from '@/db/schema';
import { recordChange } from '@/lib/changes/record-change';
import { settings } from '@/lib/config/settings';
import { invalid } from '@/lib/http/errors';
import { toUser, type UserRow } from './representation';

/** Who made the account: the person registering (`self`), an administrator, or nobody (the start-up admin). */
export type Registrar = { baseUrl: string; by: 'self' | UserRow | null };

/** The password is hashed by the caller, outside the transaction: scrypt takes ~60 ms. */
export async function registerUser(
  tx: Tx,
  input: {
    username: string;
    email: string;
    passwordHash: string;
    firstName?: string;
    lastName?: string;
    isSuperuser?: boolean;
  },
  registrar: Registrar = { baseUrl: settings.publicUrl ?? 'http://localhost:3000', by: null },
) {
  const [taken] = await tx
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.username}) = lower(${input.username})`);
  if (taken) throw invalid('username', 'A user with that username already exists.');
  const [emailTaken] = await tx
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${input.email})`);
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
  await tx
    .update(invitations)
    .set({ userId: user.id })
    .where(and(isNull(invitations.userId), sql`lower(${invitations.email}) = lower(${user.email})`));
  const sender = registrar.by === 'self' ? user : registrar.by;
  await recordChange(tx, sender ? { user: sender, baseUrl: registrar.baseUrl } : null, {
    action: 'create',
    resource: 'user',
    organizationId: null,
    projectId: null,
    before: null,
    after: toUser(user, registrar.baseUrl, true),
  });
  return user;
}

export async function findUserById(tx: Tx, id: number) {
  const [user] = await tx.select().from(users).where(eq(users.id, id));
  return user ?? null;
}
