import { expect } from 'vitest';
import { getDb } from '@/db/client';
import type { Role } from '@/db/schema';
import { buildBody, unpackPayload } from '@/lib/webhooks/payloads';
import { findLastMessageId, listMessagesAfter, type MessageRecord } from '@/lib/webhooks/queue';
import { api, createUser, unique, uploadImages, type TestUser } from './test-api';
import type { UntypedJson } from './untyped-json';

/** Ids of a list answer's results. */
export function ids(reply: { body: { results: { id: number }[] } }): number[] {
  return reply.body.results.map((r) => r.id);
}

export type TestOrg = { id: number; slug: string; owner: TestUser };

/** A fresh organization owned by `owner` (its first member). */
export async function createOrg(owner: TestUser): Promise<TestOrg> {
  const slug = unique('o');
  const reply = await api.post('/api/organizations', { slug, name: `Org ${slug}` }, { as: owner });
  if (reply.status !== 201)
    throw new Error(`create org failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { id: reply.body.id, slug, owner };
}

/** Makes `user` a member with `role` the way people join: invited by the owner, then accepted. Returns the membership. */
export async function addMember(org: TestOrg, user: TestUser, role: Exclude<Role, 'owner'>) {
  const invited = await api.post(
    `/api/invitations?org=${org.slug}`,
    { role, email: user.email },
    { as: org.owner },
  );
  if (invited.status !== 201)
    throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const accepted = await api.post(`/api/invitations/${invited.body.key}/accept`, undefined, { as: user });
  if (accepted.status !== 200)
    throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return accepted.body.membership as { id: number; role: Role };
}

/** An organization with one member of each role (and a stranger who belongs to none). */
export async function createTeam() {
  const [owner, maintainer, supervisor, worker, stranger] = await Promise.all([
    createUser('own'),
    createUser('mnt'),
    createUser('sup'),
    createUser('wrk'),
    createUser('str'),
  ]);
  const org = await createOrg(owner);
  const ms = {
    maintainer: await addMember(org, maintainer, 'maintainer'),
    supervisor: await addMember(org, supervisor, 'supervisor'),
    worker: await addMember(org, worker, 'worker'),
  };
  return { org, owner, maintainer, supervisor, worker, stranger, memberships: ms };
}

/** A task (labels of its own unless in a project), optionally with `frames` images attached. */
export async function createTask(
  user: TestUser,
  body: Record<string, unknown> = {},
  options: { frames?: number; query?: string } = {},
) {
  const payload = {
    name: unique('task'),
    ...(body.project_id ? {} : { labels: [{ name: 'car' }] }),
    ...body,
  };
  const created = await api.post(`/api/tasks${options.query ?? ''}`, payload, { as: user });
  if (created.status !== 201)
    throw new Error(`create task failed: ${created.status} ${JSON.stringify(created.body)}`);
  if (options.frames) {
    const uploaded = await uploadImages(created.body.id, user, options.frames);
    if (uploaded.status !== 201 && uploaded.status !== 202)
      throw new Error(`upload failed: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
    return (await api.get(`/api/tasks/${created.body.id}`, { as: user })).body;
  }
  return created.body;
}

/** Jobs of a task, oldest first. */
export async function jobsOf(taskId: number, user: TestUser) {
  const reply = await api.get(`/api/jobs?task_id=${taskId}&sort=id`, { as: user });
  expect(reply.status).toBe(200);
  return reply.body.results as { id: number; start_frame: number; stop_frame: number }[];
}

/** An event as the transactional outbox holds it, with the body its webhook receives. */
export type RecordedEvent = {
  event: string;
  organizationId: number | null;
  projectId: number | null;
  resourceType: string | null;
  resourceId: string | null;
  /** An update's changed keys (the `changed_fields` of the deliveries API); empty for the rest. */
  changedFields: string[];
  /** The JSON a receiver gets: `event`, the resource under its name, `before_update`, `sender`... */
  payload: UntypedJson;
};

/** Whose events count: those of these organizations or these projects. */
export type EventScope = { organizationIds?: number[]; projectIds?: number[] };

function toRecordedEvent(m: MessageRecord): RecordedEvent {
  const packed = unpackPayload(m.payload);
  if (packed.tail !== null && m.webhookId === null)
    throw new Error(`message ${m.id} (${m.event}) is queued for no webhook`);
  return {
    event: m.event,
    organizationId: m.organizationId,
    projectId: m.projectId,
    resourceType: m.resourceType,
    resourceId: m.resourceId,
    changedFields: m.changedFields ? m.changedFields.split(',') : [],
    payload: JSON.parse(buildBody(packed, m.webhookId ?? 0)),
  };
}

/**
 * The events Herald queued while `fn` ran, oldest first: the messages its transactions wrote to the
 * outbox meanwhile (read by lib/webhooks/queue, which owns the table), each unpacked into the body its
 * first webhook receives. A message is written only when a webhook subscribes to the event, so the test
 * creates webhooks that hear everything it watches (`eventListeners` in webhook-helpers.ts). With
 * `scope`, only the messages of its organizations or projects count: on PostgreSQL, webhooks left by
 * earlier files hear this file's users too. No dispatcher needs to run: the rows wait in the table.
 */
export async function recordEvents(
  fn: () => Promise<unknown>,
  scope: EventScope | null,
): Promise<RecordedEvent[]> {
  const db = await getDb();
  const mark = await findLastMessageId(db);
  await fn();
  const where = scope
    ? { organizationIds: scope.organizationIds ?? [], projectIds: scope.projectIds ?? [] }
    : null;
  return (await listMessagesAfter(db, mark, where)).map(toRecordedEvent);
}

/** Expects a 4xx answer with a message body (never a 500). */
export function expectClientError(reply: { status: number; body: unknown }, status?: number) {
  if (status !== undefined) expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.status, JSON.stringify(reply.body)).toBeGreaterThanOrEqual(400);
  expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
  expect(reply.body && typeof reply.body === 'object' && Object.keys(reply.body).length > 0).toBe(true);
}
