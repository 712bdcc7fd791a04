// `npm run worker`: an extra delivery process beside the web processes, sharing their PostgreSQL.
// Claims due deliveries with FOR UPDATE SKIP LOCKED, so any number of them can run at once.
import { closeDb, getDb } from '@/db/client';
import { checkSettings, settings, SettingsError } from '@/lib/config/settings';
import { ensureEncryptionKey } from '@/lib/crypto/encryption-key';
import { SecretUnreadableError } from '@/lib/crypto/secret-box';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { sealStoredSecrets } from '@/lib/webhooks/seal-stored-secrets';

async function main() {
  try {
    checkSettings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`[worker] ${error.message}`);
    process.exit(1);
  }
  if (!settings.databaseUrl) {
    console.error(
      'npm run worker needs DATABASE_URL (PostgreSQL). With the embedded database the web process is the only ' +
        'deliverer: the embedded database cannot be opened by a second process.',
    );
    process.exit(1);
  }
  // The worker signs deliveries: it needs the key the web processes encrypt secrets with.
  ensureEncryptionKey();
  try {
    await sealStoredSecrets(await getDb());
  } catch (error) {
    if (!(error instanceof SecretUnreadableError)) throw error;
    console.error(`[worker] ${error.message} Give every process the same HERALD_ENCRYPTION_KEY.`);
    process.exit(1);
  }
  const dispatcher = await startDispatcher();
  console.log(`[worker] delivering webhooks (instance ${dispatcher.instanceId})`);
  let isStopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (isStopping) return;
      isStopping = true;
      const timer = setTimeout(() => process.exit(0), 12_000);
      stopDispatcher()
        .then(closeDb)
        .then(
          () => {
            clearTimeout(timer);
            process.exit(0);
          },
          (error: unknown) => {
            console.error('[worker] failed to stop cleanly:', error);
            process.exit(1);
          },
        );
    });
  }
}

main().catch((error) => {
  console.error('[worker] failed to start:', error);
  process.exit(1);
});
