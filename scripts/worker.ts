// `npm run worker`: an extra delivery process beside the web processes, sharing their PostgreSQL.
// Claims due deliveries with FOR UPDATE SKIP LOCKED, so any number of them can run at once.
import { closeDb, getDb } from '@/db/client';
import { settings } from '@/lib/config/settings';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';

async function main() {
  if (!settings.databaseUrl) {
    console.error(
      'npm run worker needs DATABASE_URL (PostgreSQL). With the embedded database the web process is the only ' +
        'deliverer: the embedded database cannot be opened by a second process.',
    );
    process.exit(1);
  }
  await getDb();
  const dispatcher = await startDispatcher();
  console.log(`[worker] delivering webhooks (instance ${dispatcher.instanceId})`);
  let isStopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, async () => {
      if (isStopping) return;
      isStopping = true;
      const timer = setTimeout(() => process.exit(0), 12_000);
      await stopDispatcher();
      await closeDb();
      clearTimeout(timer);
      process.exit(0);
    });
  }
}

main().catch((error) => {
  console.error('[worker] failed to start:', error);
  process.exit(1);
});
