import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectEveryEventArrived, killAll, range, seedBurst, startChild } from '@/lib/testing/burst';
import { startReceiver, type Receiver } from '@/lib/testing/receiver';

/**
 * The server is killed with SIGKILL in the middle of a burst and started again: every event whose
 * change committed arrives at least once, and an event that arrives twice carries the same webhook-id.
 * Runs in child processes against a PGlite directory, or against PostgreSQL when TEST_DATABASE_URL is set.
 */
afterAll(killAll);

const onPostgres = Boolean(process.env.DATABASE_URL);
// 10,000 events take ~40 s on PostgreSQL; PGlite commits ~140 a second, so its run keeps a shorter burst.
const BURST = onPostgres ? 10_000 : 1_000;
// PGlite's WebAssembly heap alone is a few hundred MB (~490 MB after a 3,000-event burst).
const RSS_BOUND_MB = onPostgres ? 400 : 800;

describe('a crash in the middle of a burst', () => {
  it(
    `loses no committed event of a ${BURST}-event burst, keeps one webhook-id per event, and bounded memory`,
    { timeout: 180_000 },
    async () => {
      const receiver: Receiver = await startReceiver((_, res) => setTimeout(() => res.end('ok'), 20));
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-crash-'));
      const env = await seedBurst(onPostgres ? {} : { HERALD_DATA_DIR: dataDir }, receiver.url);
      const half = BURST / 2;

      const first = startChild({ ...env, BURST: String(BURST) });
      await first.waitFor(`committed ${half}\n`, 120_000);
      first.child.kill('SIGKILL');
      await first.exited;
      const arrivedBeforeCrash = receiver.received.length;

      // Restarted, it takes the rest of the burst and resumes what the crash left pending.
      const second = startChild({ ...env, BURST: String(half), BURST_PREFIX: 'after', REPORT: '1' });
      const report = await second.report(150_000);
      const { arrivals, duplicates } = expectEveryEventArrived(receiver, report, [
        ...range('burst', half),
        ...range('after', half),
      ]);
      // The kill left deliveries of the first process's events pending (in flight or not yet recorded): the restarted process sent them.
      expect(
        receiver.received.slice(arrivedBeforeCrash).filter((r) => r.json.project.name.startsWith('burst-'))
          .length,
      ).toBeGreaterThan(0);
      console.log(
        `crash: ${report.series.length} series, ${arrivals} arrivals (${duplicates} repeated), restarted process peak RSS ${report.peakRssMb} MB`,
      );
      expect(report.peakRssMb).toBeLessThan(RSS_BOUND_MB);
      await receiver.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  );
});

describe('several delivery processes on one PostgreSQL', () => {
  it.skipIf(!onPostgres)('make each attempt exactly once', { timeout: 120_000 }, async () => {
    const receiver: Receiver = await startReceiver((_, res) => setTimeout(() => res.end('ok'), 1));
    const ids = await seedBurst({}, receiver.url);
    const workers = [startChild({ ...ids, BURST: '0' }), startChild({ ...ids, BURST: '0' })];
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    const producer = startChild({ ...ids, BURST: '400', REPORT: '1' });
    const { series } = await producer.report(100_000);
    await new Promise((r) => setTimeout(r, 500));
    workers.forEach((w) => w.child.kill('SIGKILL'));
    expect(series).toHaveLength(800);
    const arrivals = new Map<string, number>();
    for (const r of receiver.received)
      arrivals.set(String(r.headers['webhook-id']), (arrivals.get(String(r.headers['webhook-id'])) ?? 0) + 1);
    expect([...arrivals.values()].filter((n) => n > 1)).toEqual([]);
    expect(series.every((s) => arrivals.get(s.message_id) === 1)).toBe(true);
    await receiver.close();
  });
});
