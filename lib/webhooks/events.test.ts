import type { UntypedJson } from '@/lib/testing/untyped-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createOrg, jobsOf, type TestOrg } from '@/lib/testing/fixtures';
import { api, createUser, unique, uploadImages, type TestUser } from '@/lib/testing/test-api';
import {
  ALL_KEYS,
  basicUser,
  createOrgWebhook,
  createProjectWebhook,
  onePayload,
  payloadsOf,
  PROJECT_KEYS,
  receiverPool,
  settle,
} from '@/lib/testing/webhook-helpers';
import type { Receiver } from '@/lib/testing/receiver';
import { startDispatcher, stopDispatcher } from './dispatcher';
import { payloadSchemaOf } from './event-payloads';
import { eventsFor, isAllowedFor } from './events';

/**
 * One test per catalog key: the operation is made through the API, and the payload an organization
 * webhook subscribed to everything receives (and, for project keys, a project webhook of the
 * resource's project) is checked against the API's own representation at that moment.
 */

const NAMES = { first_name: 'Ada', last_name: 'Lovelace' };
const pool = receiverPool();
let owner: TestUser;
let org: TestOrg;
let orgReceiver: Receiver;
let orgHook: { id: number };

beforeAll(async () => {
  await startDispatcher();
  owner = await createUser('evowner', NAMES);
  org = await createOrg(owner);
  orgReceiver = await pool.start();
  orgHook = await createOrgWebhook(owner, org.slug, orgReceiver.url);
});
afterAll(async () => {
  await stopDispatcher();
  await pool.closeAll();
});

type ProjectHook = { id: number; receiver: Receiver; projectId: number };
type Outcome = {
  /** The resource's representation the payload must carry. */
  expected: Record<string, UntypedJson>;
  id: number | string;
  /** For updates: GET before the change (before_update/changes are derived from it). */
  before?: Record<string, UntypedJson>;
  sender: TestUser;
  senderNames?: { first_name?: string; last_name?: string };
  projectHook?: ProjectHook;
};

const get = async (path: string, as: TestUser = owner) => {
  const reply = await api.get(path, { as });
  expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(200);
  return reply.body;
};
const ok = (reply: { status: number; body: UntypedJson }, status = 200) => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  return reply.body;
};

/** A project of the org with a project webhook subscribed to its 14 keys. */
async function hookedProject(): Promise<ProjectHook> {
  const project = ok(
    await api.post(
      `/api/projects?org=${org.slug}`,
      { name: unique('p'), labels: [{ name: 'car' }] },
      { as: owner },
    ),
    201,
  );
  const receiver = await pool.start();
  const hook = await createProjectWebhook(owner, project.id, receiver.url);
  return { id: hook.id, receiver, projectId: project.id };
}
async function taskIn(p: ProjectHook, frames = 0) {
  const task = ok(
    await api.post('/api/tasks', { name: unique('t'), project_id: p.projectId }, { as: owner }),
    201,
  );
  if (frames) expect([201, 202]).toContain((await uploadImages(task.id, owner, frames)).status);
  return task;
}
async function jobIn(p: ProjectHook) {
  const task = await taskIn(p, 1);
  const [job] = await jobsOf(task.id, owner);
  return { task, job: await get(`/api/jobs/${job.id}`) };
}
async function issueIn(p: ProjectHook) {
  const { job } = await jobIn(p);
  return ok(
    await api.post(
      '/api/issues',
      { job: job.id, frame: 0, position: [1, 2, 3, 4], message: 'first' },
      { as: owner },
    ),
    201,
  );
}
async function commentIn(p: ProjectHook) {
  const issue = await issueIn(p);
  return ok(await api.post('/api/comments', { issue: issue.id, message: 'hello' }, { as: owner }), 201);
}
async function invite(user: TestUser, role = 'worker') {
  return ok(
    await api.post(`/api/invitations?org=${org.slug}`, { role, email: user.email }, { as: owner }),
    201,
  );
}
async function member(role: 'worker' | 'supervisor' = 'worker') {
  const user = await createUser('evmember');
  const { id } = await addMember(org, user, role);
  return get(`/api/memberships/${id}`);
}

const SCENARIOS: Record<string, () => Promise<Outcome>> = {
  'create:project': async () => {
    const created = ok(
      await api.post(
        `/api/projects?org=${org.slug}`,
        { name: unique('p'), labels: [{ name: 'a' }] },
        { as: owner },
      ),
      201,
    );
    return { id: created.id, expected: await get(`/api/projects/${created.id}`), sender: owner };
  },
  'update:project': async () => {
    const p = await hookedProject();
    const before = await get(`/api/projects/${p.projectId}`);
    ok(
      await api.patch(
        `/api/projects/${p.projectId}`,
        { name: 'renamed project', bug_tracker: 'https://bugs.example.test/1' },
        { as: owner },
      ),
    );
    return {
      id: p.projectId,
      before,
      expected: await get(`/api/projects/${p.projectId}`),
      sender: owner,
      projectHook: p,
    };
  },
  'delete:project': async () => {
    const p = await hookedProject();
    const expected = await get(`/api/projects/${p.projectId}`);
    ok(await api.delete(`/api/projects/${p.projectId}`, { as: owner }), 204);
    return { id: p.projectId, expected, sender: owner, projectHook: p };
  },
  'create:task': async () => {
    const p = await hookedProject();
    const task = await taskIn(p);
    return { id: task.id, expected: await get(`/api/tasks/${task.id}`), sender: owner, projectHook: p };
  },
  'update:task': async () => {
    const p = await hookedProject();
    const task = await taskIn(p);
    const before = await get(`/api/tasks/${task.id}`);
    ok(await api.patch(`/api/tasks/${task.id}`, { name: 'new task name' }, { as: owner }));
    return {
      id: task.id,
      before,
      expected: await get(`/api/tasks/${task.id}`),
      sender: owner,
      projectHook: p,
    };
  },
  'delete:task': async () => {
    const p = await hookedProject();
    const task = await taskIn(p, 1);
    const expected = await get(`/api/tasks/${task.id}`);
    ok(await api.delete(`/api/tasks/${task.id}`, { as: owner }), 204);
    return { id: task.id, expected, sender: owner, projectHook: p };
  },
  'create:job': async () => {
    const p = await hookedProject();
    const { job } = await jobIn(p);
    return { id: job.id, expected: job, sender: owner, projectHook: p };
  },
  'update:job': async () => {
    const p = await hookedProject();
    const { job: before } = await jobIn(p);
    ok(await api.patch(`/api/jobs/${before.id}`, { stage: 'validation' }, { as: owner }));
    return {
      id: before.id,
      before,
      expected: await get(`/api/jobs/${before.id}`),
      sender: owner,
      projectHook: p,
    };
  },
  'delete:job': async () => {
    const p = await hookedProject();
    const { task, job } = await jobIn(p);
    const expected = await get(`/api/jobs/${job.id}`);
    ok(await api.delete(`/api/tasks/${task.id}`, { as: owner }), 204);
    return { id: job.id, expected, sender: owner, projectHook: p };
  },
  'create:issue': async () => {
    const p = await hookedProject();
    const issue = await issueIn(p);
    return { id: issue.id, expected: await get(`/api/issues/${issue.id}`), sender: owner, projectHook: p };
  },
  'update:issue': async () => {
    const p = await hookedProject();
    const issue = await issueIn(p);
    const before = await get(`/api/issues/${issue.id}`);
    ok(await api.patch(`/api/issues/${issue.id}`, { resolved: true }, { as: owner }));
    return {
      id: issue.id,
      before,
      expected: await get(`/api/issues/${issue.id}`),
      sender: owner,
      projectHook: p,
    };
  },
  'delete:issue': async () => {
    const p = await hookedProject();
    const issue = await issueIn(p);
    const expected = await get(`/api/issues/${issue.id}`);
    ok(await api.delete(`/api/issues/${issue.id}`, { as: owner }), 204);
    return { id: issue.id, expected, sender: owner, projectHook: p };
  },
  'create:comment': async () => {
    const p = await hookedProject();
    const comment = await commentIn(p);
    return {
      id: comment.id,
      expected: await get(`/api/comments/${comment.id}`),
      sender: owner,
      projectHook: p,
    };
  },
  'update:comment': async () => {
    const p = await hookedProject();
    const comment = await commentIn(p);
    const before = await get(`/api/comments/${comment.id}`);
    ok(await api.patch(`/api/comments/${comment.id}`, { message: 'edited' }, { as: owner }));
    return {
      id: comment.id,
      before,
      expected: await get(`/api/comments/${comment.id}`),
      sender: owner,
      projectHook: p,
    };
  },
  'delete:comment': async () => {
    const p = await hookedProject();
    const comment = await commentIn(p);
    const expected = await get(`/api/comments/${comment.id}`);
    ok(await api.delete(`/api/comments/${comment.id}`, { as: owner }), 204);
    return { id: comment.id, expected, sender: owner, projectHook: p };
  },
  'update:organization': async () => {
    const before = await get(`/api/organizations/${org.id}`);
    ok(
      await api.patch(
        `/api/organizations/${org.id}`,
        { name: unique('Renamed '), description: 'new description' },
        { as: owner },
      ),
    );
    return { id: org.id, before, expected: await get(`/api/organizations/${org.id}`), sender: owner };
  },
  'create:invitation': async () => {
    const invitation = await invite(await createUser('evinvitee'));
    return { id: invitation.key, expected: await get(`/api/invitations/${invitation.key}`), sender: owner };
  },
  'delete:invitation': async () => {
    const invitation = await invite(await createUser('evinvitee'));
    const expected = await get(`/api/invitations/${invitation.key}`);
    ok(await api.delete(`/api/invitations/${invitation.key}`, { as: owner }), 204);
    return { id: invitation.key, expected, sender: owner };
  },
  'create:membership': async () => {
    const names = { first_name: 'Grace', last_name: 'Hopper' };
    const user = await createUser('evjoiner', names);
    const invitation = await invite(user, 'supervisor');
    const accepted = ok(await api.post(`/api/invitations/${invitation.key}/accept`, undefined, { as: user }));
    const id = accepted.membership.id;
    // The invitee's own action: they are the sender.
    return { id, expected: await get(`/api/memberships/${id}`), sender: user, senderNames: names };
  },
  'update:membership': async () => {
    const before = await member('worker');
    ok(await api.patch(`/api/memberships/${before.id}`, { role: 'supervisor' }, { as: owner }));
    return { id: before.id, before, expected: await get(`/api/memberships/${before.id}`), sender: owner };
  },
  'delete:membership': async () => {
    const expected = await member('worker');
    ok(await api.delete(`/api/memberships/${expected.id}`, { as: owner }), 204);
    return { id: expected.id, expected, sender: owner };
  },
};

/** before_update and changes as webhooks.md defines them, from two GETs. */
function diff(before: Record<string, UntypedJson>, after: Record<string, UntypedJson>) {
  const beforeUpdate: Record<string, unknown> = {};
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (key === 'updated_date' || JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    beforeUpdate[key] = before[key];
    changes[key] = { from: before[key], to: after[key] };
  }
  return { beforeUpdate, changes };
}

describe('every catalog event reaches its webhooks with the representation of the moment', () => {
  it('has a scenario for each of the 21 keys', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...ALL_KEYS].sort());
    expect(ALL_KEYS).toHaveLength(21);
    expect(PROJECT_KEYS).toHaveLength(14);
  });

  it.each(eventsFor('organization').map((e) => [e.key, e]))('%s', async (key, entry) => {
    const [action, resource] = key.split(':');
    const outcome = await SCENARIOS[key]();
    const hooks: { id: number; receiver: Receiver }[] = [{ id: orgHook.id, receiver: orgReceiver }];
    if (isAllowedFor(entry, 'project')) {
      expect(outcome.projectHook, 'project keys are checked on a project webhook too').toBeDefined();
      hooks.push(outcome.projectHook!);
    } else {
      expect(outcome.projectHook).toBeUndefined();
    }
    // The project webhook of a deleted project is gone from the API; the org one still answers.
    await settle(owner, key === 'delete:project' ? [orgHook.id] : hooks.map((h) => h.id));

    const expectedKeys =
      action === 'update'
        ? ['event', resource, 'before_update', 'changes', 'webhook_id', 'sender']
        : ['event', resource, 'webhook_id', 'sender'];
    for (const hook of hooks) {
      const payloads = await onePayload(hook.receiver, key, outcome.id);
      expect(payloads, `${key} to webhook ${hook.id}: exactly one copy`).toHaveLength(1);
      const [payload] = payloads;
      expect(Object.keys(payload)).toEqual(expectedKeys);
      expect(payload.event).toBe(key);
      // The catalog's JSON Schema of this event describes the real payload (lib/webhooks/event-payloads.ts).
      const checked = payloadSchemaOf(entry).safeParse(payload);
      expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
      expect(payload[resource]).toEqual(outcome.expected);
      expect(payload.webhook_id).toBe(hook.id);
      expect(payload.sender).toEqual(basicUser(outcome.sender, outcome.senderNames ?? NAMES));
      expect(Object.keys(payload.sender)).toEqual(['url', 'id', 'username', 'first_name', 'last_name']);
      if (action === 'update') {
        const { beforeUpdate, changes } = diff(outcome.before!, outcome.expected);
        expect(Object.keys(changes).length).toBeGreaterThan(0);
        expect(payload.before_update).toEqual(beforeUpdate);
        expect(payload.changes).toEqual(changes);
      }
    }
    // Project webhooks hear nothing of organization-only keys: no project webhook of this org got it.
    if (!isAllowedFor(entry, 'project'))
      for (const p of projectHooksSeen()) expect(payloadsOf(p, key)).toEqual([]);
  });
});

function projectHooksSeen(): Receiver[] {
  return pool.started().filter((r) => r !== orgReceiver);
}

describe('GET /api/webhooks/events', () => {
  it.each([
    ['project', 14],
    ['organization', 21],
    ['server', 5],
    ['all', 26],
  ] as const)('type=%s lists %i keys in catalog order with their group', async (type, n) => {
    const reply = await api.get(`/api/webhooks/events?type=${type}`, { as: owner });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body)).toEqual(['webhook_type', 'events']);
    expect(reply.body.webhook_type).toBe(type);
    const expected = eventsFor(type).map((e) => ({
      key: e.key,
      group: { display_name: e.group },
      description: e.description,
    }));
    expect(reply.body.events).toEqual(expected);
    expect(reply.body.events).toHaveLength(n);
    if (type === 'project')
      expect(reply.body.events.map((e: UntypedJson) => e.key)).not.toContain('create:project');
  });

  it('spells groups as webhooks.md does', async () => {
    const reply = await api.get('/api/webhooks/events?type=organization', { as: owner });
    const groups = [...new Set(reply.body.events.map((e: UntypedJson) => e.group.display_name))];
    expect(groups).toEqual([
      'Project',
      'Task',
      'Job',
      'Issue',
      'Comment',
      'Organization',
      'Invitation',
      'Membership',
    ]);
  });

  it('refuses an unknown type (400) and a caller without credentials (401)', async () => {
    const bad = await api.get('/api/webhooks/events?type=team', { as: owner });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ type: ['"team" is not a valid choice.'] });
    const anonymous = await api.get('/api/webhooks/events?type=project');
    expect(anonymous.status).toBe(401);
  });
});
