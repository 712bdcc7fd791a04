import { expect } from 'vitest';
import type { Role } from '@/db/schema';
import { onChange, type Change } from '@/lib/changes/record-change';
import { api, createUser, unique, uploadImages, type TestUser } from './test-api';

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

/** Records every change while `fn` runs. */
export async function recordChanges(fn: () => Promise<unknown>): Promise<Change[]> {
  const seen: Change[] = [];
  const off = onChange(async (_tx, change) => {
    seen.push(change);
  });
  try {
    await fn();
  } finally {
    off();
  }
  return seen;
}

/** Expects a 4xx answer with a message body (never a 500). */
export function expectClientError(reply: { status: number; body: unknown }, status?: number) {
  if (status !== undefined) expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.status, JSON.stringify(reply.body)).toBeGreaterThanOrEqual(400);
  expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
  expect(reply.body && typeof reply.body === 'object' && Object.keys(reply.body).length > 0).toBe(true);
}
