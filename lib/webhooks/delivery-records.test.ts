import type { UntypedJson } from '@/lib/testing/untyped-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';
import { receiverPool, waitUntil } from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from './dispatcher';

let owner: TestUser;
const pool = receiverPool();

beforeAll(async () => {
  await startDispatcher();
  owner = await createUser('records');
});
afterAll(async () => {
  await stopDispatcher();
  await pool.closeAll();
});

const get = (path: string) => api.get(path, { as: owner });

async function projectHook(target: string, extra: Record<string, unknown> = {}) {
  const project = (await api.post('/api/projects', { name: 'records' }, { as: owner })).body;
  const hook = await api.post(
    '/api/webhooks',
    {
      target_url: target,
      type: 'project',
      project_id: project.id,
      events: ['update:project', 'delete:project'],
      ...extra,
    },
    { as: owner },
  );
  expect(hook.status).toBe(201);
  return { project, hook: hook.body };
}

describe('the deliveries list', () => {
  it('right after a change holds only attempts actually made, with the answer and when they were sent', async () => {
    // The first answer takes 400 ms and fails; the retry is sent after it, and answered at once.
    const r = await pool.start((req, res) => {
      if (r.received.length === 1) setTimeout(() => ((res.statusCode = 500), res.end('slow failure')), 400);
      else res.end('ok');
    });
    const { project, hook } = await projectHook(r.url);
    const before = Date.now();
    await api.patch(`/api/projects/${project.id}`, { name: 'watched' }, { as: owner });
    // Queued, not attempted yet: the series is there, no delivery row is.
    const early = (await get(`/api/webhooks/${hook.id}/deliveries`)).body;
    expect(early.count).toBe(0);
    const series = (await get(`/api/webhooks/${hook.id}/messages`)).body.results;
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({
      event: 'update:project',
      trigger: 'event',
      attempts: 0,
      last_status_code: null,
      resource: { type: 'project', id: project.id },
    });
    await r.waitFor(2);
    await waitUntil(async () => (await get(`/api/webhooks/${hook.id}/deliveries`)).body.count === 2);
    const [retry, first] = (await get(`/api/webhooks/${hook.id}/deliveries`)).body.results;
    expect(first).toMatchObject({
      status_code: 500,
      response: 'slow failure',
      state: 'delivered',
      attempt: 1,
      delivery_id: series[0].delivery_id,
    });
    expect(retry).toMatchObject({
      status_code: 200,
      response: 'ok',
      state: 'delivered',
      attempt: 2,
      delivery_id: series[0].delivery_id,
    });
    expect(first.request_duration).toBeGreaterThanOrEqual(390);
    // created_date is when each request left, not when the series was queued; updated_date when its answer came.
    const firstSent = new Date(first.created_date).getTime();
    const retrySent = new Date(retry.created_date).getTime();
    expect(firstSent).toBeGreaterThanOrEqual(before - 5);
    expect(firstSent).toBeLessThanOrEqual(r.received[0].at);
    expect(new Date(first.updated_date).getTime() - firstSent).toBe(first.request_duration);
    expect(retrySent).toBeGreaterThanOrEqual(new Date(first.updated_date).getTime());
    expect(retrySent).toBeLessThanOrEqual(r.received[1].at);
    for (const [attempt, request] of [
      [first, r.received[0]],
      [retry, r.received[1]],
    ] as const) {
      expect(attempt.request_headers['webhook-timestamp']).toBe(
        String(Math.floor(new Date(attempt.created_date).getTime() / 1000)),
      );
      expect(attempt.request_headers['webhook-timestamp']).toBe(request.headers['webhook-timestamp']);
      expect(attempt.request_headers['webhook-id']).toBe(request.headers['webhook-id']);
    }
  });
});

describe('the messages list', () => {
  it('groups the attempts of each series, filters them, and keeps a redelivery under the same delivery id', async () => {
    let calls = 0;
    const r = await pool.start((_, res) => {
      calls++;
      res.statusCode = calls === 1 ? 500 : 200;
      res.end(calls === 1 ? 'boom' : 'ok');
    });
    const { project, hook } = await projectHook(r.url);
    await api.patch(`/api/projects/${project.id}`, { name: 'first' }, { as: owner });
    await r.waitFor(2);
    await api.patch(`/api/projects/${project.id}`, { name: 'second' }, { as: owner });
    await r.waitFor(3);
    await waitUntil(
      async () => (await get(`/api/webhooks/${hook.id}/messages?state=delivered`)).body.count === 2,
    );
    const series = (await get(`/api/webhooks/${hook.id}/messages`)).body.results;
    expect(
      series.map((s: UntypedJson) => [s.request.project.name, s.attempts, s.last_status_code, s.state]),
    ).toEqual([
      ['second', 1, 200, 'delivered'],
      ['first', 2, 200, 'delivered'],
    ]);
    const retried = series[1];
    const one = (await get(`/api/webhooks/${hook.id}/messages/${retried.delivery_id}`)).body;
    expect(one.history.map((a: UntypedJson) => [a.attempt, a.status_code])).toEqual([
      [2, 200],
      [1, 500],
    ]);
    expect(one.history.every((a: UntypedJson) => a.delivery_id === retried.delivery_id)).toBe(true);

    // Filters on both lists.
    expect(
      (await get(`/api/webhooks/${hook.id}/deliveries?status=5xx`)).body.results.map(
        (a: UntypedJson) => a.response,
      ),
    ).toEqual(['boom']);
    expect((await get(`/api/webhooks/${hook.id}/deliveries?status=200`)).body.count).toBe(2);
    expect(
      (await get(`/api/webhooks/${hook.id}/deliveries?delivery_id=${retried.delivery_id}`)).body.count,
    ).toBe(2);
    expect((await get(`/api/webhooks/${hook.id}/messages?status=5xx`)).body.count).toBe(0);
    expect(
      (await get(`/api/webhooks/${hook.id}/messages?resource_type=project&resource_id=${project.id}`)).body
        .count,
    ).toBe(2);
    expect((await get(`/api/webhooks/${hook.id}/messages?resource_type=task`)).body.count).toBe(0);
    expect((await get(`/api/webhooks/${hook.id}/messages?event=delete:project`)).body.count).toBe(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await get(`/api/webhooks/${hook.id}/deliveries?since=${future}`)).body.count).toBe(0);
    expect((await get(`/api/webhooks/${hook.id}/messages?until=${future}`)).body.count).toBe(2);

    // Redelivery from an attempt: a new series, same message and webhook-id, its history grows.
    const [firstAttempt] = one.history.slice(-1);
    expect(
      (
        await api.post(`/api/webhooks/${hook.id}/deliveries/${firstAttempt.id}/redelivery`, undefined, {
          as: owner,
        })
      ).status,
    ).toBe(200);
    await r.waitFor(4);
    expect(r.received[3].body).toBe(r.received[0].body);
    expect(r.received[3].headers['webhook-id']).toBe(r.received[0].headers['webhook-id']);
    await waitUntil(
      async () =>
        (await get(`/api/webhooks/${hook.id}/messages/${retried.delivery_id}`)).body.history.length === 3,
    );
    const again = (await get(`/api/webhooks/${hook.id}/messages/${retried.delivery_id}`)).body;
    expect(again).toMatchObject({ trigger: 'redelivery', redelivery: true, state: 'delivered', attempts: 1 });
    expect((await get(`/api/webhooks/${hook.id}/messages`)).body.count).toBe(3);
  });

  it('answers 400 naming the filter for a bad one, and 404 for an unknown delivery id', async () => {
    const { hook } = await projectHook('http://127.0.0.1:9/never');
    for (const list of ['deliveries', 'messages']) {
      for (const [query, field] of [
        ['state=refused', 'state'],
        ['status=7xx', 'status'],
        ['status=abc', 'status'],
        ['delivery_id=nope', 'delivery_id'],
        ['resource_type=planet', 'resource_type'],
        ['since=yesterday', 'since'],
        ['until=2026-13-45', 'until'],
        ['event=explode:project', 'event'],
        ['outcome=maybe', 'outcome'],
      ]) {
        const reply = await get(`/api/webhooks/${hook.id}/${list}?${query}`);
        expect(reply.status, `${list}?${query}`).toBe(400);
        expect(Object.keys(reply.body)).toEqual([field]);
      }
    }
    expect((await get(`/api/webhooks/${hook.id}/messages/msg_${'A'.repeat(22)}`)).status).toBe(404);
    expect((await get(`/api/webhooks/${hook.id}/messages/not-an-id`)).status).toBe(404);
  });
});

describe('pings', () => {
  it('wait for a free slot of the endpoint in-flight cap like any delivery', async () => {
    await stopDispatcher();
    process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT = '1';
    await startDispatcher();
    try {
      let open = 0;
      let most = 0;
      const r = await pool.start((_, res) => {
        most = Math.max(most, ++open);
        setTimeout(() => {
          open--;
          res.end('pong');
        }, 100);
      });
      const { hook } = await projectHook(r.url);
      const pings = await Promise.all(
        [...Array(5)].map(() => api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner })),
      );
      expect(pings.map((p) => [p.status, p.body.status_code])).toEqual([...Array(5)].map(() => [200, 200]));
      expect(r.received).toHaveLength(5);
      expect(most).toBe(1);
    } finally {
      await stopDispatcher();
      delete process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT;
      await startDispatcher();
    }
  });
});

describe('the bytes of a series', () => {
  it('are the same at every attempt, also after the dispatcher restarted between them', async () => {
    let calls = 0;
    const r = await pool.start((_, res) => {
      calls++;
      res.statusCode = calls <= 2 ? 503 : 200;
      res.end();
    });
    const { project, hook } = await projectHook(r.url, { secret: 'bytes' });
    await api.patch(
      `/api/projects/${project.id}`,
      { name: 'same bytes ✓ "quoted" \\ and \u00e9' },
      { as: owner },
    );
    await r.waitFor(1);
    await stopDispatcher();
    await startDispatcher();
    await r.waitFor(3, 10_000);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    expect(r.received[0].json.project.name).toBe('same bytes ✓ "quoted" \\ and \u00e9');
    await waitUntil(async () => (await get(`/api/webhooks/${hook.id}/deliveries`)).body.count === 3);
    const attempts = (await get(`/api/webhooks/${hook.id}/deliveries`)).body.results;
    expect(attempts.map((a: UntypedJson) => a.request_headers['x-signature-256'])).toEqual(
      r.received.map((x) => x.headers['x-signature-256']).reverse(),
    );
  });
});
