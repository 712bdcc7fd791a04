import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, startChild } from '@/lib/testing/burst';
import { createTeam } from '@/lib/testing/fixtures';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';
import { receiverPool, waitUntil } from '@/lib/testing/webhook-helpers';
import { getDeliveryDb, listenOnDatabase } from '@/db/client';
import type { AttemptResult } from './delivery-types';
import { startDispatcher, stopDispatcher } from './dispatcher';
import { PAUSE_CHANNEL, readPauses } from './endpoint-health';
import { recordAttempts } from './record-attempts';

/**
 * operations.md, "Endpoint health" and "Recovery", against real receivers: the `health` object, the
 * pauses (a streak, a 429 with Retry-After) that no delivering process crosses, and recovery's counts,
 * filters and order.
 */
let owner: TestUser;
let stranger: TestUser;
const pool = receiverPool();

beforeAll(async () => {
  await startDispatcher();
  owner = await createUser('healthy');
  stranger = await createUser('healthstranger');
});
afterAll(async () => {
  killAll();
  await stopDispatcher();
  await pool.closeAll();
});

async function hookedProject(
  target: string,
  extra: Record<string, unknown> = {},
  events = ['update:project'],
) {
  const project = (await api.post('/api/projects', { name: 'watched' }, { as: owner })).body;
  const hook = await api.post(
    '/api/webhooks',
    { target_url: target, type: 'project', project_id: project.id, events, ...extra },
    { as: owner },
  );
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  return { project, hook: hook.body };
}

const health = async (id: number) => (await api.get(`/api/webhooks/${id}`, { as: owner })).body.health;
const ping = (id: number) => api.post(`/api/webhooks/${id}/ping`, undefined, { as: owner });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the health object', () => {
  it('starts healthy with no attempts, then counts every attempt of the last 24 h, pings included', async () => {
    let status = 200;
    const r = await pool.start((_, res) => {
      res.statusCode = status;
      res.end();
    });
    const { hook } = await hookedProject(r.url);
    expect(hook.health).toEqual({
      state: 'healthy',
      failing_since: null,
      paused_until: null,
      disabled_reason: null,
      last_success_date: null,
      success_rate_24h: null,
      attempts_24h: 0,
    });
    const ok = await ping(hook.id);
    expect(ok.body.status_code).toBe(200);
    let h = await health(hook.id);
    expect(h).toMatchObject({ state: 'healthy', failing_since: null, success_rate_24h: 1, attempts_24h: 1 });
    expect(h.last_success_date).toBe(ok.body.created_date);
    status = 500;
    const bad = await ping(hook.id);
    h = await health(hook.id);
    expect(h).toMatchObject({
      state: 'failing',
      paused_until: null,
      success_rate_24h: 0.5,
      attempts_24h: 2,
      last_success_date: ok.body.created_date,
    });
    expect(h.failing_since).toBe(bad.body.created_date);
    // The list shows the same object, computed for the whole page.
    const list = (await api.get('/api/webhooks?page_size=all', { as: owner })).body.results;
    expect(list.find((w: { id: number }) => w.id === hook.id).health).toEqual(h);
  });

  it('pauses after 5 failures in a row (5 s, then doubling), and a successful ping ends the pause and makes the waiting series due', async () => {
    let status = 503;
    const r = await pool.start((_, res) => {
      // The event's series is asked to come back in an hour: it waits, pending.
      if (status === 503) res.setHeader('retry-after', '3600');
      res.statusCode = status;
      res.end();
    });
    const { project, hook } = await hookedProject(r.url);
    await api.patch(`/api/projects/${project.id}`, { name: 'owed' }, { as: owner });
    await r.waitFor(1);
    await waitUntil(async () => (await health(hook.id)).state === 'paused', 5000, 'paused by Retry-After');
    const long = await health(hook.id);
    // Retry-After: 3600 pauses the endpoint for that long.
    expect(new Date(long.paused_until).getTime() - Date.now()).toBeGreaterThan(3500 * 1000);
    status = 500;
    for (let i = 0; i < 4; i++) await ping(hook.id);
    // Five failures in a row; the pause is the longer of the two.
    expect((await health(hook.id)).paused_until).toBe(long.paused_until);
    status = 200;
    const started = Date.now();
    expect((await ping(hook.id)).body.status_code).toBe(200);
    const back = await health(hook.id);
    expect(back).toMatchObject({ state: 'healthy', paused_until: null, failing_since: null });
    // The event waiting for its retry in an hour leaves now.
    await waitUntil(
      () => r.received.some((x) => x.json?.event === 'update:project' && r.received.indexOf(x) > 0),
      5000,
      'waiting series sent',
    );
    expect(Date.now() - started).toBeLessThan(5000);

    // A streak alone: five failures pause for 5 s, a sixth for 10 s.
    status = 500;
    for (let i = 0; i < 4; i++) await ping(hook.id);
    expect((await health(hook.id)).state).toBe('failing');
    await ping(hook.id);
    let h = await health(hook.id);
    expect(h.state).toBe('paused');
    const fifth = new Date(h.paused_until).getTime() - Date.now();
    expect(fifth).toBeGreaterThan(3000);
    expect(fifth).toBeLessThanOrEqual(5000);
    await ping(hook.id);
    h = await health(hook.id);
    const sixth = new Date(h.paused_until).getTime() - Date.now();
    expect(sixth).toBeGreaterThan(8000);
    expect(sixth).toBeLessThanOrEqual(10_000);
  });

  it('is disabled with the reason after a 410, and PATCH is_active: true clears the reason and the streak', async () => {
    const r = await pool.start((_, res) => {
      res.statusCode = 410;
      res.end();
    });
    const { project, hook } = await hookedProject(r.url);
    await api.patch(`/api/projects/${project.id}`, { name: 'gone' }, { as: owner });
    await waitUntil(async () => (await health(hook.id)).state === 'disabled', 5000, 'disabled');
    const h = await health(hook.id);
    expect(h.disabled_reason).toMatch(/410 Gone/);
    expect(h.failing_since).not.toBeNull();
    // The shell's badge reads the disabled webhooks the caller may see.
    const disabled = (await api.get('/api/webhooks?health=disabled', { as: owner })).body;
    expect(disabled.results.map((w: { id: number }) => w.id)).toContain(hook.id);
    expect(disabled.results.every((w: { health: { state: string } }) => w.health.state === 'disabled')).toBe(
      true,
    );
    expect((await api.get('/api/webhooks?health=disabled', { as: stranger })).body.count).toBe(0);
    const managed = (await api.get('/api/webhooks?health=disabled&manageable=true', { as: owner })).body
      .results;
    expect(managed.map((w: { id: number }) => w.id)).toContain(hook.id);
    expect((await api.get('/api/webhooks?manageable=maybe', { as: owner })).status).toBe(400);
    expect((await api.get('/api/webhooks?health=broken', { as: owner })).status).toBe(400);
    const on = await api.patch(`/api/webhooks/${hook.id}`, { is_active: true }, { as: owner });
    expect(on.body.disabled_reason).toBeNull();
    expect(on.body.health).toMatchObject({
      state: 'healthy',
      failing_since: null,
      paused_until: null,
      disabled_reason: null,
    });
  });
});

describe('manageable=true', () => {
  it('lists only the webhooks the caller may change (a demoted maintainer still sees the org webhook they created)', async () => {
    const t = await createTeam();
    const hook = await api.post(
      `/api/webhooks?org=${t.org.slug}`,
      { target_url: 'http://127.0.0.1:9/x', type: 'organization', events: ['update:project'] },
      { as: t.maintainer },
    );
    expect(hook.status).toBe(201);
    const demoted = await api.patch(
      `/api/memberships/${t.memberships.maintainer.id}?org=${t.org.slug}`,
      { role: 'worker' },
      { as: t.owner },
    );
    expect(demoted.status).toBe(200);
    const ids = async (user: TestUser, q: string) =>
      (await api.get(`/api/webhooks?org=${t.org.slug}${q}`, { as: user })).body.results.map(
        (w: { id: number }) => w.id,
      );
    expect(await ids(t.maintainer, '')).toEqual([hook.body.id]);
    expect(await ids(t.maintainer, '&manageable=true')).toEqual([]);
    expect(await ids(t.owner, '&manageable=true')).toEqual([hook.body.id]);
  });
});

describe('a 429 with Retry-After', () => {
  it('keeps every delivering process off the endpoint for that long', { timeout: 60_000 }, async () => {
    // On PostgreSQL a second process delivers from the same queue and must keep off it as well.
    const second = process.env.TEST_DATABASE_URL ? startChild({ BURST: '0', ATTEMPTS: '1' }) : null;
    await second?.waitFor('ready');
    let refusedAt = 0;
    const r = await pool.start((_, res) => {
      if (!refusedAt) {
        refusedAt = Date.now();
        res.writeHead(429, { 'retry-after': '2' });
        return res.end('slow down');
      }
      res.end('ok');
    });
    const { project, hook } = await hookedProject(r.url);
    await api.patch(`/api/projects/${project.id}`, { name: 'step 0' }, { as: owner });
    await waitUntil(async () => (await health(hook.id)).state === 'paused', 5000, 'paused');
    const h = await health(hook.id);
    const pausedUntil = new Date(h.paused_until).getTime();
    expect(pausedUntil - refusedAt).toBeGreaterThanOrEqual(1990);
    expect(pausedUntil - refusedAt).toBeLessThan(3000);
    // Changes made during the pause wait for its end, wherever they were committed.
    for (let i = 1; i <= 6; i++)
      await api.patch(`/api/projects/${project.id}`, { name: `step ${i}` }, { as: owner });
    await r.waitFor(8, 15_000);
    const later = r.received.slice(1).map((x) => x.at);
    expect(Math.min(...later) - refusedAt).toBeGreaterThanOrEqual(1990);
    expect(new Set(r.received.slice(1).map((x) => x.json.project.name)).size).toBe(7);
  });
});

describe('pause announcements', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'tell the other processes when a pause begins or moves, not at each record while it runs',
    async () => {
      const r = await pool.start((_, res) => res.end('ok'));
      const { hook } = await hookedProject(r.url);
      const told: number[] = [];
      const stop = await listenOnDatabase(PAUSE_CHANNEL, (payload) => {
        const until = readPauses(payload).get(hook.id);
        if (until !== undefined) told.push(until);
      });
      const db = await getDeliveryDb();
      const attempt = (o: Partial<AttemptResult>): AttemptResult => ({
        deliveryId: 0,
        webhookId: hook.id,
        attempt: 1,
        sentAt: Date.now(),
        durationMs: 3,
        statusCode: 200,
        errorKind: null,
        response: 'ok',
        responseHeaders: null,
        digests: null,
        state: 'delivered',
        retryAt: null,
        isFailure: false,
        isGone: false,
        pauseSeconds: null,
        endsPause: false,
        ...o,
      });
      const refused = (seconds: number) =>
        attempt({
          statusCode: 429,
          state: 'pending',
          isFailure: true,
          pauseSeconds: seconds,
          retryAt: new Date(),
        });
      try {
        await recordAttempts(db, [refused(30)]);
        await waitUntil(() => told.length === 1, 5_000);
        // Deliveries sent before the pause, recorded during it: the pause runs on, nobody needs telling.
        await recordAttempts(db, [attempt({})]);
        await recordAttempts(db, [attempt({})]);
        // A longer Retry-After moves the pause's end: told again, with the new end.
        await recordAttempts(db, [refused(60)]);
        await waitUntil(() => told.length === 2, 5_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(told).toHaveLength(2);
        expect(told[1] - told[0]).toBeGreaterThan(25_000);
      } finally {
        await stop();
      }
    },
  );
});

describe('a pause another process started', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'holds what this process has ready for the endpoint, not only what it claims next',
    { timeout: 60_000 },
    async () => {
      // One request in flight per endpoint and process, so that each holds series ready behind it.
      await stopDispatcher();
      process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT = '1';
      const second = startChild({ BURST: '0', ATTEMPTS: '1' });
      try {
        await startDispatcher();
        await second.waitFor('ready');
        // The first request is refused (429, Retry-After: 2) after 100 ms; the others take a second, so
        // that whoever sent one is still waiting when the pause starts, with its next series ready.
        let refusedAt = 0;
        const r = await pool.start((_, res) => {
          if (!refusedAt) {
            refusedAt = Date.now();
            return setTimeout(() => {
              res.writeHead(429, { 'retry-after': '2' });
              res.end('slow down');
            }, 100);
          }
          setTimeout(() => res.end('ok'), 1000);
        });
        const { project } = await hookedProject(r.url);
        for (let i = 0; i < 8; i++)
          await api.patch(`/api/projects/${project.id}`, { name: `step ${i}` }, { as: owner });
        await r.waitFor(9, 30_000);
        // Sent before the pause was known (its record and its announcement take a moment): allowed.
        // Sent during the pause, by either process: not.
        const during = r.received.map((x) => x.at - refusedAt).filter((t) => t > 400 && t < 1990);
        expect(during).toEqual([]);
        expect(new Set(r.received.map((x) => x.json.project.name)).size).toBe(8);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
        await stopDispatcher();
        delete process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT;
        await startDispatcher();
      }
    },
  );
});

describe('recovery', () => {
  it(
    'counts with dry_run, then queues each matching message once, in the order they were created',
    { timeout: 60_000 },
    async () => {
      let status = 200;
      const r = await pool.start((_, res) => {
        res.statusCode = status;
        res.end();
      });
      // FIFO: one request at a time, so that the receiver sees the order in which the series were queued.
      const { project, hook } = await hookedProject(r.url, { ordering: 'fifo' }, [
        'update:project',
        'create:task',
      ]);
      const since = new Date().toISOString();
      await api.patch(`/api/projects/${project.id}`, { name: 'a delivered' }, { as: owner });
      await r.waitFor(1);
      await waitUntil(
        async () =>
          (await api.get(`/api/webhooks/${hook.id}/messages?state=delivered`, { as: owner })).body.count ===
          1,
      );
      status = 400; // not retried: each series fails for good at once
      await api.patch(`/api/projects/${project.id}`, { name: 'b failed' }, { as: owner });
      const task = (await api.post('/api/tasks', { name: 'c failed', project_id: project.id }, { as: owner }))
        .body;
      await api.patch(`/api/projects/${project.id}`, { name: 'd failed' }, { as: owner });
      await r.waitFor(4);
      await waitUntil(
        async () =>
          (await api.get(`/api/webhooks/${hook.id}/messages?state=failed`, { as: owner })).body.count === 3,
      );
      const between = new Date().toISOString();

      const recover = (body: Record<string, unknown>, as = owner) =>
        api.post(`/api/webhooks/${hook.id}/recover`, body, { as });
      expect((await recover({ since, dry_run: true })).body).toEqual({ count: 3 });
      expect((await recover({ since, states: ['failed', 'delivered'], dry_run: true })).body).toEqual({
        count: 4,
      });
      expect(
        (await recover({ since, states: ['failed'], events: ['create:task'], dry_run: true })).body,
      ).toEqual({ count: 1 });
      expect((await recover({ since, until: between, states: ['delivered'], dry_run: true })).body).toEqual({
        count: 1,
      });
      expect((await recover({ since: between, dry_run: true })).body).toEqual({ count: 0 });
      // A dry run queues nothing.
      await sleep(300);
      expect(r.received).toHaveLength(4);
      expect(
        (await api.get(`/api/webhooks/${hook.id}/messages?trigger=recovery`, { as: owner })).body.count,
      ).toBe(0);

      // Bad input names the field; another user may not recover.
      const field = async (body: unknown) => {
        const reply = await api.post(`/api/webhooks/${hook.id}/recover`, body, { as: owner });
        expect(reply.status, JSON.stringify(reply.body)).toBe(400);
        return Object.keys(reply.body);
      };
      expect(await field({})).toEqual(['since']);
      expect(await field({ since: 'yesterday' })).toEqual(['since']);
      expect(await field({ since: 42 })).toEqual(['since']);
      expect(await field({ since, until: '2000-01-01T00:00:00Z' })).toEqual(['until']);
      expect(await field({ since, states: ['pending'] })).toEqual(['states']);
      expect(await field({ since, states: [] })).toEqual(['states']);
      expect(await field({ since, events: ['explode:project'] })).toEqual(['events']);
      expect(await field({ since, dry_run: 'yes' })).toEqual(['dry_run']);
      expect(await field({ since, surprise: true })).toEqual(['surprise']);
      expect((await recover({ since }, stranger)).status).toBe(403);
      expect((await api.post('/api/webhooks/999999/recover', { since }, { as: owner })).status).toBe(404);

      status = 200;
      const original = (
        await api.get(`/api/webhooks/${hook.id}/messages?state=failed&page_size=all`, { as: owner })
      ).body.results;
      expect((await recover({ since })).body).toEqual({ count: 3 });
      await r.waitFor(7, 10_000);
      const names = r.received.slice(4).map((x) => x.json.project?.name ?? x.json.task?.name);
      expect(names).toEqual(['b failed', 'c failed', 'd failed']);
      expect(r.received.slice(4).map((x) => x.json.event)).toEqual([
        'update:project',
        'create:task',
        'update:project',
      ]);
      // The stored payload, re-signed, under the webhook-id of the series it repeats.
      const ids = new Map(
        original.map((m: { delivery_id: string; request: unknown }) => [
          JSON.stringify(m.request),
          m.delivery_id,
        ]),
      );
      for (const x of r.received.slice(4)) expect(x.headers['webhook-id']).toBe(ids.get(x.body));
      expect(task.name).toBe('c failed');
      const recovered = (
        await api.get(`/api/webhooks/${hook.id}/messages?trigger=recovery&page_size=all`, { as: owner })
      ).body.results;
      expect(recovered).toHaveLength(3);
      expect(
        recovered.every(
          (m: { redelivery: boolean; trigger: string }) => m.redelivery && m.trigger === 'recovery',
        ),
      ).toBe(true);
      await waitUntil(
        async () =>
          (await api.get(`/api/webhooks/${hook.id}/messages?trigger=recovery&state=delivered`, { as: owner }))
            .body.count === 3,
      );
      const attempts = (await api.get(`/api/webhooks/${hook.id}/deliveries?trigger=recovery`, { as: owner }))
        .body.results;
      expect(
        attempts.every(
          (a: { trigger: string; redelivery: boolean }) => a.trigger === 'recovery' && a.redelivery,
        ),
      ).toBe(true);

      // Recovered now: nothing failed is left; everything since, delivered or not, is 4 messages.
      expect((await recover({ since, dry_run: true })).body).toEqual({ count: 0 });
      expect((await recover({ since, states: ['delivered', 'failed'], dry_run: true })).body).toEqual({
        count: 4,
      });
    },
  );
});
