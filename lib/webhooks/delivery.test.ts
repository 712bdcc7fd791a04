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
  const project = (await api.post('/api/projects', { name: 'hooked', labels: [{ name: 'label_0' }] }, { as: owner })).body;
  const r = await receiver();
  const hook = await api.post(
    '/api/webhooks',
    { target_url: opts.target ?? r.url, type: 'project', project_id: project.id, events, secret: opts.secret ?? 'mykey' },
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
    expect(first.json).toEqual({ event: 'create:task', task: created.body, webhook_id: hook.id, sender: created.body.owner });
    expect(Object.keys(first.json)).toEqual(['event', 'task', 'webhook_id', 'sender']);

    const renamed = await api.patch(`/api/tasks/${created.body.id}`, { name: 'new task name' }, { as: owner });
    const [, second] = await r.waitFor(2);
    expect(second.json.event).toBe('update:task');
    expect(second.json.task).toEqual(renamed.body);
    expect(second.json.before_update).toEqual({ name: 'task' });
    expect(second.json.changes).toEqual({ name: { from: 'task', to: 'new task name' } });
    expect(second.json.sender).toEqual({ url: owner.auth && created.body.owner.url, id: owner.id, username: owner.username, first_name: 'Admin', last_name: 'First' });

    for (const request of [first, second]) {
      expect(flaskReceiverAccepts('mykey', request.headers, request.body)).toBe(true);
      expect(flaskReceiverAccepts('otherkey', request.headers, request.body)).toBe(false);
      expect(standardWebhooksAccepts('mykey', request.headers, request.body)).toBe(true);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toMatch(/^Herald-Webhooks\//);
      expect(request.headers['x-herald-webhook-id']).toBe(String(hook.id));
    }
    expect(first.headers['x-herald-event']).toBe('create:task');
    expect(first.headers['webhook-id']).not.toBe(second.headers['webhook-id']);

    // The deliveries API shows each attempt with the request it made and the answer it got.
    await waitUntil(async () => (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results.every((d: any) => d.state === 'delivered'));
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
    expect(ping.body).toMatchObject({ event: 'ping', status_code: 202, response: 'pong', state: 'delivered', trigger: 'ping', webhook_id: hook.id });
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
    await waitUntil(async () => (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results[0]?.state === 'delivered');
    const rows = (await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner })).body.results;
    expect(rows.map((d: any) => [d.attempt, d.status_code, d.state])).toEqual([
      [2, 200, 'delivered'],
      [1, 500, 'failed'],
    ]);
    expect(rows[1].next_attempt_date).not.toBeNull();
  });

  it('turns the webhook off on 410 Gone and says why', async () => {
    const r = await receiver((_, res) => {
      res.statusCode = 410;
      res.end('gone');
    });
    const { project, hook } = await projectWithWebhook(['update:project'], { target: r.url });
    await api.patch(`/api/projects/${project.id}`, { name: 'gone' }, { as: owner });
    await r.waitFor(1);
    await waitUntil(async () => (await api.get(`/api/webhooks/${hook.id}`, { as: owner })).body.is_active === false);
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

