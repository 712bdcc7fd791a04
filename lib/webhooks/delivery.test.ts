import type { UntypedJson } from '@/lib/testing/untyped-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';
import { startReceiver, type Receiver } from '@/lib/testing/receiver';
import { flaskReceiverAccepts, standardWebhooksAccepts } from '@/lib/testing/webhook-fixtures';
import { startDispatcher, stopDispatcher } from './dispatcher';

let owner: TestUser;
const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

beforeAll(async () => {
  await startDispatcher();
  owner = await createUser('hookowner', { first_name: 'Admin', last_name: 'First' });
});
afterAll(async () => {
  await stopDispatcher();
  await Promise.all(receivers.map((r) => r.close()));
});

async function projectWithWebhook(events: string[], opts: { secret?: string; target?: string } = {}) {
  const project = (
    await api.post('/api/projects', { name: 'hooked', labels: [{ name: 'label_0' }] }, { as: owner })
  ).body;
  const r = await receiver();
  const hook = await api.post(
    '/api/webhooks',
    {
      target_url: opts.target ?? r.url,
      type: 'project',
      project_id: project.id,
      events,
      secret: opts.secret ?? 'mykey',
    },
    { as: owner },
  );
  expect(hook.status).toBe(201);
  return { project, receiver: r, hook: hook.body };
}

describe('delivering events', () => {
  it('sends create:task and update:task as in the seed, signed so that the Flask receiver accepts them', async () => {
    const { project, receiver: r, hook } = await projectWithWebhook(['create:task', 'update:task']);
    const created = await api.post('/api/tasks', { name: 'task', project_id: project.id }, { as: owner });
    const [first] = await r.waitFor(1);
    expect(first.json).toEqual({
      event: 'create:task',
      task: created.body,
      webhook_id: hook.id,
      sender: created.body.owner,
    });
    expect(Object.keys(first.json)).toEqual(['event', 'task', 'webhook_id', 'sender']);

    const renamed = await api.patch(
      `/api/tasks/${created.body.id}`,
      { name: 'new task name' },
      { as: owner },
    );
    const [, second] = await r.waitFor(2);
    expect(second.json.event).toBe('update:task');
    expect(second.json.task).toEqual(renamed.body);
    expect(second.json.before_update).toEqual({ name: 'task' });
    expect(second.json.changes).toEqual({ name: { from: 'task', to: 'new task name' } });
    expect(second.json.sender).toEqual({
      url: owner.auth && created.body.owner.url,
      id: owner.id,
      username: owner.username,
      first_name: 'Admin',
      last_name: 'First',
    });

    for (const request of [first, second]) {
      expect(flaskReceiverAccepts('mykey', request.headers, request.body)).toBe(true);
      expect(flaskReceiverAccepts('otherkey', request.headers, request.body)).toBe(false);
      expect(standardWebhooksAccepts('mykey', request.headers, request.body)).toBe(true);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toMatch(/^Herald-Webhooks\//);
      expect(request.headers['x-herald-webhook-id']).toBe(String(hook.id));
      // Standard Webhooks' message id: a prefix and 16 random bytes, base64url.
      expect(request.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    }
    expect(first.headers['x-herald-event']).toBe('create:task');
    expect(first.headers['webhook-id']).not.toBe(second.headers['webhook-id']);

    // The deliveries API shows each attempt with the request it made and the answer it got.
    await waitUntil(async () =>
      (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results.every(
        (d: UntypedJson) => d.state === 'delivered',
      ),
    );
    const deliveries = (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body;
    expect(deliveries.count).toBe(2);
    const [latest] = deliveries.results;
    expect(latest).toMatchObject({
      webhook_id: hook.id,
      event: 'update:task',
      status_code: 200,
      redelivery: false,
      attempt: 1,
      response: 'ok',
      state: 'delivered',
      trigger: 'event',
      changed_fields: 'name',
      delivery_id: second.headers['webhook-id'],
      request: second.json,
    });
    expect(latest.request_headers['x-signature-256']).toBe(second.headers['x-signature-256']);
    expect(JSON.stringify(deliveries)).not.toContain('mykey');
    const view = await api.get(`/api/webhooks/${hook.id}`, { as: owner });
    expect(view.body.last_status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain('mykey');
  });

  it('pings within the request and returns the delivery with its status code', async () => {
    const r = await receiver((_, res) => {
      res.statusCode = 202;
      res.end('pong');
    });
    const { hook } = await projectWithWebhook(['update:project'], { target: r.url });
    const ping = await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner });
    expect(ping.status).toBe(200);
    expect(ping.body).toMatchObject({
      event: 'ping',
      status_code: 202,
      response: 'pong',
      state: 'delivered',
      trigger: 'ping',
      webhook_id: hook.id,
    });
    expect(r.received).toHaveLength(1);
    const payload = r.received[0].json;
    expect(payload.event).toBe('ping');
    expect(payload.webhook).toEqual(hook);
    expect(payload.sender.username).toBe(owner.username);
    const after = await api.get(`/api/webhooks/${hook.id}`, { as: owner });
    expect(after.body.last_status).toBe(202);
    expect(after.body.last_delivery_date).not.toBeNull();
  });

  it('retries a 500 with the same webhook-id until the receiver answers 200', async () => {
    let calls = 0;
    const r = await receiver((_, res) => {
      calls++;
      res.statusCode = calls === 1 ? 500 : 200;
      res.end(calls === 1 ? 'boom' : 'ok');
    });
    const { project, hook } = await projectWithWebhook(['update:project'], { target: r.url });
    await api.patch(`/api/projects/${project.id}`, { name: 'retry me' }, { as: owner });
    const [a, b] = await r.waitFor(2);
    expect(a.headers['webhook-id']).toBe(b.headers['webhook-id']);
    expect(a.body).toBe(b.body);
    await waitUntil(
      async () =>
        (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results[0]?.state ===
        'delivered',
    );
    const rows = (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results;
    // Each attempt says how its series stands now.
    expect(rows.map((d: UntypedJson) => [d.attempt, d.status_code, d.state])).toEqual([
      [2, 200, 'delivered'],
      [1, 500, 'delivered'],
    ]);
    expect(rows[1].delivery_id).toBe(rows[0].delivery_id);
    expect(new Date(rows[0].created_date).getTime()).toBeGreaterThan(
      new Date(rows[1].created_date).getTime(),
    );
  });

  it('turns the webhook off on 410 Gone and says why', async () => {
    const r = await receiver((_, res) => {
      res.statusCode = 410;
      res.end('gone');
    });
    const { project, hook } = await projectWithWebhook(['update:project'], { target: r.url });
    await api.patch(`/api/projects/${project.id}`, { name: 'gone' }, { as: owner });
    await r.waitFor(1);
    await waitUntil(
      async () => (await api.get(`/api/webhooks/${hook.id}`, { as: owner })).body.is_active === false,
    );
    const view = (await api.get(`/api/webhooks/${hook.id}`, { as: owner })).body;
    expect(view.disabled_reason).toMatch(/410 Gone/);
    await api.patch(`/api/projects/${project.id}`, { name: 'gone again' }, { as: owner });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(r.received).toHaveLength(1);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

describe('failures, limits and the SSRF guard', () => {
  it('honours Retry-After on 429', async () => {
    const r = await receiver((req, res) => {
      if (r.received.length === 1) {
        res.statusCode = 429;
        res.setHeader('retry-after', '1');
        res.end('slow down');
      } else res.end('ok');
    });
    const { project } = await projectWithWebhook(['update:project'], { target: r.url });
    await api.patch(`/api/projects/${project.id}`, { name: 'rate limited' }, { as: owner });
    const [a, b] = await r.waitFor(2, 5000);
    expect(b.at - a.at).toBeGreaterThanOrEqual(950);
    expect(b.headers['webhook-id']).toBe(a.headers['webhook-id']);
  });

  it('records a receiver that never answers as a 504 timeout, and a closed port as a 502, and retries both', async () => {
    const hanging = await receiver(() => {
      // never answers
    });
    const { project, hook } = await projectWithWebhook(['update:project'], { target: hanging.url });
    const closed = await receiver();
    await closed.close();
    const refused = await api.post(
      '/api/webhooks',
      { target_url: closed.url, type: 'project', project_id: project.id, events: ['update:project'] },
      { as: owner },
    );
    const started = Date.now();
    expect(
      (await api.patch(`/api/projects/${project.id}`, { name: 'nobody home' }, { as: owner })).status,
    ).toBe(200);
    // The user's request does not wait for receivers.
    expect(Date.now() - started).toBeLessThan(1000);
    await waitUntil(
      async () =>
        (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results.some(
          (d: UntypedJson) => d.status_code === 504,
        ),
      8000,
    );
    await waitUntil(
      async () =>
        (await api.get(`/api/webhooks/${refused.body.id}/deliveries`, { as: owner })).body.count >= 2,
      8000,
    );
    const timedOut = (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results.find(
      (d: UntypedJson) => d.status_code === 504,
    );
    expect(timedOut.response).toMatch(/Timed out/);
    const down = (await api.get(`/api/webhooks/${refused.body.id}/deliveries`, { as: owner })).body.results;
    expect(down.find((d: UntypedJson) => d.attempt === 1)).toMatchObject({
      status_code: 502,
      state: 'failed',
    });
    expect(down.find((d: UntypedJson) => d.attempt === 1).response).toMatch(/ECONNREFUSED/);
    expect(down.find((d: UntypedJson) => d.attempt === 2)).toBeTruthy();
  });

  it('refuses loopback targets outside the allow list when saved, and says how to allow them', async () => {
    const project = (await api.post('/api/projects', { name: 'ssrf' }, { as: owner })).body;
    const reply = await api.post(
      '/api/webhooks',
      {
        target_url: 'http://127.0.0.2:9/hook',
        type: 'project',
        project_id: project.id,
        events: ['update:project'],
      },
      { as: owner },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.target_url[0]).toMatch(/127\.0\.0\.2, a loopback address/);
    expect(reply.body.target_url[0]).toMatch(/WEBHOOK_ALLOWED_TARGETS/);
    const v6 = await api.post(
      '/api/webhooks',
      {
        target_url: 'http://[::ffff:127.0.0.2]:9/',
        type: 'project',
        project_id: project.id,
        events: ['update:project'],
      },
      { as: owner },
    );
    expect(v6.status).toBe(400);
  });

  it('refuses a host name that resolves outside the allow list, at save and at send time', async () => {
    const project = (await api.post('/api/projects', { name: 'ssrf-dns' }, { as: owner })).body;
    const r = await receiver();
    const hookByName = await api.post(
      '/api/webhooks',
      {
        target_url: `http://localhost:${r.port}/hook`,
        type: 'project',
        project_id: project.id,
        events: ['update:project'],
      },
      { as: owner },
    );
    expect(hookByName.status).toBe(201);
    const original = process.env.WEBHOOK_ALLOWED_TARGETS;
    process.env.WEBHOOK_ALLOWED_TARGETS = '127.0.0.2/32';
    try {
      const atSave = await api.post(
        '/api/webhooks',
        {
          target_url: `http://localhost:${r.port}/hook`,
          type: 'project',
          project_id: project.id,
          events: ['update:project'],
        },
        { as: owner },
      );
      expect(atSave.status).toBe(400);
      expect(atSave.body.target_url[0]).toMatch(/localhost resolves to/);
      await api.patch(`/api/projects/${project.id}`, { name: 'ssrf-dns-2' }, { as: owner });
      await waitUntil(
        async () =>
          (await api.get(`/api/webhooks/${hookByName.body.id}/deliveries`, { as: owner })).body.results[0]
            ?.state === 'failed',
      );
      const [row] = (await api.get(`/api/webhooks/${hookByName.body.id}/deliveries`, { as: owner })).body
        .results;
      expect(row.response).toMatch(/WEBHOOK_ALLOWED_TARGETS/);
      expect(row.status_code).toBeNull();
      // Refused is no answer from the receiver: it counts among the network failures, and is not retried.
      expect(
        (await api.get(`/api/webhooks/${hookByName.body.id}/deliveries?status=network`, { as: owner })).body
          .count,
      ).toBe(1);
      expect(row.next_attempt_date).toBeNull();
      expect(r.received).toHaveLength(0);
    } finally {
      process.env.WEBHOOK_ALLOWED_TARGETS = original;
    }
  });

  it('does not follow a redirect, even to an allowed address, and names where it pointed', async () => {
    const r = await receiver((_, res) => {
      res.statusCode = 302;
      res.setHeader('location', 'http://127.0.0.2:9/internal');
      res.end();
    });
    const { project, hook } = await projectWithWebhook(['update:project'], { target: r.url });
    await api.patch(`/api/projects/${project.id}`, { name: 'redirected' }, { as: owner });
    await waitUntil(
      async () =>
        (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results[0]?.state ===
        'failed',
    );
    const rows = (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results;
    expect(rows).toHaveLength(1);
    expect(rows[0].status_code).toBe(302);
    expect(rows[0].response).toMatch(/http:\/\/127\.0\.0\.2:9\/internal/);
    expect(rows[0].next_attempt_date).toBeNull();
  });

  it('keeps 64 KiB of a large response and marks it truncated', async () => {
    const r = await receiver((_, res) => res.end('x'.repeat(200 * 1024)));
    const { hook } = await projectWithWebhook(['update:project'], { target: r.url });
    const ping = await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner });
    expect(ping.body.status_code).toBe(200);
    expect(ping.body.response.length).toBeLessThan(64 * 1024 + 100);
    expect(ping.body.response.endsWith('[truncated at 64 KiB]')).toBe(true);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const first = 'whsec_' + Buffer.alloc(24, 1).toString('base64');
    const second = 'whsec_' + Buffer.alloc(24, 2).toString('base64');
    const { project, receiver: r, hook } = await projectWithWebhook(['update:project'], { secret: first });
    await api.patch(`/api/webhooks/${hook.id}`, { secret: second }, { as: owner });
    await api.patch(`/api/projects/${project.id}`, { name: 'rotated' }, { as: owner });
    const [request] = await r.waitFor(1);
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(standardWebhooksAccepts(second, request.headers, request.body)).toBe(true);
    expect(standardWebhooksAccepts(first, request.headers, request.body)).toBe(true);
    expect(flaskReceiverAccepts(second, request.headers, request.body)).toBe(true);
  });
});

describe('housekeeping', () => {
  it('turns off a webhook whose attempts have all failed for the configured time, with the reason', async () => {
    const r = await receiver((_, res) => {
      res.statusCode = 503;
      res.end('down');
    });
    const { project, hook } = await projectWithWebhook(['update:project'], { target: r.url });
    process.env.WEBHOOK_DISABLE_AFTER_FAILING_SECONDS = '1';
    try {
      await api.patch(`/api/projects/${project.id}`, { name: 'failing 1' }, { as: owner });
      await r.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await api.patch(`/api/projects/${project.id}`, { name: 'failing 2' }, { as: owner });
      await waitUntil(
        async () => (await api.get(`/api/webhooks/${hook.id}`, { as: owner })).body.is_active === false,
        8000,
      );
      const view = (await api.get(`/api/webhooks/${hook.id}`, { as: owner })).body;
      expect(view.disabled_reason).toMatch(/every attempt failed for 1 seconds/);
      // Turning it back on clears the reason.
      const back = await api.patch(`/api/webhooks/${hook.id}`, { is_active: true }, { as: owner });
      expect(back.body).toMatchObject({ is_active: true, disabled_reason: null });
    } finally {
      delete process.env.WEBHOOK_DISABLE_AFTER_FAILING_SECONDS;
    }
  });

  it('removes delivery records past retention, never pending ones', async () => {
    const { project, receiver: r, hook } = await projectWithWebhook(['update:project']);
    await api.patch(`/api/projects/${project.id}`, { name: 'old news' }, { as: owner });
    await r.waitFor(1);
    await waitUntil(
      async () =>
        (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results[0]?.state ===
        'delivered',
    );
    const { getDb } = await import('@/db/client');
    const { runMaintenance } = await import('./maintenance');
    const { listAttemptPartitions } = await import('./queue');
    const db = await getDb();
    // A second change that the receiver asks to retry in an hour: it stays pending.
    r.setResponder((_, res) => {
      res.writeHead(503, { 'retry-after': '3600' });
      res.end('later');
    });
    await api.patch(`/api/projects/${project.id}`, { name: 'still owed' }, { as: owner });
    await r.waitFor(2);
    await waitUntil(
      async () =>
        (await api.get(`/api/webhooks/${hook.id}/messages?state=pending`, { as: owner })).body.count === 1,
    );
    const before = (await listAttemptPartitions(db)).map((p) => p.name);
    // Forty days later, from the point of view of retention (the partitions ahead are made first).
    const { dropped, series } = await runMaintenance(db, Date.now() + 40 * 24 * 3600 * 1000);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((name) => before.includes(name))).toBe(true);
    expect(series).toBeGreaterThanOrEqual(1);
    const attempts = (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body;
    expect(attempts.count).toBe(0);
    const left = (await api.get(`/api/webhooks/${hook.id}/messages`, { as: owner })).body.results;
    expect(left.map((m: UntypedJson) => [m.state, m.request.project.name])).toEqual([
      ['pending', 'still owed'],
    ]);
    // The partitions of the days to come are back for the tests that follow.
    const { ensureAttemptPartitions } = await import('./queue');
    await ensureAttemptPartitions(db);
  });
});

describe('receivers that misbehave', () => {
  it('cuts a receiver that answers one byte a second at the request timeout, and retries', async () => {
    const r = await receiver((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 1000);
      res.on('close', () => clearInterval(timer));
    });
    const { project, hook } = await projectWithWebhook(['update:project'], { target: r.url });
    await api.patch(`/api/projects/${project.id}`, { name: 'trickle' }, { as: owner });
    await waitUntil(
      async () =>
        (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results.some(
          (d: UntypedJson) => d.status_code === 504,
        ),
      8000,
    );
    const rows = (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results;
    const timedOut = rows.find((d: UntypedJson) => d.status_code === 504);
    // Its series waits for the retry.
    expect(timedOut.state).toBe('pending');
    expect(timedOut.next_attempt_date).not.toBeNull();
    expect(timedOut.request_duration).toBeLessThan(5000);
  });

  it('reads 64 KiB of a 50 MB answer and no more', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'y');
    let sent = 0;
    const r = await receiver((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(50 * chunk.length) });
      const pump = () => {
        while (sent < 50 * chunk.length) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = Infinity));
      pump();
    });
    const { hook } = await projectWithWebhook(['update:project'], { target: r.url });
    const rss = process.memoryUsage().rss;
    const ping = await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner });
    expect(ping.body.status_code).toBe(200);
    expect(ping.body.response.endsWith('[truncated at 64 KiB]')).toBe(true);
    expect(ping.body.response.length).toBeLessThan(64 * 1024 + 100);
    // The rest of the body was never read into memory.
    expect(process.memoryUsage().rss - rss).toBeLessThan(40 * 1024 * 1024);
  });

  it('delivers to a receiver that was down once it is back on its port', async () => {
    const first = await receiver();
    const port = first.port;
    await first.close();
    const { project, hook } = await projectWithWebhook(['update:project'], {
      target: `http://127.0.0.1:${port}/hook`,
    });
    await api.patch(`/api/projects/${project.id}`, { name: 'while down' }, { as: owner });
    await waitUntil(async () =>
      (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results.some(
        (d: UntypedJson) => d.status_code === 502,
      ),
    );
    // Back up on the same port: the next retry gets through, with the same webhook-id.
    const { createServer } = await import('node:http');
    const arrivals: { id: string; body: string }[] = [];
    const back = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        arrivals.push({ id: String(req.headers['webhook-id']), body });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
    try {
      await waitUntil(async () => arrivals.length > 0, 8000);
      const rows = (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results;
      expect(arrivals[0].id).toBe(rows[0].delivery_id);
      expect(JSON.parse(arrivals[0].body).project.name).toBe('while down');
      await waitUntil(
        async () =>
          (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results[0].state ===
          'delivered',
      );
    } finally {
      back.closeAllConnections();
      await new Promise((resolve) => back.close(resolve));
    }
  });

  it('sends one endpoint its deliveries in commit order, also once it is at its in-flight cap, without waiting for the timer', async () => {
    // A cap of 2 and a receiver that takes 30 ms: most updates find the endpoint full and queue in the
    // table. A timer of 5 s: the backlog must drain as slots free up, not one timer tick at a time.
    await stopDispatcher();
    Object.assign(process.env, { WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT: '2', WEBHOOK_POLL_INTERVAL_MS: '5000' });
    await startDispatcher();
    try {
      const slow = await receiver((_, res) => setTimeout(() => res.end('ok'), 30));
      const { project } = await projectWithWebhook(['update:project'], { target: slow.url });
      const started = Date.now();
      for (let i = 0; i < 20; i++)
        await api.patch(`/api/projects/${project.id}`, { name: `step ${i}` }, { as: owner });
      await slow.waitFor(20, 4000);
      expect(Date.now() - started).toBeLessThan(4000);
      const names = slow.received.map((r) => Number(/step (\d+)/.exec(r.json.project.name)![1]));
      // Two in flight at a time may arrive swapped; none may overtake by more.
      names.forEach((n, i) => expect(Math.abs(n - i)).toBeLessThanOrEqual(1));
      expect(new Set(names).size).toBe(20);
    } finally {
      await stopDispatcher();
      delete process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT;
      process.env.WEBHOOK_POLL_INTERVAL_MS = '50';
      await startDispatcher();
    }
  });

  it('sends every delivery within seconds when concurrent changes keep a one-request endpoint full', async () => {
    // Eight writers on eight projects, one organization webhook allowed one request at a time: rows
    // written with room find none at commit and go back to the table; none may wait for a lease to pass.
    const { createTeam } = await import('@/lib/testing/fixtures');
    const { owner: boss, org } = await createTeam();
    await stopDispatcher();
    process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT = '1';
    await startDispatcher();
    try {
      const slow = await receiver((_, res) => setTimeout(() => res.end('ok'), 5));
      const hook = await api.post(
        `/api/webhooks?org=${org.slug}`,
        { target_url: slow.url, type: 'organization', events: ['update:project'] },
        { as: boss },
      );
      expect(hook.status).toBe(201);
      const projects = await Promise.all(
        [...Array(8).keys()].map(
          async (i) =>
            (await api.post(`/api/projects?org=${org.slug}`, { name: `p${i}` }, { as: boss })).body,
        ),
      );
      const started = Date.now();
      await Promise.all(
        projects.map(async (p) => {
          for (let i = 0; i < 10; i++)
            await api.patch(
              `/api/projects/${p.id}?org=${org.slug}`,
              { name: `${p.name} ${i}` },
              { as: boss },
            );
        }),
      );
      await slow.waitFor(80, 10_000);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await stopDispatcher();
      delete process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT;
      await startDispatcher();
    }
  });
});
