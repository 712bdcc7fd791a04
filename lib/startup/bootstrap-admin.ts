import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { transaction } from '@/db/transaction';
import { users } from '@/db/schema';
import { settings } from '@/lib/config/settings';
import { hashPassword } from '@/lib/users/password';
import { registerUser } from '@/lib/users/register-user';

export type AdminLogin = { username: string; password: string | null; source: 'environment' | 'generated' | 'existing' };

/**
 * Makes sure an administrator exists. ADMIN_USERNAME/ADMIN_PASSWORD (and ADMIN_EMAIL) create it or
 * reset its password; without them, a first start creates `admin` with a random password kept in
 * the data directory (for the embedded database), so that the login can be printed at every start.
 */
export async function bootstrapAdmin(db: Db): Promise<AdminLogin> {
  const env = settings.admin;
  if (env.username && env.password) {
    const passwordHash = await hashPassword(env.password);
    const [existing] = await db.select().from(users).where(eq(users.username, env.username));
    if (existing) {
      await db.update(users).set({ passwordHash, isSuperuser: true, isActive: true }).where(eq(users.id, existing.id));
    } else {
      await transaction(db, (tx) =>
        registerUser(tx, { username: env.username!, email: env.email ?? `${env.username}@localhost`, passwordHash, isSuperuser: true }),
      );
    }
    return { username: env.username, password: env.password, source: 'environment' };
  }
  const file = path.join(settings.dataDir.startsWith('memory://') ? path.join(process.cwd(), 'data') : settings.dataDir, 'admin-password');
  const [admin] = await db.select().from(users).where(eq(users.isSuperuser, true)).limit(1);
  if (admin) {
    const saved = !settings.databaseUrl && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
    return { username: admin.username, password: saved, source: 'existing' };
  }
  const password = randomBytes(12).toString('base64url');
  await transaction(db, async (tx) => registerUser(tx, { username: 'admin', email: 'admin@localhost', passwordHash: await hashPassword(password), isSuperuser: true }));
  // Kept beside the embedded database it belongs to; a PostgreSQL admin's password is shown this once.
  if (!settings.databaseUrl) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, password, { mode: 0o600 });
  }
  return { username: 'admin', password, source: 'generated' };
}
