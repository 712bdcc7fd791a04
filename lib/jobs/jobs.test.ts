import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, createTeam, expectClientError, ids, jobsOf } from '@/lib/testing/fixtures';
import { api } from '@/lib/testing/test-api';

const JOB_KEYS = [
  'url',
  'id',
  'task_id',
  'project_id',
  'assignee',
  'stage',
  'state',
  'status',
  'start_frame',
  'stop_frame',
  'frame_count',
  'mode',
  'dimension',
  'bug_tracker',
  'organization',
  'created_date',
  'updated_date',
  'assignee_updated_date',
  'issues',
  'type',
].sort();

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('jobs', () => {
  let t: Team;
  let project: { id: number };
  let task: { id: number };
  let other: { id: number };
  let jobs: { id: number }[];
  let otherJobs: { id: number }[];
  beforeAll(async () => {
    t = await createTeam();
    const ctx = `?org=${t.org.slug}`;
    project = (
      await api.post(`/api/projects${ctx}`, { name: 'jobs', labels: [{ name: 'a' }] }, { as: t.owner })
    ).body;
    task = await createTask(
      t.owner,
      { name: 'five', project_id: project.id, segment_size: 2 },
      { frames: 5 },
    );
    other = await createTask(t.owner, { name: 'other' }, { frames: 1, query: ctx });
    jobs = await jobsOf(task.id, t.owner);
    otherJobs = await jobsOf(other.id, t.owner);
  });

  it('has the representation of api.md', async () => {
    const job = await api.get(`/api/jobs/${jobs[2].id}`, { as: t.owner });
    expect(job.status).toBe(200);
    expect(Object.keys(job.body).sort()).toEqual(JOB_KEYS);
    expect(job.body).toMatchObject({
      url: `http://herald.test/api/jobs/${jobs[2].id}`,
      task_id: task.id,
      project_id: project.id,
      assignee: null,
      stage: 'annotation',
      state: 'new',
      status: 'annotation',
      start_frame: 4,
      stop_frame: 4,
      frame_count: 1,
      mode: 'annotation',
      dimension: '2d',
      organization: t.org.id,
      assignee_updated_date: null,
      issues: { count: 0, url: `http://herald.test/api/issues?job_id=${jobs[2].id}` },
      type: 'annotation',
    });
    expect((await api.get(`/api/jobs/${jobs[0].id}`, { as: t.owner })).body).toMatchObject({
      start_frame: 0,
      stop_frame: 1,
      frame_count: 2,
    });
  });

  it('filters by task_id, project_id, assignee, stage and state', async () => {
    const [a, b] = jobs;
    expect(
      (
        await api.patch(
          `/api/jobs/${a.id}`,
          { assignee: t.worker.id, stage: 'validation', state: 'in progress' },
          { as: t.owner },
        )
      ).status,
    ).toBe(200);
    const ctx = `org=${t.org.slug}&page_size=all&sort=id`;
    expect(ids(await api.get(`/api/jobs?${ctx}&task_id=${task.id}`, { as: t.owner }))).toEqual(
      jobs.map((j) => j.id),
    );
    expect(ids(await api.get(`/api/jobs?${ctx}&project_id=${project.id}`, { as: t.owner }))).toEqual(
      jobs.map((j) => j.id),
    );
    expect(ids(await api.get(`/api/jobs?${ctx}`, { as: t.owner }))).toEqual(
      [...jobs, ...otherJobs].map((j) => j.id),
    );
    expect(ids(await api.get(`/api/jobs?${ctx}&assignee=${t.worker.username}`, { as: t.owner }))).toEqual([
      a.id,
    ]);
    expect(ids(await api.get(`/api/jobs?${ctx}&stage=validation`, { as: t.owner }))).toEqual([a.id]);
    expect(ids(await api.get(`/api/jobs?${ctx}&state=in%20progress`, { as: t.owner }))).toEqual([a.id]);
    expect(ids(await api.get(`/api/jobs?${ctx}&state=new&task_id=${task.id}`, { as: t.owner }))).toEqual([
      b.id,
      jobs[2].id,
    ]);
    for (const [query, field] of [
      ['stage=done', 'stage'],
      ['state=old', 'state'],
      ['task_id=abc', 'task_id'],
      ['project_id=-1', 'project_id'],
      ['assignee=99999999999', 'assignee'],
      ['sort=nope', 'sort'],
    ]) {
      const reply = await api.get(`/api/jobs?org=${t.org.slug}&${query}`, { as: t.owner });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body)).toEqual([field]);
    }
    // The task follows its least advanced job.
    expect((await api.get(`/api/tasks/${task.id}`, { as: t.owner })).body.status).toBe('annotation');
  });

  it('is updated: assignee, stage, state, with validation', async () => {
    const job = jobs[1];
    const patched = await api.patch(
      `/api/jobs/${job.id}`,
      { assignee: t.supervisor.id, stage: 'acceptance', state: 'completed' },
      { as: t.maintainer },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      assignee: { id: t.supervisor.id },
      stage: 'acceptance',
      state: 'completed',
      status: 'completed',
    });
    expect(patched.body.assignee_updated_date).toMatch(/Z$/);
    const seg = (await api.get(`/api/tasks/${task.id}`, { as: t.owner })).body.segments[1].jobs[0];
    expect(seg).toMatchObject({
      id: job.id,
      stage: 'acceptance',
      state: 'completed',
      status: 'completed',
      assignee: { id: t.supervisor.id },
    });

    const stage = await api.patch(`/api/jobs/${job.id}`, { stage: 'review' }, { as: t.owner });
    expectClientError(stage, 400);
    expect(Object.keys(stage.body)).toEqual(['stage']);
    const state = await api.patch(`/api/jobs/${job.id}`, { state: 7 }, { as: t.owner });
    expect(Object.keys(state.body)).toEqual(['state']);
    // Any user may be assigned, as in CVAT; a non-member assignee still cannot reach the organization's job.
    const outsider = await api.patch(`/api/jobs/${job.id}`, { assignee: t.stranger.id }, { as: t.owner });
    expect(outsider.status, JSON.stringify(outsider.body)).toBe(200);
    expect(outsider.body.assignee).toMatchObject({ id: t.stranger.id, username: t.stranger.username });
    expect((await api.get(`/api/jobs/${job.id}`, { as: t.stranger })).status).toBe(403);
    expect((await api.patch(`/api/jobs/${job.id}`, { state: 'new' }, { as: t.stranger })).status).toBe(403);
    expect(ids(await api.get('/api/jobs?page_size=all', { as: t.stranger }))).toEqual([]);
    expect(ids(await api.get(`/api/tasks?page_size=all`, { as: t.stranger }))).toEqual([]);
    expect((await api.get(`/api/jobs?org=${t.org.slug}`, { as: t.stranger })).status).toBe(403);
    for (const assignee of [2147483647, -1, 'bob', 1.5, 1e12]) {
      const reply = await api.patch(`/api/jobs/${job.id}`, { assignee }, { as: t.owner });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body)).toEqual(['assignee']);
    }
    expect(
      Object.keys((await api.patch(`/api/jobs/${job.id}`, { task_id: 1 }, { as: t.owner })).body),
    ).toEqual(['task_id']);
    const unassigned = await api.patch(`/api/jobs/${job.id}`, { assignee: null }, { as: t.owner });
    expect(unassigned.body.assignee).toBeNull();
    expect((await api.get(`/api/jobs/${job.id}`, { as: t.owner })).body).toMatchObject({
      assignee: null,
      stage: 'acceptance',
      state: 'completed',
    });
    for (const bad of ['0', '-1', 'abc', '99999999999', '2147483647'])
      expectClientError(await api.patch(`/api/jobs/${bad}`, { state: 'new' }, { as: t.owner }), 404);
  });

  it('a worker sees and updates only the jobs assigned to them', async () => {
    const [mine, notMine] = jobs;
    expect((await api.patch(`/api/jobs/${mine.id}`, { assignee: t.worker.id }, { as: t.owner })).status).toBe(
      200,
    );
    expect(ids(await api.get(`/api/jobs?org=${t.org.slug}&page_size=all`, { as: t.worker }))).toEqual([
      mine.id,
    ]);
    expect((await api.get(`/api/jobs/${mine.id}`, { as: t.worker })).status).toBe(200);
    const done = await api.patch(`/api/jobs/${mine.id}`, { state: 'completed' }, { as: t.worker });
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('completed');
    expectClientError(await api.get(`/api/jobs/${notMine.id}`, { as: t.worker }), 403);
    expectClientError(
      await api.patch(`/api/jobs/${notMine.id}`, { state: 'completed' }, { as: t.worker }),
      403,
    );
    expectClientError(await api.get(`/api/jobs/${otherJobs[0].id}`, { as: t.worker }), 403);
    expectClientError(await api.get(`/api/jobs/${mine.id}`, { as: t.stranger }), 403);
    expect(ids(await api.get('/api/jobs?page_size=all', { as: t.stranger }))).toEqual([]);
    // Supervisors see all jobs but change only those they own or are assigned to.
    expect((await api.get(`/api/jobs/${notMine.id}`, { as: t.supervisor })).status).toBe(200);
    expectClientError(
      await api.patch(`/api/jobs/${otherJobs[0].id}`, { state: 'completed' }, { as: t.supervisor }),
      403,
    );
    expect((await api.get(`/api/jobs/${otherJobs[0].id}`, { as: t.owner })).body.state).toBe('new');
  });
});
