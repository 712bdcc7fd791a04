import { closeDb, DataDirectoryInUseError, getDb, getDbKind } from '@/db/client';
import { releaseAllLeases } from '@/lib/webhooks/queue';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { settings } from '@/lib/config/settings';
import { ensureAuthSecret } from './auth-secret';
import { bootstrapAdmin } from './bootstrap-admin';

/** Runs once per server process, before the first request: secret, database, migrations, admin. */
export async function startHerald(): Promise<void> {
  ensureAuthSecret();
  let db;
  try {
    db = await getDb();
  } catch (error) {
    if (error instanceof DataDirectoryInUseError) {
      console.error(`\n[herald] ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const admin = await bootstrapAdmin(db);
  // With the embedded database this is the only process: claims left by a crashed run are ours to resume now.
  if ((await getDbKind()) === 'pglite') await releaseAllLeases(db);
  await startDispatcher();
  const where = settings.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${settings.dataDir}`;
  const url = settings.publicUrl ?? `http://localhost:${process.env.PORT || 3000}`;
  const login =
    admin.password !== null
      ? `${admin.username} / ${admin.password}${admin.source === 'environment' ? ' (from ADMIN_USERNAME/ADMIN_PASSWORD)' : ''}`
      : `${admin.username} (password as configured earlier)`;
  console.log(`\n  Herald is ready at ${url}\n  Database: ${where}\n  Admin login: ${login}\n`);
}

let isStopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (isStopping) return;
    isStopping = true;
    // Close the database cleanly (PGlite flushes and releases its lock); pending webhook work resumes at the next start.
    const timer = setTimeout(() => process.exit(0), 3000);
    stopDispatcher()
      .then(() => closeDb())
      .catch((error) => console.error('[herald] closing the database failed:', error))
      .finally(() => {
        clearTimeout(timer);
        process.exit(0);
      });
  });
}
