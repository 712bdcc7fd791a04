import type { UntypedJson } from './untyped-json';
import { expect } from 'vitest';
import { getDb } from '@/db/client';
import { transaction } from '@/db/transaction';
import { eventsFor } from '@/lib/webhooks/events';
import { removeWebhook } from '@/lib/webhooks/webhooks';
import { startReceiver, type Received, type Receiver, type Responder } from './receiver';
import { api, BASE, type TestUser } from './test-api';

/** Every key an organization webhook may subscribe to (server events are for server webhooks only). */
export const ALL_KEYS: string[] = eventsFor('organization').map((e) => e.key);
export const PROJECT_KEYS: string[] = eventsFor('project').map((e) => e.key);

/** Receivers started by a test file, closed together in afterAll. */
export function receiverPool() {
  const started: Receiver[] = [];
  return {
    async start(responder?: Responder) {
      const r = await startReceiver(responder);
      started.push(r);
      return r;
    },
    started: () => [...started],
    closeAll: () => Promise.all(started.map((r) => r.close())),
  };
}

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} not met in time`);
}

/** The BasicUser a payload's `sender` (or an `owner`) must be, exactly. */
export function basicUser(user: TestUser, names: { first_name?: string; last_name?: string } = {}) {
  return {
    url: `${BASE}/api/users/${user.id}`,
    id: user.id,
    username: user.username,
    first_name: names.first_name ?? '',
    last_name: names.last_name ?? '',
  };
}

export async function createOrgWebhook(
  user: TestUser,
  orgSlug: string,
  target: string,
  events: string[] = ALL_KEYS,
  extra: Record<string, unknown> = {},
) {
  const reply = await api.post(
    `/api/webhooks?org=${orgSlug}`,
    { target_url: target, type: 'organization', events, ...extra },
    { as: user },
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as { id: number; [k: string]: UntypedJson };
}

export async function createProjectWebhook(
  user: TestUser,
  projectId: number,
  target: string,
  events: string[] = PROJECT_KEYS,
  extra: Record<string, unknown> = {},
) {
  const reply = await api.post(
    '/api/webhooks',
    { target_url: target, type: 'project', project_id: projectId, events, ...extra },
    { as: user },
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as { id: number; [k: string]: UntypedJson };
}

/** Waits until none of these webhooks has a delivery left to make (so whatever was sent has arrived). */
export async function settle(user: TestUser, hookIds: number[], timeoutMs = 10_000) {
  for (const id of hookIds) {
    await waitUntil(
      async () => {
        const reply = await api.get(`/api/webhooks/${id}/messages?state=pending&page_size=1`, { as: user });
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        return reply.body.count === 0;
      },
      timeoutMs,
      `webhook ${id} settled`,
    );
  }
}

/** Payloads a receiver got for `event`, optionally only those about the resource with this id (or key). */
export function payloadsOf(r: Receiver, event: string, id?: number | string): UntypedJson[] {
  return r.received
    .map((x: Received) => x.json)
    .filter((p) => p?.event === event && (id === undefined || resourceId(p) === id));
}

function resourceId(payload: UntypedJson): unknown {
  const resource = payload[payload.event.split(':')[1]];
  return resource?.id ?? resource?.key;
}

/** Waits for exactly one payload of `event` about `id` (after the hooks settle) and returns it. */
export async function onePayload(r: Receiver, event: string, id: number | string, timeoutMs = 10_000) {
  await waitUntil(() => payloadsOf(r, event, id).length > 0, timeoutMs, `${event} #${id}`);
  return payloadsOf(r, event, id);
}

/**
 * Webhooks that hear every event of the organizations and projects (and, for an administrator, the
 * installation's events) a test watches through the outbox: Herald writes no message when nobody
 * listens (`recordEvents` in fixtures.ts). They point at one receiver of `pool`, though no dispatcher
 * needs to run. `removeAll()` deletes them and everything queued for them (retired ones too), so that on
 * PostgreSQL no later file's dispatcher tries to deliver what waits in the table.
 */
export function eventListeners(pool: ReturnType<typeof receiverPool>) {
  const made: number[] = [];
  let receiver: Receiver | undefined;
  const target = async () => (receiver ??= await pool.start()).url;
  return {
    async org(user: TestUser, orgSlug: string) {
      made.push((await createOrgWebhook(user, orgSlug, await target())).id);
    },
    async project(user: TestUser, projectId: number) {
      made.push((await createProjectWebhook(user, projectId, await target())).id);
    },
    async server(admin: TestUser) {
      const events = eventsFor('server').map((e) => e.key);
      const reply = await api.post(
        '/api/webhooks',
        { target_url: await target(), type: 'server', events },
        { as: admin },
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      made.push(reply.body.id);
    },
    // Straight through the domain: a deleted project's webhooks are retired, which the API no longer serves.
    async removeAll() {
      const db = await getDb();
      for (const id of made.splice(0)) await transaction(db, (tx) => removeWebhook(tx, id));
    },
  };
}
