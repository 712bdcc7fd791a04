import type { UntypedJson } from '@/lib/testing/untyped-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild, killAll } from '@/lib/testing/burst';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';
import { receiverPool } from '@/lib/testing/webhook-helpers';
import { getDispatcher, startDispatcher, stopDispatcher } from './dispatcher';

let owner: TestUser;
const pool = receiverPool();

beforeAll(async () => {
  await startDispatcher();
  owner = await createUser('ordering');
});
afterAll(async () => {
  killAll();
  await stopDispatcher();
  await pool.closeAll();
});

async function hookedProject(target: string, extra: Record<string, unknown>) {
  const project = (await api.post('/api/projects', { name: 'ordered' }, { as: owner })).body;
  const hook = await api.post(
    '/api/webhooks',
    { target_url: target, type: 'project', project_id: project.id, events: ['update:project'], ...extra },
    { as: owner },
  );
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  return { project, hook: hook.body };
}

const step = (r: { json: UntypedJson }) => Number(/step (\d+)/.exec(r.json.project.name)![1]);

describe('ordering: fifo', () => {
  it('sends one series at a time in commit order, and a failed one holds the rest until its retry is delivered', async () => {
    let calls = 0;
    let open = 0;
    let most = 0;
    const r = await pool.start((_, res) => {
      most = Math.max(most, ++open);
      calls++;
      setTimeout(() => {
        open--;
        res.statusCode = calls === 1 ? 500 : 200;
        res.end();
      }, 10);
    });
    const { project, hook } = await hookedProject(r.url, { ordering: 'fifo' });
    expect(hook).toMatchObject({ ordering: 'fifo', rate_limit: null });
    for (let i = 0; i < 15; i++)
      await api.patch(`/api/projects/${project.id}`, { name: `step ${i}` }, { as: owner });
    await r.waitFor(16, 15_000);
    // The first failed and was retried before anything else left: 0, 0, 1, 2, ...
    expect(r.received.map(step)).toEqual([0, 0, ...Array.from({ length: 14 }, (_, i) => i + 1)]);
    expect(most).toBe(1);
  });

  it('is refused with a message for an unknown value', async () => {
    const { hook } = await hookedProject('http://127.0.0.1:9/never', {});
    const reply = await api.patch(`/api/webhooks/${hook.id}`, { ordering: 'random' }, { as: owner });
    expect(reply.status).toBe(400);
    expect(reply.body.ordering[0]).toMatch(/unordered or fifo/);
    const bad = await api.patch(`/api/webhooks/${hook.id}`, { rate_limit: 0 }, { as: owner });
    expect(Object.keys(bad.body)).toEqual(['rate_limit']);
    expect((await api.patch(`/api/webhooks/${hook.id}`, { rate_limit: 2.5 }, { as: owner })).status).toBe(
      400,
    );
    expect((await api.get(`/api/webhooks/${hook.id}`, { as: owner })).body).toMatchObject({
      ordering: 'unordered',
      rate_limit: null,
    });
  });
});

/** The most arrivals in any `span` ms. */
function busiest(times: number[], span: number) {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= span) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('rate_limit', () => {
  it(
    'holds the endpoint to its requests per second while an unlimited one goes at full speed',
    { timeout: 60_000 },
    async () => {
      const limited = await pool.start();
      const free = await pool.start();
      const { project, hook } = await hookedProject(limited.url, { rate_limit: 10 });
      const other = await api.post(
        '/api/webhooks',
        { target_url: free.url, type: 'project', project_id: project.id, events: ['update:project'] },
        { as: owner },
      );
      expect(hook.rate_limit).toBe(10);
      const started = Date.now();
      for (let i = 0; i < 40; i++)
        await api.patch(`/api/projects/${project.id}`, { name: `step ${i}` }, { as: owner });
      await free.waitFor(40, 10_000);
      const freeDone = Date.now() - started;
      await limited.waitFor(40, 30_000);
      const times = limited.received.map((r) => r.at);
      // 40 at 10/s, with a bucket of half a second: no sooner than 3.5 s, never more than 10 in a second (and a
      // half-second burst). The limit holds when requests leave; arrivals on a loaded machine bunch by a few.
      // Unlimited, all 40 arrive within a second.
      expect(Math.max(...times) - started).toBeGreaterThanOrEqual(3400);
      expect(busiest(times, 1000)).toBeLessThanOrEqual(10 + 5 + 2);
      expect(busiest(times, 2000)).toBeLessThanOrEqual(20 + 5 + 2);
      expect(freeDone).toBeLessThan(Math.max(...times) - started);
      expect(new Set(limited.received.map(step)).size).toBe(40);
      expect(other.status).toBe(201);
    },
  );

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'is held by every delivering process together',
    { timeout: 90_000 },
    async () => {
      // A second process delivering from the same PostgreSQL (it sends whatever it claims).
      const second = startChild({ BURST: '0', ATTEMPTS: '1' });
      await second.waitFor('ready');
      const mine = getDispatcher()!.attempts;
      const r = await pool.start();
      const { project } = await hookedProject(r.url, { rate_limit: 8 });
      const started = Date.now();
      for (let i = 0; i < 48; i++)
        await api.patch(`/api/projects/${project.id}`, { name: `step ${i}` }, { as: owner });
      await r.waitFor(48, 40_000);
      const times = r.received.map((x) => x.at);
      expect(Math.max(...times) - started).toBeGreaterThanOrEqual((48 / 8 - 0.6) * 1000);
      expect(busiest(times, 2000)).toBeLessThanOrEqual(16 + 4);
      // Both processes delivered some of them.
      const theirs = Math.max(...[...second.output().matchAll(/attempts (\d+)/g)].map((m) => Number(m[1])));
      expect(theirs).toBeGreaterThan(0);
      expect(getDispatcher()!.attempts - mine).toBeGreaterThan(0);
    },
  );
});
