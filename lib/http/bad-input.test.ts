import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { createTask, createTeam, expectClientError, jobsOf, recordEvents } from '@/lib/testing/fixtures';
import { answerCheck, BAD_IDS, BAD_LIST_PARAMS, sweepEndpoint, type Endpoint } from '@/lib/testing/bad-input';
import { api, call, createUser, type TestUser } from '@/lib/testing/test-api';
import { eventListeners, receiverPool } from '@/lib/testing/webhook-helpers';

/**
 * A generated sweep: every JSON endpoint gets malformed JSON, non-objects, wrong content types, unknown
 * fields, and each field replaced by values no field accepts. Every answer must be a 4xx with a message
 * (400 naming the field for field errors), and nothing may be written: no event reaches the outbox and
 * the objects read the same afterwards.
 */

const pool = receiverPool();
const listeners = eventListeners(pool);
afterAll(async () => {
  await listeners.removeAll();
  await pool.closeAll();
});

describe('bad input on every endpoint', () => {
  let t: Awaited<ReturnType<typeof createTeam>>;
  let endpoints: Endpoint[];
  let reads: [string, TestUser][];
  let snapshot: () => Promise<unknown[]>;
  let ids: Record<string, number | string>;

  beforeAll(async () => {
    t = await createTeam();
    const { owner, org } = t;
    const invitee = await createUser('bad');
    // Webhooks on every event of the organization and of the installation (accounts, organizations), so
    // that whatever the sweep wrote would reach the outbox.
    const admin = await createUser('badadm');
    await (await getDb()).update(users).set({ isSuperuser: true }).where(eq(users.id, admin.id));
    await listeners.org(owner, org.slug);
    await listeners.server(admin);
    const project = (
      await api.post(`/api/projects?org=${org.slug}`, { name: 'p', labels: [{ name: 'a' }] }, { as: owner })
    ).body;
    const task = await createTask(owner, { name: 't', project_id: project.id }, { frames: 2 });
    const [job] = await jobsOf(task.id, owner);
    const issue = (
      await api.post('/api/issues', { job: job.id, frame: 0, position: [0, 0], message: 'm' }, { as: owner })
    ).body;
    const comment = (await api.post('/api/comments', { issue: issue.id, message: 'c' }, { as: owner })).body;
    const invitation = (
      await api.post(
        `/api/invitations?org=${org.slug}`,
        { role: 'worker', email: invitee.email },
        { as: owner },
      )
    ).body;
    ids = {
      org: org.id,
      membership: t.memberships.worker.id,
      project: project.id,
      task: task.id,
      job: job.id,
      issue: issue.id,
      comment: comment.id,
      invitation: invitation.key,
    };

    endpoints = [
      {
        method: 'POST',
        path: '/api/auth/register',
        as: null,
        body: {
          username: 'sweep',
          email: 'sweep@example.test',
          password1: 'long-enough',
          password2: 'long-enough',
          first_name: 'a',
          last_name: 'b',
        },
      },
      {
        method: 'POST',
        path: '/api/auth/login',
        as: null,
        body: { username: owner.username, password: owner.password },
      },
      {
        method: 'POST',
        path: '/api/organizations',
        as: owner,
        body: { slug: 'sweep', name: 'n', description: 'd', contact: { a: 'b' } },
      },
      {
        method: 'PATCH',
        path: `/api/organizations/${org.id}`,
        as: owner,
        body: { name: 'n', description: 'd', contact: { a: 'b' } },
      },
      {
        method: 'PATCH',
        path: `/api/memberships/${ids.membership}`,
        as: owner,
        body: { role: 'supervisor' },
      },
      {
        method: 'POST',
        path: `/api/invitations?org=${org.slug}`,
        as: owner,
        body: { role: 'worker', email: t.stranger.email },
      },
      {
        method: 'POST',
        path: `/api/projects?org=${org.slug}`,
        as: owner,
        body: { name: 'n', labels: [{ name: 'l' }], assignee_id: owner.id, bug_tracker: 'b' },
      },
      {
        method: 'PATCH',
        path: `/api/projects/${project.id}`,
        as: owner,
        body: {
          name: 'n',
          labels: [{ name: 'l2' }],
          assignee_id: owner.id,
          owner_id: owner.id,
          bug_tracker: 'b',
          status: 'validation',
        },
      },
      {
        method: 'POST',
        path: '/api/tasks',
        as: owner,
        body: {
          name: 'n',
          project_id: project.id,
          segment_size: 2,
          overlap: 0,
          assignee_id: owner.id,
          bug_tracker: 'b',
          subset: 's',
        },
      },
      {
        method: 'PATCH',
        path: `/api/tasks/${task.id}`,
        as: owner,
        body: { name: 'n', assignee_id: owner.id, owner_id: owner.id, bug_tracker: 'b', subset: 's' },
      },
      {
        method: 'PATCH',
        path: `/api/jobs/${job.id}`,
        as: owner,
        body: { assignee: owner.id, stage: 'validation', state: 'completed' },
      },
      {
        method: 'POST',
        path: '/api/issues',
        as: owner,
        body: { job: job.id, frame: 1, position: [1, 2], message: 'm', assignee: owner.id },
      },
      {
        method: 'PATCH',
        path: `/api/issues/${issue.id}`,
        as: owner,
        body: { resolved: true, position: [3, 4], assignee: owner.id },
      },
      { method: 'POST', path: '/api/comments', as: owner, body: { issue: issue.id, message: 'm' } },
      { method: 'PATCH', path: `/api/comments/${comment.id}`, as: owner, body: { message: 'm' } },
    ];
    reads = [
      [`/api/organizations/${org.id}`, owner],
      [`/api/memberships?org=${org.slug}&page_size=all`, owner],
      [`/api/invitations?org=${org.slug}&page_size=all`, owner],
      [`/api/organizations?page_size=all`, owner],
      [`/api/projects?page_size=all`, owner],
      [`/api/tasks?page_size=all`, owner],
      [`/api/jobs?page_size=all`, owner],
      [`/api/issues?page_size=all`, owner],
      [`/api/comments?page_size=all`, owner],
      [`/api/users?page_size=all`, owner],
    ];
    snapshot = () => Promise.all(reads.map(async ([path, user]) => (await api.get(path, { as: user })).body));
  });

  it('answers 4xx naming the field and writes nothing', async () => {
    const before = await snapshot();
    const { check, failures } = answerCheck();
    // Every message written meanwhile, whoever it is for: nothing else runs while this file does.
    const events = await recordEvents(async () => {
      for (const e of endpoints) await sweepEndpoint(e, check);
    }, null);
    expect(failures).toEqual([]);
    expect(events.map((e) => e.event)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 for ids that cannot exist, in every path', async () => {
    const owner = t.owner;
    const failures: string[] = [];
    // A valid PATCH body for each resource, so that only the id is wrong.
    const patches: Record<string, object | null> = {
      organizations: { name: 'x' },
      memberships: { role: 'worker' },
      projects: { name: 'x' },
      tasks: { name: 'x' },
      jobs: { state: 'new' },
      issues: { resolved: true },
      comments: { message: 'x' },
      users: { first_name: 'x' },
    };
    for (const [resource, patch] of Object.entries(patches)) {
      for (const id of BAD_IDS) {
        for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
          // DELETE of a user is for administrators: a caller who is not one is refused before the id is looked up.
          if ((resource === 'users' && method === 'DELETE') || (resource === 'jobs' && method === 'DELETE'))
            continue;
          const reply = await call(
            method,
            `/api/${resource}/${encodeURIComponent(id)}`,
            method === 'PATCH' ? patch : undefined,
            { as: owner },
          );
          if (reply.status !== 404 || !reply.body?.detail)
            failures.push(
              `${method} ${resource}/${id}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 100)}`,
            );
        }
      }
    }
    for (const id of BAD_IDS) {
      const path = `/api/tasks/${encodeURIComponent(id)}/data`;
      const got = await api.get(`${path}?type=frame&number=0`, { as: owner });
      if (got.status !== 404) failures.push(`GET ${path}: ${got.status}`);
      const posted = await call('POST', path, undefined, { as: owner, raw: new FormData() });
      if (posted.status !== 404) failures.push(`POST ${path}: ${posted.status}`);
    }
    for (const key of ['nope', 'x'.repeat(500), '\u0000', ' ']) {
      for (const [method, suffix] of [
        ['GET', ''],
        ['DELETE', ''],
        ['POST', '/accept'],
        ['POST', '/decline'],
      ] as const) {
        const reply = await call(method, `/api/invitations/${encodeURIComponent(key)}${suffix}`, undefined, {
          as: owner,
        });
        if (reply.status !== 404)
          failures.push(
            `${method} invitations/${JSON.stringify(key).slice(0, 20)}${suffix}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 100)}`,
          );
      }
    }
    expect(failures).toEqual([]);
    // Sanity: the real ids are found.
    for (const [resource, id] of [
      ['organizations', ids.org],
      ['projects', ids.project],
      ['jobs', ids.job],
      ['comments', ids.comment],
    ]) {
      expect((await api.get(`/api/${resource}/${id}`, { as: owner })).status).toBe(200);
    }
  });

  it('answers 4xx for bad query parameters on every list', async () => {
    const owner = t.owner;
    const failures: string[] = [];
    const lists = [
      'organizations',
      'memberships',
      'invitations',
      'projects',
      'tasks',
      'jobs',
      'issues',
      'comments',
      'users',
    ];
    for (const list of lists) {
      for (const param of BAD_LIST_PARAMS) {
        const reply = await api.get(`/api/${list}?${param}`, { as: owner });
        // A filter this resource does not have is ignored (200); anything else must be a 4xx with a message.
        if (
          reply.status >= 500 ||
          (reply.status >= 400 && !reply.body) ||
          (reply.status >= 300 && reply.status < 400)
        ) {
          failures.push(`${list}?${param}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 100)}`);
        }
      }
      const header = await api.get(`/api/${list}`, {
        as: owner,
        headers: { 'x-organization': 'x'.repeat(300) },
      });
      if (header.status !== 404) failures.push(`${list} X-Organization long: ${header.status}`);
    }
    expect(failures).toEqual([]);
    expectClientError(await api.get('/api/projects?page=0', { as: owner }), 400);
    expectClientError(await api.get('/api/projects?search=%00', { as: owner }), 400);
  });
});
