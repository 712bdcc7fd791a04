import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, createTeam, expectClientError, ids, jobsOf } from '@/lib/testing/fixtures';
import { api } from '@/lib/testing/test-api';

const ISSUE_KEYS = [
  'url',
  'id',
  'frame',
  'position',
  'job',
  'owner',
  'assignee',
  'resolved',
  'created_date',
  'updated_date',
  'comments',
].sort();

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('issues', () => {
  let t: Team;
  let jobs: { id: number; start_frame: number; stop_frame: number }[];
  beforeAll(async () => {
    t = await createTeam();
    const task = await createTask(
      t.owner,
      { name: 'issues', segment_size: 3 },
      { frames: 6, query: `?org=${t.org.slug}` },
    );
    jobs = await jobsOf(task.id, t.owner);
    await api.patch(`/api/jobs/${jobs[0].id}`, { assignee: t.worker.id }, { as: t.owner });
  });

  it('creates an issue whose message becomes the first comment', async () => {
    const job = jobs[1];
    const created = await api.post(
      '/api/issues',
      {
        job: job.id,
        frame: 4,
        position: [1, 2.5, 30, 40],
        message: 'looks wrong',
        assignee: t.supervisor.id,
      },
      { as: t.maintainer },
    );
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(ISSUE_KEYS);
    expect(created.body).toMatchObject({
      url: `http://herald.test/api/issues/${created.body.id}`,
      frame: 4,
      position: [1, 2.5, 30, 40],
      job: job.id,
      owner: { id: t.maintainer.id },
      assignee: { id: t.supervisor.id },
      resolved: false,
      comments: { count: 1, url: `http://herald.test/api/comments?issue_id=${created.body.id}` },
    });
    expect((await api.get(`/api/issues/${created.body.id}`, { as: t.owner })).body).toEqual(created.body);
    const comments = await api.get(`/api/comments?issue_id=${created.body.id}`, { as: t.owner });
    expect(comments.body.count).toBe(1);
    expect(comments.body.results[0]).toMatchObject({
      issue: created.body.id,
      message: 'looks wrong',
      owner: { id: t.maintainer.id },
    });
    expect((await api.get(`/api/jobs/${job.id}`, { as: t.owner })).body.issues.count).toBe(1);
    expect(ids(await api.get(`/api/issues?job_id=${job.id}`, { as: t.owner }))).toEqual([created.body.id]);
  });

  it('validates frame, position, job, message and assignee', async () => {
    const job = jobs[1]; // frames 3..5
    const base = { job: job.id, frame: 3, position: [0, 0], message: 'm' };
    for (const [body, field] of [
      [{ ...base, frame: 2 }, 'frame'],
      [{ ...base, frame: 6 }, 'frame'],
      [{ ...base, frame: -1 }, 'frame'],
      [{ ...base, frame: 1.5 }, 'frame'],
      [{ ...base, frame: '3' }, 'frame'],
      [{ ...base, position: [] }, 'position'],
      [{ ...base, position: [1, 2, 3] }, 'position'],
      [{ ...base, position: [1, 'a'] }, 'position.1'],
      [{ ...base, position: 'here' }, 'position'],
      [{ ...base, position: [1e308, 1] }, 'position.0'],
      [{ ...base, position: Array(1002).fill(1) }, 'position'],
      [{ ...base, job: 2147483647 }, 'job'],
      [{ ...base, job: 0 }, 'job'],
      [{ ...base, message: '' }, 'message'],
      [{ ...base, message: '   ' }, 'message'],
      [{ ...base, message: 'x'.repeat(4097) }, 'message'],
      [{ ...base, message: null }, 'message'],
      [{ ...base, assignee: t.stranger.id }, 'assignee'],
      [{ ...base, resolved: true }, 'resolved'],
    ] as const) {
      const reply = await api.post('/api/issues', body, { as: t.owner });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body), JSON.stringify(body).slice(0, 80)).toEqual([field]);
    }
    expect(ids(await api.get(`/api/issues?job_id=${job.id}&page_size=all`, { as: t.owner })).length).toBe(1);
    expectClientError(
      await api.post('/api/issues', { ...base, job: jobs[0].id, frame: 0 }, { as: t.stranger }),
      403,
    );
  });

  it('is updated: resolved, position, assignee', async () => {
    const issue = (
      await api.post(
        '/api/issues',
        { job: jobs[2]?.id ?? jobs[1].id, frame: jobs[1].start_frame, position: [5, 5], message: 'fix' },
        { as: t.owner },
      )
    ).body;
    const patched = await api.patch(
      `/api/issues/${issue.id}`,
      { resolved: true, position: [6, 6, 7, 7], assignee: t.maintainer.id },
      { as: t.owner },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      resolved: true,
      position: [6, 6, 7, 7],
      assignee: { id: t.maintainer.id },
    });
    const cleared = await api.patch(`/api/issues/${issue.id}`, { assignee: null }, { as: t.owner });
    expect(cleared.body).toMatchObject({ assignee: null, resolved: true, position: [6, 6, 7, 7] });
    for (const [body, field] of [
      [{ resolved: 'yes' }, 'resolved'],
      [{ position: [1] }, 'position'],
      [{ assignee: t.stranger.id }, 'assignee'],
      [{ frame: 1 }, 'frame'],
      [{ message: 'x' }, 'message'],
    ] as const) {
      const reply = await api.patch(`/api/issues/${issue.id}`, body, { as: t.owner });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body)).toEqual([field]);
    }
    expect((await api.get(`/api/issues/${issue.id}`, { as: t.owner })).body).toMatchObject({
      assignee: null,
      resolved: true,
    });
    expect(ids(await api.get(`/api/issues?resolved=true&job_id=${issue.job}`, { as: t.owner }))).toEqual([
      issue.id,
    ]);
    expectClientError(await api.get('/api/issues?resolved=maybe', { as: t.owner }), 400);
    expectClientError(await api.get('/api/issues?job_id=abc', { as: t.owner }), 400);
  });

  it('a worker sees and raises issues on their jobs only', async () => {
    const mine = jobs[0];
    const raised = await api.post(
      '/api/issues',
      { job: mine.id, frame: 0, position: [1, 1], message: 'by worker' },
      { as: t.worker },
    );
    expect(raised.status).toBe(201);
    const foreign = (
      await api.post(
        '/api/issues',
        { job: jobs[1].id, frame: 3, position: [1, 1], message: 'other' },
        { as: t.owner },
      )
    ).body;
    expectClientError(
      await api.post(
        '/api/issues',
        { job: jobs[1].id, frame: 3, position: [1, 1], message: 'w' },
        { as: t.worker },
      ),
      403,
    );
    expectClientError(await api.get(`/api/issues/${foreign.id}`, { as: t.worker }), 403);
    expect(ids(await api.get(`/api/issues?org=${t.org.slug}&page_size=all`, { as: t.worker }))).toEqual([
      raised.body.id,
    ]);
    expect(
      (await api.patch(`/api/issues/${raised.body.id}`, { resolved: true }, { as: t.worker })).status,
    ).toBe(200);
    expectClientError(
      await api.patch(`/api/issues/${foreign.id}`, { resolved: true }, { as: t.worker }),
      403,
    );
    expectClientError(await api.get(`/api/issues/${foreign.id}`, { as: t.stranger }), 403);
    expect(ids(await api.get('/api/issues?page_size=all', { as: t.stranger }))).toEqual([]);
  });

  it('deleting an issue removes its comments', async () => {
    const issue = (
      await api.post(
        '/api/issues',
        { job: jobs[0].id, frame: 1, position: [1, 1], message: 'first' },
        { as: t.owner },
      )
    ).body;
    const reply = (await api.post('/api/comments', { issue: issue.id, message: 'second' }, { as: t.worker }))
      .body;
    const all = ids(await api.get(`/api/comments?issue_id=${issue.id}`, { as: t.owner }));
    expect(all).toHaveLength(2);
    expectClientError(await api.delete(`/api/issues/${issue.id}`, { as: t.worker }), 403);
    expect((await api.delete(`/api/issues/${issue.id}`, { as: t.owner })).status).toBe(204);
    expectClientError(await api.get(`/api/issues/${issue.id}`, { as: t.owner }), 404);
    for (const id of all) expectClientError(await api.get(`/api/comments/${id}`, { as: t.owner }), 404);
    expectClientError(await api.get(`/api/comments/${reply.id}`, { as: t.worker }), 404);
    for (const bad of ['0', '-1', 'abc', '99999999999'])
      expectClientError(await api.delete(`/api/issues/${bad}`, { as: t.owner }), 404);
  });
});
