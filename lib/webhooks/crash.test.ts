import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '@/lib/testing/receiver';

/**
 * The server is killed with SIGKILL in the middle of a burst and started again: every event whose
 * change committed arrives at least once, and an event that arrives twice carries the same webhook-id.
 * Runs in child processes against a PGlite directory, or against PostgreSQL when TEST_DATABASE_URL is set.
 */
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

function startChild(env: Record<string, string>) {
  // One process (node with tsx's loader), so that SIGKILL hits the process that holds the database.
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/testing/burst-child.ts'], { env: { ...process.env, WEBHOOK_LEASE_SECONDS: '5', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const waitFor = (text: string, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child never printed "${text}":\n${out}`)), timeoutMs);
      const check = () => {
        if (out.includes(text)) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(check, 20);
      };
      check();
    });
  return { child, waitFor, output: () => out };
}

describe('a crash in the middle of a burst', () => {
  it('loses no committed event and keeps one webhook-id per event', { timeout: 180_000 }, async () => {
    // A slow receiver keeps a backlog, so that the kill lands with deliveries still pending.
    const receiver: Receiver = await startReceiver((_, res) => setTimeout(() => res.end('ok'), 200));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-crash-'));
    const env: Record<string, string> = process.env.DATABASE_URL ? {} : { HERALD_DATA_DIR: dataDir };
    // A user, a project and two webhooks, seeded by the same program in its own process.
    const seeding = startChild({ ...env, SEED: '1', TARGET_URL: receiver.url });
    await new Promise((r) => seeding.child.on('exit', r));
    const fixture = JSON.parse(seeding.output().trim().split('\n').at(-1)!);

    const first = startChild({ ...env, BURST: '600', PROJECT_ID: String(fixture.projectId), USER_ID: String(fixture.userId) });
    await first.waitFor('committed 200');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.on('exit', r));
    const arrivedBeforeCrash = receiver.received.length;

    // Restarted, it resumes what was pending; once nothing is left it lists every series the database holds.
    const second = startChild({ ...env, BURST: '0', REPORT: '1', PROJECT_ID: String(fixture.projectId), USER_ID: String(fixture.userId) });
    await second.waitFor('series ', 120_000);
    const series: string[] = JSON.parse(/series (.*)/.exec(second.output())![1]);
    const arrivedIds = new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
    const missing = series.filter((id) => !arrivedIds.has(id));
    expect(missing).toEqual([]);
    // At least 201 updates committed, each to two webhooks.
    expect(series.length).toBeGreaterThanOrEqual(2 * 201);
    expect(arrivedBeforeCrash).toBeLessThan(series.length);
    // The same event to the same webhook always carries the same webhook-id.
    const idByBody = new Map<string, string>();
    for (const r of receiver.received) {
      const id = String(r.headers['webhook-id']);
      expect(idByBody.get(r.body) ?? id).toBe(id);
      idByBody.set(r.body, id);
    }
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('several delivery processes on one PostgreSQL', () => {
  it.skipIf(!process.env.DATABASE_URL)('make each attempt exactly once', { timeout: 120_000 }, async () => {
    const receiver: Receiver = await startReceiver((_, res) => setTimeout(() => res.end('ok'), 1));
    const seeding = startChild({ SEED: '1', TARGET_URL: receiver.url });
    await new Promise((r) => seeding.child.on('exit', r));
    const fixture = JSON.parse(seeding.output().trim().split('\n').at(-1)!);
    const ids = { PROJECT_ID: String(fixture.projectId), USER_ID: String(fixture.userId) };
    const workers = [startChild({ ...ids, BURST: '0' }), startChild({ ...ids, BURST: '0' })];
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    const producer = startChild({ ...ids, BURST: '400', REPORT: '1' });
    await producer.waitFor('series ', 100_000);
    const series: string[] = JSON.parse(/series (.*)/.exec(producer.output())![1]);
    await new Promise((r) => setTimeout(r, 500));
    workers.forEach((w) => w.child.kill('SIGKILL'));
    expect(series).toHaveLength(800);
    const arrivals = new Map<string, number>();
    for (const r of receiver.received) arrivals.set(String(r.headers['webhook-id']), (arrivals.get(String(r.headers['webhook-id'])) ?? 0) + 1);
    expect([...arrivals.values()].filter((n) => n > 1)).toEqual([]);
    expect(series.every((id) => arrivals.get(id) === 1)).toBe(true);
    await receiver.close();
  });
});
