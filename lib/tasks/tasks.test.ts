import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, createTeam, expectClientError, ids, jobsOf } from '@/lib/testing/fixtures';
import { api, call, createUser, PNG_1X1, uploadImages, type TestUser } from '@/lib/testing/test-api';

// The keys of the seed's `create:task` example, and those `update:task` adds once data is attached; beside them
// CVAT's `jobs` summary (webhooks.md, "Following CVAT").
const SEED_KEYS = [
  'url',
  'id',
  'name',
  'project_id',
  'mode',
  'owner',
  'assignee',
  'bug_tracker',
  'created_date',
  'updated_date',
  'overlap',
  'segment_size',
  'status',
  'labels',
  'segments',
  'dimension',
  'subset',
  'organization',
  'target_storage',
  'source_storage',
];
const KEYS_BEFORE_DATA = [...SEED_KEYS, 'jobs'].sort();
const KEYS_AFTER_DATA = [
  ...KEYS_BEFORE_DATA,
  'data_chunk_size',
  'data_compressed_chunk_type',
  'data_original_chunk_type',
  'size',
  'image_quality',
  'data',
].sort();

/** A multipart upload with arbitrary parts. */
function upload(taskId: number, user: TestUser, parts: [string, Blob | string, string?][]) {
  const form = new FormData();
  for (const [name, value, filename] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, filename);
  }
  return call('POST', `/api/tasks/${taskId}/data`, undefined, { as: user, raw: form });
}
const png = () => new Blob([PNG_1X1], { type: 'image/png' });

/** GET a frame through the real handler and keep its bytes (the harness reads bodies as text). */
async function frameBytes(taskId: number, user: TestUser, number: number) {
  const { GET } = await import('@/app/api/tasks/[id]/data/route');
  const url = `http://herald.test/api/tasks/${taskId}/data?type=frame&number=${number}`;
  const res = await GET(new Request(url, { headers: { authorization: user.auth } }), {
    params: Promise.resolve({ id: String(taskId) }),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

describe('tasks', () => {
  let owner: TestUser;
  let stranger: TestUser;
  beforeAll(async () => {
    [owner, stranger] = await Promise.all([createUser('tko'), createUser('tks')]);
  });

  it('creates a task without a project with exactly the seed keys', async () => {
    const created = await api.post(
      '/api/tasks',
      { name: 'standalone', labels: [{ name: 'car' }, { name: 'bus', color: '#00ff00' }] },
      { as: owner },
    );
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(KEYS_BEFORE_DATA);
    expect(created.body).toMatchObject({
      url: `http://herald.test/api/tasks/${created.body.id}`,
      name: 'standalone',
      project_id: null,
      mode: '',
      owner: {
        url: `http://herald.test/api/users/${owner.id}`,
        id: owner.id,
        username: owner.username,
        first_name: '',
        last_name: '',
      },
      assignee: null,
      bug_tracker: '',
      overlap: null,
      segment_size: 0,
      status: 'annotation',
      segments: [],
      dimension: '2d',
      subset: '',
      organization: null,
      target_storage: { location: 'local', cloud_storage_id: null },
      source_storage: { location: 'local', cloud_storage_id: null },
      jobs: {
        count: 0,
        completed: 0,
        validation: 0,
        url: `http://herald.test/api/jobs?task_id=${created.body.id}`,
      },
    });
    expect(Object.keys(created.body.owner).sort()).toEqual([
      'first_name',
      'id',
      'last_name',
      'url',
      'username',
    ]);
    expect(created.body.labels.map((l: { name: string }) => l.name)).toEqual(['car', 'bus']);
    expect(created.body.labels[1]).toEqual({
      id: expect.any(Number),
      name: 'bus',
      color: '#00ff00',
      attributes: [],
      type: 'any',
      sublabels: [],
      has_parent: false,
    });
    expect((await api.get(`/api/tasks/${created.body.id}`, { as: owner })).body).toEqual(created.body);

    const noLabels = await api.post('/api/tasks', { name: 'no labels' }, { as: owner });
    expectClientError(noLabels, 400);
    expect(Object.keys(noLabels.body)).toEqual(['labels']);
    expectClientError(await api.post('/api/tasks', { name: 'empty labels', labels: [] }, { as: owner }), 400);
  });

  it('creates a task in a project, which uses the project labels', async () => {
    const project = await api.post(
      '/api/projects',
      { name: 'with tasks', labels: [{ name: 'tree' }] },
      { as: owner },
    );
    const task = await api.post(
      '/api/tasks',
      { name: 'in project', project_id: project.body.id, subset: 'train' },
      { as: owner },
    );
    expect(task.status).toBe(201);
    expect(Object.keys(task.body).sort()).toEqual(KEYS_BEFORE_DATA);
    expect(task.body).toMatchObject({
      project_id: project.body.id,
      subset: 'train',
      labels: project.body.labels,
    });
    const own = await api.post(
      '/api/tasks',
      { name: 'x', project_id: project.body.id, labels: [{ name: 'y' }] },
      { as: owner },
    );
    expect(Object.keys(own.body)).toEqual(['labels']);
    const missing = await api.post('/api/tasks', { name: 'x', project_id: 2147483647 }, { as: owner });
    expect(Object.keys(missing.body)).toEqual(['project_id']);
    expectClientError(
      await api.post('/api/tasks', { name: 'x', project_id: project.body.id }, { as: stranger }),
      403,
    );
    // As on create, a task in a project has no labels of its own: PATCH may not rewrite the project's behind its back.
    const relabel = await api.patch(
      `/api/tasks/${task.body.id}`,
      { labels: [{ name: 'bush' }] },
      { as: owner },
    );
    expectClientError(relabel, 400);
    expect(Object.keys(relabel.body)).toEqual(['labels']);
    const p = await api.get(`/api/projects/${project.body.id}`, { as: owner });
    expect(p.body.labels).toEqual(project.body.labels);
    expect(p.body.tasks).toEqual({
      count: 1,
      url: `http://herald.test/api/tasks?project_id=${project.body.id}`,
    });
    expect(p.body.dimension).toBe('2d');
    expect(ids(await api.get(`/api/tasks?project_id=${project.body.id}`, { as: owner }))).toEqual([
      task.body.id,
    ]);
  });

  it('attaches images: segments, jobs, frames and exactly the seed keys', async () => {
    const task = await createTask(owner, { name: 'seven', segment_size: 3 });
    const uploaded = await uploadImages(task.id, owner, 7, 80);
    expect([201, 202]).toContain(uploaded.status);
    const got = await api.get(`/api/tasks/${task.id}`, { as: owner });
    expect(Object.keys(got.body).sort()).toEqual(KEYS_AFTER_DATA);
    expect(got.body).toMatchObject({
      mode: 'annotation',
      size: 7,
      image_quality: 80,
      segment_size: 3,
      overlap: 0,
      data_compressed_chunk_type: 'imageset',
      data_original_chunk_type: 'imageset',
      data: expect.any(Number),
      data_chunk_size: expect.any(Number),
    });
    expect(
      got.body.segments.map((s: { start_frame: number; stop_frame: number }) => [
        s.start_frame,
        s.stop_frame,
      ]),
    ).toEqual([
      [0, 2],
      [3, 5],
      [6, 6],
    ]);
    const jobs = await jobsOf(task.id, owner);
    expect(jobs).toHaveLength(3);
    expect(got.body.segments.map((s: { jobs: { id: number }[] }) => s.jobs.map((j) => j.id))).toEqual(
      jobs.map((j) => [j.id]),
    );
    const segmentJob = got.body.segments[0].jobs[0];
    expect(Object.keys(segmentJob).sort()).toEqual(['assignee', 'id', 'stage', 'state', 'status', 'url']);
    expect(segmentJob).toEqual({
      url: `http://herald.test/api/jobs/${jobs[0].id}`,
      id: jobs[0].id,
      assignee: null,
      status: 'annotation',
      stage: 'annotation',
      state: 'new',
    });
    expect(jobs.map((j) => [j.start_frame, j.stop_frame])).toEqual([
      [0, 2],
      [3, 5],
      [6, 6],
    ]);
    expect(got.body.jobs).toEqual({
      count: 3,
      completed: 0,
      validation: 0,
      url: `http://herald.test/api/jobs?task_id=${task.id}`,
    });
    // CVAT counts a job as completed once it is accepted and completed, and in validation by its stage alone.
    for (const [job, patch] of [
      [jobs[0], { stage: 'acceptance', state: 'completed' }],
      [jobs[1], { stage: 'validation', state: 'completed' }],
      [jobs[2], { stage: 'acceptance' }],
    ] as const) {
      expect((await api.patch(`/api/jobs/${job.id}`, patch, { as: owner })).status).toBe(200);
    }
    const summarized = (await api.get(`/api/tasks/${task.id}`, { as: owner })).body;
    expect(summarized.jobs).toEqual({
      count: 3,
      completed: 1,
      validation: 1,
      url: `http://herald.test/api/jobs?task_id=${task.id}`,
    });
    expect(
      ids(await api.get(summarized.jobs.url.replace('http://herald.test', ''), { as: owner })).sort(),
    ).toEqual(jobs.map((j) => j.id).sort());
    for (const job of jobs)
      expect(
        (await api.patch(`/api/jobs/${job.id}`, { stage: 'annotation', state: 'new' }, { as: owner })).status,
      ).toBe(200);

    expect(await frameBytes(task.id, owner, 6)).toEqual({ status: 200, type: 'image/png', bytes: PNG_1X1 });
    expectClientError(await api.get(`/api/tasks/${task.id}/data?type=frame&number=7`, { as: owner }), 400);
    expectClientError(await api.get(`/api/tasks/${task.id}/data?type=frame&number=-1`, { as: owner }), 400);
    expectClientError(await api.get(`/api/tasks/${task.id}/data?type=frame&number=abc`, { as: owner }), 400);
    expectClientError(await api.get(`/api/tasks/${task.id}/data?type=chunk&number=0`, { as: owner }), 400);
    expectClientError(await api.get(`/api/tasks/${task.id}/data?type=frame&number=0`, { as: stranger }), 403);

    // One upload per task.
    const again = await uploadImages(task.id, owner, 2);
    expectClientError(again, 400);
    expect((await api.get(`/api/tasks/${task.id}`, { as: owner })).body).toEqual(got.body);
    expect(await jobsOf(task.id, owner)).toHaveLength(3);
  });

  it('returns the exact bytes of each frame', async () => {
    const task = await createTask(owner, { name: 'bytes' });
    // Two distinct images: frame 1 must be the second one, byte for byte.
    const second = Buffer.concat([PNG_1X1, Buffer.from('trailing bytes make it unique')]);
    const reply = await upload(task.id, owner, [
      ['client_files[0]', png(), 'a.png'],
      ['client_files[1]', new Blob([second], { type: 'image/png' }), 'b.png'],
    ]);
    expect(reply.status).toBe(201);
    expect((await frameBytes(task.id, owner, 1)).bytes).toEqual(second);
    expect((await frameBytes(task.id, owner, 0)).bytes).toEqual(PNG_1X1);
    const one = await api.get(`/api/tasks/${task.id}`, { as: owner });
    expect(one.body.segments).toHaveLength(1);
    expect(one.body.segments[0]).toMatchObject({ start_frame: 0, stop_frame: 1 });
    expect(one.body.segment_size).toBe(2);
  });

  it('cuts overlapping segments', async () => {
    const task = await createTask(owner, { name: 'overlap', segment_size: 4, overlap: 1 }, { frames: 10 });
    expect(task.overlap).toBe(1);
    expect(
      task.segments.map((s: { start_frame: number; stop_frame: number }) => [s.start_frame, s.stop_frame]),
    ).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
    ]);
    expect(await jobsOf(task.id, owner)).toHaveLength(3);
    const bad = await api.post(
      '/api/tasks',
      { name: 'x', labels: [{ name: 'a' }], segment_size: 2, overlap: 2 },
      { as: owner },
    );
    expect(Object.keys(bad.body)).toEqual(['overlap']);
    expect(
      Object.keys(
        (
          await api.post(
            '/api/tasks',
            { name: 'x', labels: [{ name: 'a' }], segment_size: -1 },
            { as: owner },
          )
        ).body,
      ),
    ).toEqual(['segment_size']);
  });

  it('refuses a non-image upload naming the field and writes nothing', async () => {
    const task = await createTask(owner, { name: 'atomic', segment_size: 1 });
    const before = await api.get(`/api/tasks/${task.id}`, { as: owner });
    const reply = await upload(task.id, owner, [
      ['client_files[0]', png(), 'ok.png'],
      ['client_files[1]', new Blob(['just text'], { type: 'image/png' }), 'fake.png'],
    ]);
    expectClientError(reply, 400);
    expect(Object.keys(reply.body)).toEqual(['client_files[1]']);
    expect(await jobsOf(task.id, owner)).toEqual([]);
    const after = await api.get(`/api/tasks/${task.id}`, { as: owner });
    expect(after.body).toEqual(before.body);
    expect(Object.keys(after.body).sort()).toEqual(KEYS_BEFORE_DATA);
    expectClientError(await api.get(`/api/tasks/${task.id}/data?type=frame&number=0`, { as: owner }), 404);

    expectClientError(await upload(task.id, owner, []), 400);
    expectClientError(await upload(task.id, owner, [['client_files[0]', 'not a file']]), 400);
    const quality = await upload(task.id, owner, [
      ['client_files[0]', png(), 'a.png'],
      ['image_quality', '101'],
    ]);
    expect(Object.keys(quality.body)).toEqual(['image_quality']);
    for (const contentType of ['multipart/form-data; boundary=xyz', 'multipart/form-data']) {
      const garbled = await call('POST', `/api/tasks/${task.id}/data`, undefined, {
        as: owner,
        raw: '--xyz\r\nnot really multipart',
        contentType,
      });
      expectClientError(garbled, 400);
      expect(Object.keys(garbled.body)).toEqual(['client_files']);
    }
    const json = await api.post(`/api/tasks/${task.id}/data`, { client_files: [] }, { as: owner });
    expectClientError(json, 415);
    expectClientError(await upload(task.id, stranger, [['client_files[0]', png(), 'a.png']]), 403);
    expectClientError(await upload(2147483647, owner, [['client_files[0]', png(), 'a.png']]), 404);
    expect((await api.get(`/api/tasks/${task.id}`, { as: owner })).body).toEqual(before.body);
    // A file name with a control character in it is a malformed part header (the streaming multipart
    // parser refuses it, as RFC 7578's header rules do): a 400 naming the field, not a 500, nothing written.
    const nulName = await upload(task.id, owner, [
      ['client_files[0]', png(), 'a\u0000.png'],
      ['client_files[1]', new Blob(['nope']), 'b\u0000.txt'],
    ]);
    expectClientError(nulName, 400);
    expect(Object.keys(nulName.body)).toEqual(['client_files']);
    expect((await api.get(`/api/tasks/${task.id}`, { as: owner })).body).toEqual(before.body);
    // And a good upload still works afterwards.
    expect(
      (
        await upload(task.id, owner, [
          ['client_files[0]', png(), 'a.png'],
          ['client_files[1]', png(), 'b.png'],
        ])
      ).status,
    ).toBe(201);
    expect(await jobsOf(task.id, owner)).toHaveLength(2);
  });

  it('updates name, assignee, owner, subset, labels', async () => {
    const helper = await createUser('tkh');
    const task = await createTask(owner, { name: 'before' });
    const patched = await api.patch(
      `/api/tasks/${task.id}`,
      { name: 'after', assignee_id: helper.id, subset: 'val', bug_tracker: 'b' },
      { as: owner },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'after',
      assignee: { id: helper.id },
      subset: 'val',
      bug_tracker: 'b',
    });
    expect((await api.get(`/api/tasks/${task.id}`, { as: helper })).status).toBe(200);
    // In the personal workspace the assignee sees the task; changing it, taking it over or deleting it is the owner's (security.md).
    expectClientError(await api.patch(`/api/tasks/${task.id}`, { subset: 'test' }, { as: helper }), 403);
    expectClientError(await api.patch(`/api/tasks/${task.id}`, { owner_id: helper.id }, { as: helper }), 403);
    expectClientError(await api.delete(`/api/tasks/${task.id}`, { as: helper }), 403);
    expect((await api.patch(`/api/tasks/${task.id}`, { subset: 'val' }, { as: owner })).body.owner.id).toBe(
      owner.id,
    );
    for (const [body, field] of [
      [{ name: '' }, 'name'],
      [{ name: 'n'.repeat(257) }, 'name'],
      [{ assignee_id: 2147483647 }, 'assignee_id'],
      [{ owner_id: 0 }, 'owner_id'],
      [{ segment_size: 3 }, 'segment_size'],
      [{ labels: [{ name: 'car' }] }, 'labels.0.name'],
    ] as const) {
      const reply = await api.patch(`/api/tasks/${task.id}`, body, { as: owner });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body)).toEqual([field]);
    }
    expectClientError(await api.patch(`/api/tasks/${task.id}`, { name: 'x' }, { as: stranger }), 403);
    expect((await api.get(`/api/tasks/${task.id}`, { as: owner })).body.name).toBe('after');
  });

  it('lists with filters, search and visibility', async () => {
    const tag = `tl${Date.now().toString(36)}`;
    const a = await createTask(owner, { name: `${tag} alpha`, subset: 'train' });
    const b = await createTask(owner, { name: `${tag} beta` });
    expect(ids(await api.get(`/api/tasks?search=${tag}&sort=name`, { as: owner }))).toEqual([a.id, b.id]);
    expect(ids(await api.get(`/api/tasks?search=${tag}&subset=train`, { as: owner }))).toEqual([a.id]);
    expect(
      ids(await api.get(`/api/tasks?search=${tag}&owner=${owner.username}&sort=-name`, { as: owner })),
    ).toEqual([b.id, a.id]);
    expect(ids(await api.get(`/api/tasks?search=${tag}`, { as: stranger }))).toEqual([]);
    expectClientError(await api.get(`/api/tasks/${a.id}`, { as: stranger }), 403);
    expectClientError(await api.get('/api/tasks?project_id=x', { as: owner }), 400);
  });

  it('deletes a task with its jobs, issues and comments', async () => {
    const task = await createTask(owner, { name: 'doomed', segment_size: 2 }, { frames: 4 });
    const [job] = await jobsOf(task.id, owner);
    const issue = await api.post(
      '/api/issues',
      { job: job.id, frame: 0, position: [1, 2, 3, 4], message: 'first' },
      { as: owner },
    );
    expect(issue.status).toBe(201);
    const comment = await api.post(
      '/api/comments',
      { issue: issue.body.id, message: 'second' },
      { as: owner },
    );
    expect(comment.status).toBe(201);
    expectClientError(await api.delete(`/api/tasks/${task.id}`, { as: stranger }), 403);
    expect((await api.delete(`/api/tasks/${task.id}`, { as: owner })).status).toBe(204);
    expectClientError(await api.get(`/api/tasks/${task.id}`, { as: owner }), 404);
    expectClientError(await api.get(`/api/jobs/${job.id}`, { as: owner }), 404);
    expectClientError(await api.get(`/api/issues/${issue.body.id}`, { as: owner }), 404);
    expectClientError(await api.get(`/api/comments/${comment.body.id}`, { as: owner }), 404);
    expect(await jobsOf(task.id, owner)).toEqual([]);
    expectClientError(await api.get(`/api/tasks/${task.id}/data?type=frame&number=0`, { as: owner }), 404);
  });

  it('in an organization: workers may not create tasks; job assignees see the task', async () => {
    const t = await createTeam();
    const ctx = `?org=${t.org.slug}`;
    expectClientError(
      await api.post(`/api/tasks${ctx}`, { name: 'w', labels: [{ name: 'a' }] }, { as: t.worker }),
      403,
    );
    const task = await createTask(t.supervisor, { name: 'org task' }, { frames: 2, query: ctx });
    expect(task.organization).toBe(t.org.id);
    const project = (
      await api.post(`/api/projects${ctx}`, { name: 'p', assignee_id: t.worker.id }, { as: t.owner })
    ).body;
    expectClientError(
      await api.post('/api/tasks', { name: 'w', project_id: project.id }, { as: t.worker }),
      403,
    );
    const inProject = await api.post(
      '/api/tasks?org_id=',
      { name: 'follows project', project_id: project.id },
      { as: t.owner },
    );
    expect(inProject.body.organization).toBe(t.org.id);

    expectClientError(await api.get(`/api/tasks/${task.id}`, { as: t.worker }), 403);
    expect(ids(await api.get(`/api/tasks${ctx}`, { as: t.worker }))).toEqual([inProject.body.id]);
    const [job] = await jobsOf(task.id, t.owner);
    expect((await api.patch(`/api/jobs/${job.id}`, { assignee: t.worker.id }, { as: t.owner })).status).toBe(
      200,
    );
    expect((await api.get(`/api/tasks/${task.id}`, { as: t.worker })).status).toBe(200);
    expectClientError(await api.patch(`/api/tasks/${task.id}`, { name: 'w' }, { as: t.worker }), 403);
    expect(ids(await api.get(`/api/tasks${ctx}&sort=id`, { as: t.worker }))).toEqual([
      task.id,
      inProject.body.id,
    ]);
    expect(ids(await api.get(`/api/tasks${ctx}&page_size=all`, { as: t.supervisor })).sort()).toEqual(
      [task.id, inProject.body.id].sort(),
    );
    expectClientError(
      await api.patch(`/api/tasks/${inProject.body.id}`, { name: 's' }, { as: t.supervisor }),
      403,
    );
    expect((await api.patch(`/api/tasks/${task.id}`, { name: 's' }, { as: t.supervisor })).status).toBe(200);
    const outsider = await api.patch(
      `/api/tasks/${task.id}`,
      { assignee_id: t.stranger.id },
      { as: t.owner },
    );
    expect(Object.keys(outsider.body)).toEqual(['assignee_id']);
  });
});
