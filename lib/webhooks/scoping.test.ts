import type { UntypedJson } from '@/lib/testing/untyped-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { addMember, createOrg, jobsOf, type TestOrg } from '@/lib/testing/fixtures';
import { captureLogLines } from '@/lib/testing/log-capture';
import { api, createUser, unique, uploadImages, type TestUser } from '@/lib/testing/test-api';
import {
  ALL_KEYS,
  createOrgWebhook,
  createProjectWebhook,
  payloadsOf,
  PROJECT_KEYS,
  receiverPool,
  settle,
  waitUntil,
} from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from './dispatcher';
import { listSeries } from './queue';

const pool = receiverPool();
let owner: TestUser;
let stranger: TestUser;
let org: TestOrg;

beforeAll(async () => {
  await startDispatcher();
  [owner, stranger] = await Promise.all([createUser('scowner'), createUser('scstranger')]);
  org = await createOrg(owner);
});
afterAll(async () => {
  await stopDispatcher();
  await pool.closeAll();
});

const ok = (reply: { status: number; body: UntypedJson }, status = 200) => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  return reply.body;
};
const get = async (path: string, as: TestUser = owner) => ok(await api.get(path, { as }));

async function project(query = `?org=${org.slug}`) {
  return ok(
    await api.post(`/api/projects${query}`, { name: unique('p'), labels: [{ name: 'car' }] }, { as: owner }),
    201,
  );
}
async function hook(
  kind: 'org' | 'project',
  scope: string | number,
  events?: string[],
  extra: Record<string, unknown> = {},
) {
  const receiver = await pool.start();
  const created =
    kind === 'org'
      ? await createOrgWebhook(owner, scope as string, receiver.url, events ?? ALL_KEYS, extra)
      : await createProjectWebhook(owner, scope as number, receiver.url, events ?? PROJECT_KEYS, extra);
  return { id: created.id, receiver };
}
type Hook = Awaited<ReturnType<typeof hook>>;

/** How many deliveries were queued for a webhook (queued in the change's transaction: 0 now means never). */
async function queued(h: Hook): Promise<number> {
  return (await get(`/api/webhooks/${h.id}/deliveries?page_size=1`)).count;
}
async function expectNothing(...hooks: Hook[]) {
  for (const h of hooks) {
    expect(await queued(h), `deliveries of webhook ${h.id}`).toBe(0);
    expect(h.receiver.received).toEqual([]);
  }
}
/** Waits until `h` got a payload of `event` about `id`, then until it has nothing pending, and returns all such payloads. */
async function received(h: Hook, event: string, id: number) {
  await waitUntil(
    () => payloadsOf(h.receiver, event, id).length > 0,
    10_000,
    `${event} #${id} at webhook ${h.id}`,
  );
  await settle(owner, [h.id]);
  return payloadsOf(h.receiver, event, id);
}
async function taskWithJob(projectId: number) {
  const task = ok(
    await api.post('/api/tasks', { name: unique('t'), project_id: projectId }, { as: owner }),
    201,
  );
  expect([201, 202]).toContain((await uploadImages(task.id, owner, 1)).status);
  const [job] = await jobsOf(task.id, owner);
  return { task, job };
}

describe('which webhooks receive an event', () => {
  it('an org webhook and a project webhook each get exactly one copy; two project webhooks of the project too', async () => {
    const o = await createOrg(owner);
    const p = await project(`?org=${o.slug}`);
    const orgHook = await hook('org', o.slug);
    const [a, b] = [await hook('project', p.id), await hook('project', p.id)];
    ok(await api.patch(`/api/projects/${p.id}`, { name: 'renamed' }, { as: owner }));
    for (const h of [orgHook, a, b]) {
      const payloads = await received(h, 'update:project', p.id);
      expect(payloads).toHaveLength(1);
      expect(payloads[0].webhook_id).toBe(h.id);
      expect(h.receiver.received).toHaveLength(1);
    }
  });

  it("an inactive webhook, one not subscribed to the key and another project's webhook get nothing", async () => {
    const p = await project();
    const other = await project();
    const active = await hook('project', p.id);
    const inactive = await hook('project', p.id, PROJECT_KEYS, { is_active: false });
    const unsubscribed = await hook(
      'project',
      p.id,
      PROJECT_KEYS.filter((k) => k !== 'update:project'),
    );
    const otherProject = await hook('project', other.id);
    ok(await api.patch(`/api/projects/${p.id}`, { name: 'renamed' }, { as: owner }));
    expect(await received(active, 'update:project', p.id)).toHaveLength(1);
    await expectNothing(inactive, unsubscribed, otherProject);
    // The unsubscribed one does hear of what it subscribed to.
    const { task } = await taskWithJob(p.id);
    expect(await received(unsubscribed, 'create:task', task.id)).toHaveLength(1);
    await expectNothing(inactive, otherProject);
  });

  it('a project in the personal workspace reaches only its project webhooks', async () => {
    const o = await createOrg(owner);
    const orgHook = await hook('org', o.slug);
    const p = await project('?org_id=');
    expect(p.organization).toBeNull();
    const projectHook = await hook('project', p.id);
    expect((await get(`/api/webhooks/${projectHook.id}`)).organization).toBeNull();
    ok(await api.patch(`/api/projects/${p.id}`, { name: 'personal renamed' }, { as: owner }));
    const { task } = await taskWithJob(p.id);
    expect(await received(projectHook, 'update:project', p.id)).toHaveLength(1);
    expect(await received(projectHook, 'create:task', task.id)).toHaveLength(1);
    await expectNothing(orgHook);
  });

  it('organization, invitation and membership events reach org webhooks and never project webhooks', async () => {
    const o = await createOrg(owner);
    const p = await project(`?org=${o.slug}`);
    const orgHook = await hook('org', o.slug);
    const projectHook = await hook('project', p.id);
    ok(await api.patch(`/api/organizations/${o.id}`, { description: 'changed' }, { as: owner }));
    const [joiner, declined] = await Promise.all([createUser('scjoin'), createUser('scdecl')]);
    const membership = await addMember(o, joiner, 'worker');
    ok(await api.patch(`/api/memberships/${membership.id}`, { role: 'supervisor' }, { as: owner }));
    ok(await api.delete(`/api/memberships/${membership.id}`, { as: owner }), 204);
    const invitation = ok(
      await api.post(
        `/api/invitations?org=${o.slug}`,
        { role: 'worker', email: declined.email },
        { as: owner },
      ),
      201,
    );
    ok(await api.delete(`/api/invitations/${invitation.key}`, { as: owner }), 204);
    await waitUntil(() => payloadsOf(orgHook.receiver, 'delete:invitation').length > 0);
    await settle(owner, [orgHook.id]);
    const events = orgHook.receiver.received.map((r) => r.json.event).sort();
    expect(events).toEqual(
      [
        'update:organization',
        'create:invitation',
        'create:membership',
        'update:membership',
        'delete:membership',
        'create:invitation',
        'delete:invitation',
      ].sort(),
    );
    await expectNothing(projectHook);
  });
});

describe('what is not an event', () => {
  it('a refused or invalid request, or a change that fails after its events were queued, sends nothing', async () => {
    const p = await project();
    const projectHook = await hook('project', p.id);
    const { task, job } = await taskWithJob(p.id);
    await waitUntil(() => payloadsOf(projectHook.receiver, 'create:job').length === 1);
    await settle(owner, [projectHook.id]);
    const before = await queued(projectHook);
    expect(before).toBe(3); // create:task, update:task (data), create:job

    // Permission: a stranger may not rename it.
    expect((await api.patch(`/api/projects/${p.id}`, { name: 'stolen' }, { as: stranger })).status).toBe(403);
    expect((await api.delete(`/api/tasks/${task.id}`, { as: stranger })).status).toBe(403);
    // Validation midway: the name is written, then a label that is not the project's fails the request.
    const midway = await api.patch(
      `/api/projects/${p.id}`,
      { name: 'half done', labels: [{ id: 2147483647, name: 'nope' }] },
      { as: owner },
    );
    expect(midway.status, JSON.stringify(midway.body)).toBe(400);
    expect((await get(`/api/projects/${p.id}`)).name).toBe(p.name);
    // A failure after the outbox rows of the children were written: a trigger refuses the task's own
    // delete:task message, once its job's delete:job is in the table. The whole transaction goes, rows included.
    const db = await getDb();
    const refuse = `herald_test_refuse_task_${task.id}`;
    await db.execute(
      sql.raw(`create function ${refuse}() returns trigger language plpgsql as $$
      begin
        raise exception 'injected failure: % after % job message(s)', new.event,
          (select count(*) from webhook_messages where event = 'delete:job' and resource_id = '${job.id}');
      end $$`),
    );
    const logs = captureLogLines({ passThrough: true });
    let failed: { status: number; body: UntypedJson };
    try {
      await db.execute(
        sql.raw(`create trigger ${refuse} before insert on webhook_messages for each row
        when (new.event = 'delete:task' and new.resource_id = '${task.id}') execute function ${refuse}()`),
      );
      failed = await api.delete(`/api/tasks/${task.id}`, { as: owner });
    } finally {
      logs.restore();
      await db.execute(sql.raw(`drop trigger if exists ${refuse} on webhook_messages`));
      await db.execute(sql.raw(`drop function if exists ${refuse}()`));
    }
    // An internal failure, not the client's: a 500 that says nothing of it; the log has the cause.
    expect(failed.status, JSON.stringify(failed.body)).toBe(500);
    expect(failed.body).toEqual({ detail: 'Internal server error.' });
    expect(JSON.stringify(failed.body)).not.toMatch(/injected|webhook_messages|job message/);
    const logged = logs.entries().filter((e) => e.level === 'error' && e.msg === 'unexpected error');
    expect(logged.map((e) => JSON.stringify(e.err))).toEqual([
      expect.stringContaining('injected failure: delete:task after 1 job message(s)'),
    ]);
    expect((await api.get(`/api/tasks/${task.id}`, { as: owner })).status).toBe(200);
    expect(await queued(projectHook)).toBe(before);
    // A later change proves the pipe works, and that nothing else went through it.
    ok(await api.patch(`/api/projects/${p.id}`, { name: 'fence' }, { as: owner }));
    expect(await received(projectHook, 'update:project', p.id)).toHaveLength(1);
    expect(projectHook.receiver.received.map((r) => r.json.event)).toEqual([
      'create:task',
      'update:task',
      'create:job',
      'update:project',
    ]);
  });

  it('a PATCH that changes nothing sends no update event', async () => {
    const p = await project();
    const projectHook = await hook('project', p.id);
    const { task, job } = await taskWithJob(p.id);
    const issue = ok(
      await api.post('/api/issues', { job: job.id, frame: 0, position: [1, 2], message: 'm' }, { as: owner }),
      201,
    );
    await waitUntil(() => payloadsOf(projectHook.receiver, 'create:comment').length === 1);
    await settle(owner, [projectHook.id]);
    const count = projectHook.receiver.received.length;
    ok(await api.patch(`/api/projects/${p.id}`, { name: p.name }, { as: owner }));
    ok(await api.patch(`/api/tasks/${task.id}`, { name: task.name }, { as: owner }));
    ok(await api.patch(`/api/jobs/${job.id}`, { stage: 'annotation', state: 'new' }, { as: owner }));
    ok(await api.patch(`/api/issues/${issue.id}`, { resolved: false, position: [1, 2] }, { as: owner }));
    ok(await api.patch(`/api/projects/${p.id}`, {}, { as: owner }));
    expect(await queued(projectHook)).toBe(count);
    ok(await api.patch(`/api/projects/${p.id}`, { name: 'fence' }, { as: owner }));
    await received(projectHook, 'update:project', p.id);
    expect(projectHook.receiver.received.slice(count).map((r) => r.json.event)).toEqual(['update:project']);
  });
});

describe('before_update and changes', () => {
  let p: { id: number };
  let projectHook: Hook;
  let orgHook: Hook;
  let o: TestOrg;
  beforeAll(async () => {
    o = await createOrg(owner);
    p = await project(`?org=${o.slug}`);
    projectHook = await hook('project', p.id);
    orgHook = await hook('org', o.slug, ['update:membership']);
  });

  /** Makes the change and returns the one update payload the project webhook got for it. */
  async function update(path: string, body: Record<string, unknown>, h: Hook = projectHook) {
    const before = await get(path);
    const after = ok(await api.patch(path, body, { as: owner }));
    expect(await get(path)).toEqual(after);
    const event = `update:${path.split('/')[2].replace(/s$/, '')}`;
    const payloads = await received(h, event, before.id);
    expect(payloads).toHaveLength(1);
    h.receiver.received.length = 0; // the next case starts from an empty receiver
    return { before, after, payload: payloads[0] };
  }

  it('task rename', async () => {
    const task = ok(await api.post('/api/tasks', { name: 'task', project_id: p.id }, { as: owner }), 201);
    const { payload } = await update(`/api/tasks/${task.id}`, { name: 'new task name' });
    expect(payload.before_update).toEqual({ name: 'task' });
    expect(payload.changes).toEqual({ name: { from: 'task', to: 'new task name' } });
  });

  it('job assignee, stage and state', async () => {
    const { job } = await taskWithJob(p.id);
    const path = `/api/jobs/${job.id}`;
    const assigned = await update(path, { assignee: owner.id });
    expect(assigned.before.assignee).toBeNull();
    expect(assigned.payload.before_update).toEqual({ assignee: null, assignee_updated_date: null });
    expect(assigned.payload.changes).toEqual({
      assignee: { from: null, to: assigned.after.assignee },
      assignee_updated_date: { from: null, to: assigned.after.assignee_updated_date },
    });
    expect(assigned.after.assignee.id).toBe(owner.id);

    // CVAT's legacy `status` follows the stage, so it changes with it.
    const staged = await update(path, { stage: 'validation' });
    expect(staged.payload.before_update).toEqual({ stage: 'annotation', status: 'annotation' });
    expect(staged.payload.changes).toEqual({
      stage: { from: 'annotation', to: 'validation' },
      status: { from: 'annotation', to: 'validation' },
    });

    const state = await update(path, { state: 'in progress' });
    expect(state.payload.before_update).toEqual({ state: 'new' });
    expect(state.payload.changes).toEqual({ state: { from: 'new', to: 'in progress' } });
  });

  it('issue resolved and position; comment message', async () => {
    const { job } = await taskWithJob(p.id);
    const issue = ok(
      await api.post(
        '/api/issues',
        { job: job.id, frame: 0, position: [1, 2, 3, 4], message: 'hello' },
        { as: owner },
      ),
      201,
    );
    const resolved = await update(`/api/issues/${issue.id}`, { resolved: true });
    expect(resolved.payload.before_update).toEqual({ resolved: false });
    expect(resolved.payload.changes).toEqual({ resolved: { from: false, to: true } });
    const moved = await update(`/api/issues/${issue.id}`, { position: [5, 6, 7, 8] });
    expect(moved.payload.before_update).toEqual({ position: [1, 2, 3, 4] });
    expect(moved.payload.changes).toEqual({ position: { from: [1, 2, 3, 4], to: [5, 6, 7, 8] } });
    const [comment] = (await get(`/api/comments?issue_id=${issue.id}`)).results;
    const edited = await update(`/api/comments/${comment.id}`, { message: 'edited' });
    expect(edited.payload.before_update).toEqual({ message: 'hello' });
    expect(edited.payload.changes).toEqual({ message: { from: 'hello', to: 'edited' } });
  });

  it('membership role', async () => {
    const user = await createUser('scrole');
    const membership = await addMember(o, user, 'worker');
    const { payload } = await update(`/api/memberships/${membership.id}`, { role: 'supervisor' }, orgHook);
    expect(payload.before_update).toEqual({ role: 'worker' });
    expect(payload.changes).toEqual({ role: { from: 'worker', to: 'supervisor' } });
  });
});

describe('deleting a project', () => {
  it('delivers the delete events of its children and then delete:project to its own webhooks, which then go', async () => {
    const o = await createOrg(owner);
    const p = await project(`?org=${o.slug}`);
    const projectHook = await hook('project', p.id);
    const orgHook = await hook(
      'org',
      o.slug,
      ALL_KEYS.filter((k) => k.startsWith('delete:')),
    );
    const { task, job } = await taskWithJob(p.id);
    const issue = ok(
      await api.post(
        '/api/issues',
        { job: job.id, frame: 0, position: [1, 2], message: 'first' },
        { as: owner },
      ),
      201,
    );
    const comment = ok(
      await api.post('/api/comments', { issue: issue.id, message: 'second' }, { as: owner }),
      201,
    );
    await waitUntil(() => payloadsOf(projectHook.receiver, 'create:comment').length === 2);
    await settle(owner, [projectHook.id]);
    projectHook.receiver.received.length = 0;

    expect((await api.get(`/api/webhooks?project_id=${p.id}`, { as: owner })).body.count).toBe(1);
    ok(await api.delete(`/api/projects/${p.id}`, { as: owner }), 204);

    const order = [
      'delete:comment',
      'delete:comment',
      'delete:issue',
      'delete:job',
      'delete:task',
      'delete:project',
    ];
    // Queue order, as recorded for the project webhook (its API is gone with it) and for the org webhook.
    const db = await getDb();
    const { rows } = await listSeries(
      db,
      projectHook.id,
      {},
      { limit: null, offset: 0, page: 1, pageSize: 'all' },
    );
    expect(
      rows
        .map((r) => r.event)
        .reverse()
        .slice(-6),
    ).toEqual(order);
    await settle(owner, [orgHook.id]);
    const orgRows = (await get(`/api/webhooks/${orgHook.id}/deliveries?page_size=all`)).results.reverse();
    expect(orgRows.map((d: UntypedJson) => d.event)).toEqual(order);

    await projectHook.receiver.waitFor(6);
    await new Promise((r) => setTimeout(r, 200));
    const got = projectHook.receiver.received.map((r) => r.json);
    expect(got.map((x) => x.event).sort()).toEqual([...order].sort());
    expect(got.find((x) => x.event === 'delete:project').project.id).toBe(p.id);
    expect(got.find((x) => x.event === 'delete:task').task.id).toBe(task.id);
    expect(
      got
        .filter((x) => x.event === 'delete:comment')
        .map((x) => x.comment.id)
        .sort(),
    ).toContain(comment.id);
    expect(got.every((x) => x.webhook_id === projectHook.id)).toBe(true);

    const list = await api.get('/api/webhooks?page_size=all', { as: owner });
    expect(list.body.results.map((w: UntypedJson) => w.id)).not.toContain(projectHook.id);
    expect(list.body.results.map((w: UntypedJson) => w.id)).toContain(orgHook.id);
    expect((await api.get(`/api/webhooks?project_id=${p.id}`, { as: owner })).body.count).toBe(0);
    expect((await api.get(`/api/webhooks/${projectHook.id}`, { as: owner })).status).toBe(404);
  });
});
