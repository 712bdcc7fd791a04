import { closeDb, DataDirectoryInUseError, getDb, getDbKind } from '@/db/client';
import { releaseAllLeases } from '@/lib/webhooks/queue';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { checkSettings, settings, SettingsError } from '@/lib/config/settings';
import { ensureEncryptionKey } from '@/lib/crypto/encryption-key';
import { SecretUnreadableError } from '@/lib/crypto/secret-box';
import { sealStoredSecrets } from '@/lib/webhooks/seal-stored-secrets';
import { ensureAuthSecret } from './auth-secret';
import { bootstrapAdmin, describeAdminLogin } from './bootstrap-admin';

function stop(message: string): never {
  console.error(`\n[herald] ${message}\n`);
  process.exit(1);
}

/** Runs once per server process, before the first request: settings, secrets, database, migrations, admin. */
export async function startHerald(): Promise<void> {
  let db;
  try {
    checkSettings();
    ensureAuthSecret();
    ensureEncryptionKey();
    db = await getDb();
    await sealStoredSecrets(db);
  } catch (error) {
    if (error instanceof DataDirectoryInUseError || error instanceof SettingsError || error instanceof SecretUnreadableError) stop(error.message);
    throw error;
  }
  const admin = await bootstrapAdmin(db);
  // With the embedded database this is the only process: claims left by a crashed run are ours to resume now.
  if ((await getDbKind()) === 'pglite') await releaseAllLeases(db);
  await startDispatcher();
  const where = settings.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${settings.dataDir}`;
  const url = settings.publicUrl ?? `http://localhost:${settings.port}`;
  console.log(`\n  Herald is ready at ${url}\n  Database: ${where}\n  Admin login: ${describeAdminLogin(admin)}\n`);
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
