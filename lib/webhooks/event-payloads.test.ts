import type { UntypedJson } from '@/lib/testing/untyped-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '@/lib/testing/fixtures';
import type { Receiver } from '@/lib/testing/receiver';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';
import {
  basicUser,
  createOrgWebhook,
  createProjectWebhook,
  receiverPool,
} from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from './dispatcher';
import { examplePayloadOf, jsonSchemaOf, payloadSchemaOf } from './event-payloads';
import { EVENT_CATALOG, eventsFor } from './events';

/** The catalog's documentation: descriptions, JSON Schemas and the examples "Send example" sends. */

const pool = receiverPool();
let owner: TestUser;
let stranger: TestUser;
let org: TestOrg;
let receiver: Receiver;
let projectId: number;

beforeAll(async () => {
  await startDispatcher();
  receiver = await pool.start();
  [owner, stranger] = await Promise.all([
    createUser('exo', { first_name: 'Ex', last_name: 'Ample' }),
    createUser('exs'),
  ]);
  org = await createOrg(owner);
  const project = await api.post(
    `/api/projects?org=${org.slug}`,
    { name: 'examples', labels: [{ name: 'car' }] },
    { as: owner },
  );
  projectId = project.body.id;
});

afterAll(async () => {
  await stopDispatcher();
  await pool.closeAll();
});

describe('the catalog', () => {
  it.each(EVENT_CATALOG.map((e) => [e.key, e]))(
    '%s: a one-line description, and an example its schema accepts',
    (_, entry) => {
      expect(entry.description).toMatch(/^[A-Z].{10,120}\.$/);
      expect(entry.description).not.toContain('\n');
      const example = examplePayloadOf(entry, 7, null);
      const checked = payloadSchemaOf(entry).safeParse(example);
      expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
      const [action, resource] = entry.key.split(':');
      expect(Object.keys(example)).toEqual(
        action === 'update'
          ? ['event', resource, 'before_update', 'changes', 'webhook_id', 'sender']
          : ['event', resource, 'webhook_id', 'sender'],
      );
    },
  );

  it('refuses an example its schema would not accept (the check can fail)', () => {
    const entry = EVENT_CATALOG.find((e) => e.key === 'create:task')!;
    const example = examplePayloadOf(entry, 7, null) as { task: Record<string, unknown> };
    expect(
      payloadSchemaOf(entry).safeParse({ ...example, task: { ...example.task, surprise: 1 } }).success,
    ).toBe(false);
    expect(payloadSchemaOf(entry).safeParse({ ...example, event: 'delete:task' }).success).toBe(false);
  });
});

describe('GET /api/webhooks/events', () => {
  it('gives each event its description', async () => {
    const reply = await api.get('/api/webhooks/events?type=project', { as: stranger });
    expect(reply.status).toBe(200);
    expect(reply.body.events).toEqual(
      eventsFor('project').map((e) => ({
        key: e.key,
        group: { display_name: e.group },
        description: e.description,
      })),
    );
  });
});

describe('GET /api/webhooks/events/{key}/schema', () => {
  it('returns the JSON Schema of the payload, from the zod schemas', async () => {
    const reply = await api.get('/api/webhooks/events/update:task/schema', { as: stranger });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(jsonSchemaOf('update:task'));
    expect(reply.body.$schema).toContain('json-schema.org');
    expect(reply.body.title).toBe('update:task');
    expect(reply.body.required).toEqual([
      'event',
      'task',
      'before_update',
      'changes',
      'webhook_id',
      'sender',
    ]);
    expect(reply.body.properties.event).toEqual({ type: 'string', const: 'update:task' });
    expect(reply.body.properties.task.required).toContain('segments');
    expect(reply.body.additionalProperties).toBe(false);
  });

  it('answers 404 for a key outside the catalog and 401 without credentials', async () => {
    expect((await api.get('/api/webhooks/events/explode:task/schema', { as: stranger })).status).toBe(404);
    expect((await api.get('/api/webhooks/events/ping/schema', { as: stranger })).status).toBe(404);
    expect((await api.get('/api/webhooks/events/create:task/schema')).status).toBe(401);
  });
});

describe('POST /api/webhooks/{id}/test', () => {
  it('sends the example of any event the type allows, subscribed or not, within the request, and returns the attempt as ping does', async () => {
    const hook = await createProjectWebhook(owner, projectId, receiver.url, ['update:project']);
    const reply = await api.post(`/api/webhooks/${hook.id}/test`, { event: 'create:comment' }, { as: owner });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    // Already arrived: sent within the request.
    const arrived = receiver.received.filter((r) => r.headers['x-herald-webhook-id'] === String(hook.id));
    expect(arrived).toHaveLength(1);
    const entry = EVENT_CATALOG.find((e) => e.key === 'create:comment')!;
    const expected = examplePayloadOf(
      entry,
      hook.id,
      basicUser(owner, { first_name: 'Ex', last_name: 'Ample' }),
    );
    expect(arrived[0].json).toEqual(expected);
    expect(arrived[0].headers['x-herald-event']).toBe('create:comment');
    expect(reply.body).toMatchObject({
      webhook_id: hook.id,
      event: 'create:comment',
      status_code: 200,
      trigger: 'test',
      request: expected,
      redelivery: false,
      attempt: 1,
    });
    const ping = await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: owner });
    expect(Object.keys(reply.body).sort()).toEqual(Object.keys(ping.body).sort());
    const listed = await api.get(`/api/webhooks/${hook.id}/deliveries?trigger=test`, { as: owner });
    expect(listed.body.results.map((d: UntypedJson) => d.id)).toContain(reply.body.id);
  });

  it('refuses an event the type does not allow, or outside the catalog, with a 400 naming event; a stranger gets 403', async () => {
    const hook = await createProjectWebhook(owner, projectId, receiver.url, ['update:project']);
    const orgHook = await createOrgWebhook(owner, org.slug, receiver.url, ['update:organization']);
    const before = receiver.received.length;
    for (const [id, body] of [
      [hook.id, { event: 'create:project' }],
      [hook.id, { event: 'update:organization' }],
      [orgHook.id, { event: 'create:user' }],
      [hook.id, { event: 'ping' }],
      [hook.id, { event: 'nope' }],
      [hook.id, { event: 5 }],
      [hook.id, {}],
    ] as const) {
      const reply = await api.post(`/api/webhooks/${id}/test`, body, { as: owner });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(reply.body)).toEqual(['event']);
    }
    expect(
      (await api.post(`/api/webhooks/${hook.id}/test`, { event: 'create:task', extra: 1 }, { as: owner }))
        .status,
    ).toBe(400);
    expect(
      (await api.post(`/api/webhooks/${hook.id}/test`, { event: 'create:task' }, { as: stranger })).status,
    ).toBe(403);
    expect(
      (await api.post('/api/webhooks/999999/test', { event: 'create:task' }, { as: owner })).status,
    ).toBe(404);
    const ok = await api.post(`/api/webhooks/${orgHook.id}/test`, { event: 'create:project' }, { as: owner });
    expect(ok.status).toBe(200);
    expect(receiver.received.length).toBe(before + 1);
  });
});
