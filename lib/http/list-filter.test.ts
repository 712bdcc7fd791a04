import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, createTeam, ids, jobsOf } from '@/lib/testing/fixtures';
import { api, unique, type TestUser } from '@/lib/testing/test-api';

// CVAT's `filter` (JSON Logic) on every list, through the real routes: it selects what it says, and an
// invalid filter is a 400 that names the parameter instead of the whole list (webhooks.md, "Following CVAT").

let t: Awaited<ReturnType<typeof createTeam>>;
let p1: { id: number; name: string };
let p2: { id: number; name: string };
let task1: { id: number; name: string };
let task2: { id: number; name: string };
let jobIds: number[];
let issueIds: number[];
let commentIds: number[];
let hookIds: number[];

const q = (filter: unknown) =>
  `filter=${encodeURIComponent(typeof filter === 'string' ? filter : JSON.stringify(filter))}`;
const v = (field: string) => ({ var: field });

async function listed(path: string, filter: unknown, as: TestUser = t.owner): Promise<number[]> {
  const reply = await api.get(`${path}${path.includes('?') ? '&' : '?'}${q(filter)}&page_size=all`, { as });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return ids(reply).sort((a, b) => a - b);
}

beforeAll(async () => {
  t = await createTeam();
  const org = `?org=${t.org.slug}`;
  const project = async () =>
    (
      await api.post(
        `/api/projects${org}`,
        { name: unique('flt'), labels: [{ name: 'car' }] },
        { as: t.owner },
      )
    ).body;
  [p1, p2] = [await project(), await project()];
  task1 = await createTask(t.owner, { project_id: p1.id, segment_size: 1 }, { frames: 2 });
  task2 = await createTask(t.owner, { project_id: p2.id }, { frames: 1 });
  jobIds = [...(await jobsOf(task1.id, t.owner)), ...(await jobsOf(task2.id, t.owner))].map((j) => j.id);
  issueIds = [];
  for (const [job, frame] of [
    [jobIds[0], 0],
    [jobIds[1], 1],
  ] as const) {
    const issue = await api.post(
      `/api/issues${org}`,
      { job, frame, position: [1, 1, 2, 2], message: `on ${job}` },
      { as: t.owner },
    );
    expect(issue.status, JSON.stringify(issue.body)).toBe(201);
    issueIds.push(issue.body.id);
  }
  const comments = await api.get(`/api/comments${org}&page_size=all&sort=id`, { as: t.owner });
  commentIds = ids(comments);
  hookIds = [];
  for (const pid of [p1.id, p2.id]) {
    const hook = await api.post(
      '/api/webhooks',
      { target_url: 'http://127.0.0.1:9/hook', type: 'project', project_id: pid, events: ['update:project'] },
      { as: t.owner },
    );
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    hookIds.push(hook.body.id);
  }
});

describe('filter selects', () => {
  it('webhooks by project_id (the CVAT test filter) and by owner', async () => {
    expect(await listed('/api/webhooks', { and: [{ '==': [v('project_id'), p1.id] }] })).toEqual([
      hookIds[0],
    ]);
    expect(await listed('/api/webhooks', { in: [v('project_id'), [p1.id, p2.id]] })).toEqual(hookIds);
    expect(await listed('/api/webhooks', { '==': [v('owner'), t.owner.username] })).toEqual(hookIds);
    expect(await listed('/api/webhooks', { '==': [v('owner'), t.worker.username] })).toEqual([]);
  });

  it('projects by name and owner', async () => {
    expect(await listed(`/api/projects?org=${t.org.slug}`, { '==': [v('name'), p2.name] })).toEqual([p2.id]);
    expect(
      await listed(`/api/projects?org=${t.org.slug}`, {
        and: [{ '==': [v('owner'), t.owner.username] }, { '!=': [v('id'), p1.id] }],
      }),
    ).toEqual([p2.id]);
  });

  it('tasks by project, project name and computed status', async () => {
    expect(await listed('/api/tasks', { in: [v('project_id'), [p1.id]] })).toEqual([task1.id]);
    expect(await listed('/api/tasks', { '==': [v('project_name'), p2.name] })).toEqual([task2.id]);
    expect(await listed(`/api/tasks?org=${t.org.slug}`, { '==': [v('status'), 'annotation'] })).toEqual([
      task1.id,
      task2.id,
    ]);
    for (const job of jobIds.slice(0, 2))
      expect((await api.patch(`/api/jobs/${job}`, { stage: 'acceptance' }, { as: t.owner })).status).toBe(
        200,
      );
    expect(await listed(`/api/tasks?org=${t.org.slug}`, { '==': [v('status'), 'completed'] })).toEqual([
      task1.id,
    ]);
    expect(await listed(`/api/tasks?org=${t.org.slug}`, { '==': [v('dimension'), '2d'] })).toEqual([
      task1.id,
      task2.id,
    ]);
  });

  it('jobs by task, task name and stage', async () => {
    expect(await listed('/api/jobs', { '==': [v('task_id'), task2.id] })).toEqual([jobIds[2]]);
    expect(await listed('/api/jobs', { '==': [v('task_name'), task1.name] })).toEqual(jobIds.slice(0, 2));
    expect(
      await listed(`/api/jobs?org=${t.org.slug}`, {
        and: [{ '==': [v('project_id'), p1.id] }, { '==': [v('stage'), 'acceptance'] }],
      }),
    ).toEqual(jobIds.slice(0, 2));
  });

  it('issues by job, frame and resolution; comments by issue and job', async () => {
    expect(await listed('/api/issues', { '==': [v('job_id'), jobIds[1]] })).toEqual([issueIds[1]]);
    expect(
      await listed('/api/issues', { and: [{ '==': [v('frame_id'), 0] }, { '==': [v('resolved'), false] }] }),
    ).toEqual([issueIds[0]]);
    expect(await listed('/api/comments', { '==': [v('job_id'), jobIds[0]] })).toEqual([commentIds[0]]);
    expect(await listed('/api/comments', { in: [v('issue_id'), issueIds] })).toEqual(commentIds);
  });

  it('organizations, memberships, invitations, users', async () => {
    expect(await listed('/api/organizations', { '==': [v('slug'), t.org.slug] })).toEqual([t.org.id]);
    expect(await listed('/api/organizations', { '==': [v('slug'), 'no-such-org'] })).toEqual([]);
    const workers = await api.get(
      `/api/memberships?org=${t.org.slug}&${q({ '==': [v('role'), 'worker'] })}`,
      { as: t.owner },
    );
    expect(workers.body.results.map((m: { user: { id: number } }) => m.user.id)).toEqual([t.worker.id]);
    const accepted = await api.get(
      `/api/invitations?org=${t.org.slug}&${q({ '==': [v('accepted'), true] })}&page_size=all`,
      { as: t.owner },
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body.results.map((i: { user: { id: number } }) => i.user.id).sort()).toEqual(
      [t.maintainer.id, t.supervisor.id, t.worker.id].sort(),
    );
    const pending = await api.get(
      `/api/invitations?org=${t.org.slug}&${q({ '==': [v('accepted'), false] })}`,
      { as: t.owner },
    );
    expect(pending.body.count).toBe(0);
    expect(await listed('/api/users', { '==': [v('username'), t.worker.username] })).toEqual([t.worker.id]);
  });

  it('a filter narrows what the caller may see, never widens it', async () => {
    expect(await listed('/api/projects', { '>=': [v('id'), 0] }, t.stranger)).toEqual([]);
    expect(
      await listed('/api/webhooks', { or: [{ '==': [v('project_id'), p1.id] }, { var: 'id' }] }, t.stranger),
    ).toEqual([]);
  });
});

describe('an invalid filter is a 400 naming "filter" on every list', () => {
  const LISTS = [
    '/api/webhooks',
    '/api/projects',
    '/api/tasks',
    '/api/jobs',
    '/api/issues',
    '/api/comments',
    '/api/organizations',
    '/api/memberships',
    '/api/invitations',
    '/api/users',
  ];
  const BAD = [
    'not json',
    '{}',
    '{"like":[{"var":"id"},1]}',
    '{"==":[{"var":"no_such_field"},1]}',
    '{"==":[{"var":"id"}]}',
    '{"==":[{"var":"id"},"x"]}',
  ];

  it.each(LISTS)('%s', async (path) => {
    for (const filter of BAD) {
      const reply = await api.get(`${path}?${q(filter)}`, { as: t.owner });
      expect(reply.status, `${path} ${filter}: ${JSON.stringify(reply.body)}`).toBe(400);
      expect(reply.body.filter?.[0], `${path} ${filter}`).toEqual(expect.any(String));
    }
    // Invitations have no `id` in CVAT's filter fields (their key is a string).
    const field = path === '/api/invitations' ? 'user_id' : 'id';
    const fine = await api.get(`${path}?${q({ '>=': [v(field), 0] })}`, { as: t.owner });
    expect(fine.status, `${path}: ${JSON.stringify(fine.body)}`).toBe(200);
  });
});
