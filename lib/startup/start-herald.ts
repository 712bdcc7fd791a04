import { closeDb, DataDirectoryInUseError, getDb, getDbKind } from '@/db/client';
import { releaseAllLeases } from '@/lib/webhooks/queue';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { checkSettings, settings, SettingsError } from '@/lib/config/settings';
import { ensureEncryptionKey } from '@/lib/crypto/encryption-key';
import { SecretUnreadableError } from '@/lib/crypto/secret-box';
import { loggerFor } from '@/lib/logging/logger';
import { sealStoredSecrets } from '@/lib/webhooks/seal-stored-secrets';
import { ensureAuthSecret } from './auth-secret';
import { bootstrapAdmin, describeAdminLogin } from './bootstrap-admin';

const log = loggerFor('startup');

function stop(message: string): never {
  log.fatal(message);
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
    if (
      error instanceof DataDirectoryInUseError ||
      error instanceof SettingsError ||
      error instanceof SecretUnreadableError
    )
      stop(error.message);
    throw error;
  }
  const admin = await bootstrapAdmin(db);
  // With the embedded database this is the only process: claims left by a crashed run are ours to resume now.
  if ((await getDbKind()) === 'pglite') await releaseAllLeases(db);
  await startDispatcher();
  const where = settings.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${settings.dataDir}`;
  const url = settings.publicUrl ?? `http://localhost:${settings.port}`;
  log.info({ url, database: (await getDbKind()) === 'pglite' ? 'pglite' : 'postgresql' }, 'Herald started');
  // For the person who started it, once, not a log line: the only place a generated password is shown.
  process.stdout.write(
    `\n  Herald is ready at ${url}\n  Database: ${where}\n  Admin login: ${describeAdminLogin(admin)}\n\n`,
  );
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
      .catch((error) => log.error({ err: error }, 'closing the database failed'))
      .finally(() => {
        clearTimeout(timer);
        process.exit(0);
      });
  });
}
