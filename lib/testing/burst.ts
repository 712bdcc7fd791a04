import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import type { Receiver } from './receiver';

/** Herald processes (lib/testing/burst-child.ts) for the fault tests; `killAll` in afterAll. */
const children: ChildProcess[] = [];
export const killAll = () => children.forEach((c) => c.kill('SIGKILL'));

export function startChild(env: Record<string, string>) {
  // One process (node with tsx's loader), so that SIGKILL hits the process that holds the database.
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/testing/burst-child.ts'], {
    env: { ...process.env, WEBHOOK_LEASE_SECONDS: '5', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  // 'close', not 'exit': the child's output may still be in the pipe when it has exited.
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const waitFor = (text: string, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        if (out.includes(text)) resolve();
        else if (child.exitCode !== null || Date.now() > deadline)
          reject(new Error(`child never printed "${text}":\n${out.slice(-4000)}`));
        else setTimeout(check, 20);
      };
      check();
    });
  /** The child's closing report, once every delivery of the project is settled (REPORT=1). */
  const report = async (timeoutMs?: number): Promise<Report> => {
    await waitFor('report ', timeoutMs);
    // The line is long (every series): it is whole once the child, which exits after it, is gone.
    await exited;
    return JSON.parse(/^report (.*)$/m.exec(out)![1]);
  };
  return { child, waitFor, report, exited, output: () => out };
}

export type Report = {
  series: { message_id: string; name: string; delivered: boolean }[];
  committed: number;
  failed: number;
  peakRssMb: number;
};

/** A user, a project and two webhooks to `targetUrl`, seeded by the child program in its own process. */
export async function seedBurst(env: Record<string, string>, targetUrl: string) {
  const seeding = startChild({ ...env, SEED: '1', TARGET_URL: targetUrl });
  const code = await seeding.exited;
  expect(code, seeding.output()).toBe(0);
  const fixture = JSON.parse(seeding.output().trim().split('\n').at(-1)!);
  return { ...env, PROJECT_ID: String(fixture.projectId), USER_ID: String(fixture.userId) };
}

/**
 * What the fault tests promise: every committed change (`names`, as the producers counted them) reached
 * the receiver for both webhooks; every delivery series the database holds ended delivered and arrived;
 * an event that arrived twice carried the same webhook-id both times.
 */
export function expectEveryEventArrived(receiver: Receiver, report: Report, names: string[]) {
  const arrived = new Set(receiver.received.map((r) => `${r.json.webhook_id}:${r.json.project.name}`));
  const hooks = [...new Set(receiver.received.map((r) => r.json.webhook_id))];
  expect(hooks).toHaveLength(2);
  expect(names.flatMap((name) => hooks.map((h) => `${h}:${name}`)).filter((k) => !arrived.has(k))).toEqual(
    [],
  );
  expect(report.series.length).toBeGreaterThanOrEqual(2 * names.length);
  expect(report.series.filter((s) => !s.delivered)).toEqual([]);
  const ids = new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
  expect(report.series.filter((s) => !ids.has(s.message_id))).toEqual([]);
  const idByBody = new Map<string, string>();
  const bodyById = new Map<string, string>();
  let duplicates = 0;
  for (const r of receiver.received) {
    const id = String(r.headers['webhook-id']);
    if (idByBody.has(r.body)) duplicates++;
    expect(idByBody.get(r.body) ?? id).toBe(id);
    idByBody.set(r.body, id);
    // A series sent again after the restart sends the same bytes.
    expect(bodyById.get(id) ?? r.body).toBe(r.body);
    bodyById.set(id, r.body);
  }
  return { arrivals: receiver.received.length, duplicates };
}

export const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
