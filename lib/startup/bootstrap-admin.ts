import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { transaction } from '@/db/transaction';
import { users } from '@/db/schema';
import { settings } from '@/lib/config/settings';
import { hashPassword } from '@/lib/users/password';
import { registerUser } from '@/lib/users/register-user';

export type AdminLogin = {
  username: string;
  password: string | null;
  source: 'environment' | 'generated' | 'existing';
};

/**
 * Makes sure an administrator exists. ADMIN_USERNAME/ADMIN_PASSWORD (and ADMIN_EMAIL) create it or
 * reset its password; without them, a first start creates `admin` with a random password, handed back
 * this once to be printed (it is not kept anywhere: set ADMIN_PASSWORD to choose a new one).
 */
export async function bootstrapAdmin(db: Db): Promise<AdminLogin> {
  const env = settings.admin;
  if (env.username && env.password) {
    const passwordHash = await hashPassword(env.password);
    const [existing] = await db.select().from(users).where(eq(users.username, env.username));
    if (existing) {
      await db
        .update(users)
        .set({ passwordHash, isSuperuser: true, isActive: true })
        .where(eq(users.id, existing.id));
    } else {
      await transaction(db, (tx) =>
        registerUser(tx, {
          username: env.username!,
          email: env.email ?? `${env.username}@localhost`,
          passwordHash,
          isSuperuser: true,
        }),
      );
    }
    return { username: env.username, password: null, source: 'environment' };
  }
  const [admin] = await db.select().from(users).where(eq(users.isSuperuser, true)).limit(1);
  if (admin) return { username: admin.username, password: null, source: 'existing' };
  const password = randomBytes(12).toString('base64url');
  await transaction(db, async (tx) =>
    registerUser(tx, {
      username: 'admin',
      email: 'admin@localhost',
      passwordHash: await hashPassword(password),
      isSuperuser: true,
    }),
  );
  return { username: 'admin', password, source: 'generated' };
}

/** The start-up line about the admin: the password only when it was just generated. */
export function describeAdminLogin(admin: AdminLogin): string {
  if (admin.source === 'generated')
    return `${admin.username} / ${admin.password} (generated now and shown only this once)`;
  if (admin.source === 'environment') return `${admin.username} (password from ADMIN_PASSWORD)`;
  return `${admin.username} (password as set earlier; set ADMIN_USERNAME and ADMIN_PASSWORD to reset it)`;
}
