import { afterAll, describe, expect, it } from 'vitest';
import { expectEveryEventArrived, killAll, range, seedBurst, startChild } from '@/lib/testing/burst';
import { hasPostgresBinaries, startPrivatePostgres } from '@/lib/testing/private-postgres';
import { startReceiver } from '@/lib/testing/receiver';

/**
 * PostgreSQL goes away in the middle of a burst and comes back: the process that produces and delivers
 * stays up, every change that committed is delivered, and none twice with different ids.
 * The test brings its own cluster, so it runs once, in the PGlite run (TEST_DATABASE_URL unset): there
 * files run two at a time, while the PostgreSQL run is serial and already carries the 10,000-event crash.
 */
afterAll(killAll);

const BURST = 3000;

describe('PostgreSQL restarted during a burst', () => {
  it.skipIf(!hasPostgresBinaries || Boolean(process.env.TEST_DATABASE_URL))(
    'loses no committed event and keeps memory bounded',
    { timeout: 180_000 },
    async () => {
      const pg = await startPrivatePostgres();
      const receiver = await startReceiver((_, res) => setTimeout(() => res.end('ok'), 5));
      try {
        const env = await seedBurst({ DATABASE_URL: pg.url }, receiver.url);
        const producer = startChild({ ...env, BURST: String(BURST), REPORT: '1' });
        await producer.waitFor(`committed ${BURST / 3}\n`, 60_000);
        // A crash of the server (no shutdown checkpoint), a second with nobody listening, then recovery.
        await pg.stop('immediate');
        await new Promise((r) => setTimeout(r, 1000));
        await pg.start();
        const report = await producer.report(150_000);
        // The outage landed in the burst: some saves failed and were tried again.
        expect(report.failed).toBeGreaterThan(0);
        const { arrivals, duplicates } = expectEveryEventArrived(receiver, report, range('burst', BURST));
        console.log(
          `pg restart: ${report.series.length} series, ${arrivals} arrivals (${duplicates} repeated), ${report.failed} failed saves, peak RSS ${report.peakRssMb} MB`,
        );
        expect(report.peakRssMb).toBeLessThan(400);
      } finally {
        await receiver.close();
        await pg.destroy();
      }
    },
  );
});
