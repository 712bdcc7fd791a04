import { randomBytes } from 'node:crypto';
import { format } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { webhooks } from '@/db/schema';
import { recordedRows } from '@/lib/testing/delivery-rows';
import type { Receiver } from '@/lib/testing/receiver';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';
import { createProjectWebhook, PROJECT_KEYS, receiverPool, settle } from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from './dispatcher';
import { HEADER_VALUE_MAX, HEADERS_MAX, MASKED_VALUE } from './schemas';

/**
 * Custom headers (operations.md): sent with every request of the webhook, events and pings alike; names
 * checked and reserved ones refused; values write-only, sealed at rest, and masked wherever a request is shown.
 */

const token = () => `Bearer ${randomBytes(24).toString('base64url')}`;
const pool = receiverPool();
const logs: string[] = [];
const restore: (() => void)[] = [];
let owner: TestUser;
let receiver: Receiver;
let projectId: number;

beforeAll(async () => {
  for (const name of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[name];
    console[name] = (...args: unknown[]) => void logs.push(format(...args));
    restore.push(() => (console[name] = original));
  }
  await startDispatcher();
  receiver = await pool.start();
  owner = await createUser('hdr');
  const project = await api.post(
    '/api/projects',
    { name: 'headers', labels: [{ name: 'car' }] },
    { as: owner },
  );
  expect(project.status).toBe(201);
  projectId = project.body.id;
});

afterAll(async () => {
  await stopDispatcher();
  await pool.closeAll();
  for (const undo of restore) undo();
});

function received(hookId: number) {
  return receiver.received.filter((r) => r.headers['x-herald-webhook-id'] === String(hookId));
}

describe('custom headers', () => {
  it('reach a real receiver on pings and events, and are masked in responses, deliveries and at rest', async () => {
    const auth = token();
    const hook = await createProjectWebhook(owner, projectId, receiver.url, PROJECT_KEYS, {
      headers: { Authorization: auth, 'X-Tenant': 'acme' },
    });
    expect(hook.headers).toEqual({ Authorization: MASKED_VALUE, 'X-Tenant': MASKED_VALUE });

    const ping = await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner });
    expect(ping.status).toBe(200);
    expect(ping.body.status_code).toBe(200);
    expect(ping.body.request_headers).toMatchObject({
      Authorization: MASKED_VALUE,
      'X-Tenant': MASKED_VALUE,
      'x-herald-event': 'ping',
    });

    const renamed = await api.patch(`/api/projects/${projectId}`, { name: 'headers renamed' }, { as: owner });
    expect(renamed.status).toBe(200);
    await settle(owner, [hook.id]);
    const arrivals = received(hook.id);
    expect(arrivals.map((r) => r.json.event)).toEqual(['ping', 'update:project']);
    for (const r of arrivals) {
      expect(r.headers.authorization).toBe(auth);
      expect(r.headers['x-tenant']).toBe('acme');
      // Herald's own headers are untouched by them.
      expect(r.headers['content-type']).toBe('application/json');
    }

    const got = await api.get(`/api/webhooks/${hook.id}`, { as: owner });
    expect(got.body.headers).toEqual({ Authorization: MASKED_VALUE, 'X-Tenant': MASKED_VALUE });
    const list = await api.get(`/api/webhooks?id=${hook.id}`, { as: owner });
    expect(list.body.results[0].headers).toEqual({ Authorization: MASKED_VALUE, 'X-Tenant': MASKED_VALUE });
    const deliveries = await api.get(`/api/webhooks/${hook.id}/deliveries`, { as: owner });
    expect(deliveries.body.count).toBe(2);
    for (const d of deliveries.body.results) expect(d.request_headers.Authorization).toBe(MASKED_VALUE);
    const message = await api.get(
      `/api/webhooks/${hook.id}/messages/${deliveries.body.results[0].delivery_id}`,
      { as: owner },
    );
    expect(message.body.history[0].request_headers.Authorization).toBe(MASKED_VALUE);

    // Nowhere in what is stored or said: the webhook's row holds it sealed, the delivery tables not at all.
    const db = await getDb();
    const [row] = await db.select().from(webhooks).where(eq(webhooks.id, hook.id));
    const secretPart = auth.slice('Bearer '.length);
    expect(JSON.stringify(row)).not.toContain(secretPart);
    expect(row.headers.map((h) => h.name)).toEqual(['Authorization', 'X-Tenant']);
    expect(row.headers.every((h) => h.value.startsWith('hsb1:'))).toBe(true);
    const rows = await recordedRows([hook.id]);
    expect(JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(secretPart);
    for (const reply of [got, list, deliveries, message, ping])
      expect(JSON.stringify(reply.body)).not.toContain(secretPart);
    expect(logs.join('\n')).not.toContain(secretPart);
  });

  it('PATCH replaces the set; "********" keeps the stored value of that name', async () => {
    const first = token();
    const hook = await createProjectWebhook(owner, projectId, receiver.url, PROJECT_KEYS, {
      headers: { Authorization: first, 'X-Old': 'gone' },
    });
    const kept = await api.patch(
      `/api/webhooks/${hook.id}`,
      { headers: { Authorization: MASKED_VALUE, 'X-New': 'fresh' } },
      { as: owner },
    );
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect(kept.body.headers).toEqual({ Authorization: MASKED_VALUE, 'X-New': MASKED_VALUE });
    const ping = await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner });
    expect(ping.body.status_code).toBe(200);
    const last = received(hook.id).at(-1)!;
    expect(last.headers.authorization).toBe(first);
    expect(last.headers['x-new']).toBe('fresh');
    expect(last.headers['x-old']).toBeUndefined();

    // Leaving headers out keeps them; an empty object clears them.
    expect(
      (await api.patch(`/api/webhooks/${hook.id}`, { description: 'still' }, { as: owner })).body.headers,
    ).toEqual({ Authorization: MASKED_VALUE, 'X-New': MASKED_VALUE });
    const cleared = await api.patch(`/api/webhooks/${hook.id}`, { headers: {} }, { as: owner });
    expect(cleared.body.headers).toEqual({});
    await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner });
    expect(received(hook.id).at(-1)!.headers.authorization).toBeUndefined();
  });

  it.each([
    ['Host', 'reserved'],
    ['content-type', 'reserved'],
    ['Content-Length', 'reserved'],
    ['User-Agent', 'reserved'],
    ['webhook-id', 'reserved'],
    ['Webhook-Signature', 'reserved'],
    ['X-Signature-256', 'reserved'],
    ['X-Herald-Event', 'reserved'],
    ['Connection', 'reserved'],
    ['Keep-Alive', 'reserved'],
    ['Proxy-Authorization', 'reserved'],
    ['TE', 'reserved'],
    ['Trailer', 'reserved'],
    ['Transfer-Encoding', 'reserved'],
    ['Upgrade', 'reserved'],
    ['Bad Name', 'not a valid header name'],
    ['x:colon', 'not a valid header name'],
    ['', 'not a valid header name'],
  ])('refuses the name %j with a 400 naming it, and writes nothing', async (name, why) => {
    const before = await api.get('/api/webhooks?page_size=all', { as: owner });
    const reply = await api.post(
      '/api/webhooks',
      {
        target_url: receiver.url,
        type: 'project',
        project_id: projectId,
        events: PROJECT_KEYS,
        headers: { [name]: 'v' },
      },
      { as: owner },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.headers.join(' ')).toContain(why);
    if (name) expect(reply.body.headers.join(' ')).toContain(`"${name}"`);
    expect((await api.get('/api/webhooks?page_size=all', { as: owner })).body.count).toBe(before.body.count);
  });

  it('refuses bad values (CR, LF, NUL, too long, not a string) and too many headers, never echoing a value', async () => {
    const hook = await createProjectWebhook(owner, projectId, receiver.url, PROJECT_KEYS, {
      headers: { 'X-Keep': 'original' },
    });
    const secretish = randomBytes(12).toString('hex');
    const bad: unknown[] = [
      { 'X-A': `${secretish}\r\nX-Injected: 1` },
      { 'X-A': `${secretish}\n` },
      { 'X-A': `${secretish}\u0000` },
      { 'X-A': secretish.padEnd(HEADER_VALUE_MAX + 1, 'x') },
      { 'X-A': 5 },
      { 'X-A': secretish, 'x-a': secretish },
      Object.fromEntries(Array.from({ length: HEADERS_MAX + 1 }, (_, i) => [`X-H${i}`, secretish])),
      ['X-A', secretish],
      { 'X-Unknown': MASKED_VALUE },
    ];
    for (const headers of bad) {
      const reply = await api.patch(
        `/api/webhooks/${hook.id}`,
        { headers, description: 'must not stick' },
        { as: owner },
      );
      expect(reply.status, JSON.stringify(headers).slice(0, 80)).toBe(400);
      expect(
        Object.keys(reply.body).every((k) => k === 'headers' || k.startsWith('headers.')),
        JSON.stringify(reply.body),
      ).toBe(true);
      expect(JSON.stringify(reply.body)).not.toContain(secretish);
    }
    const created = await api.post(
      '/api/webhooks',
      {
        target_url: receiver.url,
        type: 'project',
        project_id: projectId,
        events: PROJECT_KEYS,
        headers: { Authorization: MASKED_VALUE },
      },
      { as: owner },
    );
    expect(created.status).toBe(400);
    expect(created.body.headers[0]).toContain('"Authorization"');
    // Nothing half-written: the webhook is as it was, and still sends its header.
    const got = await api.get(`/api/webhooks/${hook.id}`, { as: owner });
    expect(got.body.description).toBe('');
    expect(got.body.headers).toEqual({ 'X-Keep': MASKED_VALUE });
    await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner });
    expect(received(hook.id).at(-1)!.headers['x-keep']).toBe('original');
  });
});
