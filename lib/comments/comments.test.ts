import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, createTeam, expectClientError, ids, jobsOf } from '@/lib/testing/fixtures';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';

const COMMENT_KEYS = ['url', 'id', 'issue', 'owner', 'message', 'created_date', 'updated_date'].sort();

describe('comments', () => {
  it('CRUD in the personal workspace: only the author edits', async () => {
    const [owner, assignee, stranger] = await Promise.all([
      createUser('co'),
      createUser('ca'),
      createUser('cs'),
    ]);
    const task = await createTask(owner, { name: 'c', assignee_id: assignee.id }, { frames: 1 });
    const [job] = await jobsOf(task.id, owner);
    const issue = (
      await api.post(
        '/api/issues',
        { job: job.id, frame: 0, position: [0, 0], message: 'first' },
        { as: owner },
      )
    ).body;

    const created = await api.post('/api/comments', { issue: issue.id, message: 'reply' }, { as: assignee });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(COMMENT_KEYS);
    expect(created.body).toMatchObject({
      url: `http://herald.test/api/comments/${created.body.id}`,
      issue: issue.id,
      message: 'reply',
      owner: { id: assignee.id },
    });
    expect(Object.keys(created.body.owner).sort()).toEqual([
      'first_name',
      'id',
      'last_name',
      'url',
      'username',
    ]);
    expect((await api.get(`/api/comments/${created.body.id}`, { as: owner })).body).toEqual(created.body);
    expect((await api.get(`/api/issues/${issue.id}`, { as: owner })).body.comments.count).toBe(2);

    const edited = await api.patch(
      `/api/comments/${created.body.id}`,
      { message: 'edited' },
      { as: assignee },
    );
    expect(edited.status).toBe(200);
    expect(edited.body.message).toBe('edited');
    // Only the author edits, not even the task's owner.
    expectClientError(
      await api.patch(`/api/comments/${created.body.id}`, { message: 'hijack' }, { as: owner }),
      403,
    );
    expectClientError(
      await api.patch(`/api/comments/${created.body.id}`, { message: 'hijack' }, { as: stranger }),
      403,
    );
    expectClientError(await api.get(`/api/comments/${created.body.id}`, { as: stranger }), 403);
    expectClientError(
      await api.post('/api/comments', { issue: issue.id, message: 'x' }, { as: stranger }),
      403,
    );
    expect((await api.get(`/api/comments/${created.body.id}`, { as: owner })).body.message).toBe('edited');

    for (const [body, field] of [
      [{ issue: issue.id }, 'message'],
      [{ issue: issue.id, message: '' }, 'message'],
      [{ issue: issue.id, message: 'x'.repeat(4097) }, 'message'],
      [{ issue: issue.id, message: 5 }, 'message'],
      [{ issue: 2147483647, message: 'x' }, 'issue'],
      [{ issue: '1', message: 'x' }, 'issue'],
      [{ issue: issue.id, message: 'x', owner: 1 }, 'owner'],
    ] as const) {
      const reply = await api.post('/api/comments', body, { as: owner });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body)).toEqual([field]);
    }
    expect(
      Object.keys(
        (await api.patch(`/api/comments/${created.body.id}`, { message: '' }, { as: assignee })).body,
      ),
    ).toEqual(['message']);
    const moved = await api.patch(
      `/api/comments/${created.body.id}`,
      { message: 'm', issue: 1 },
      { as: assignee },
    );
    expect(moved.body).toEqual({ issue: ['Unknown field.'] });

    const list = await api.get(`/api/comments?issue_id=${issue.id}&sort=id`, { as: owner });
    expect(list.body.results.map((c: { message: string }) => c.message)).toEqual(['first', 'edited']);
    expect(ids(await api.get(`/api/comments?issue_id=${issue.id}`, { as: stranger }))).toEqual([]);
    expectClientError(await api.get('/api/comments?issue_id=x', { as: owner }), 400);

    expectClientError(await api.delete(`/api/comments/${created.body.id}`, { as: stranger }), 403);
    expect((await api.delete(`/api/comments/${created.body.id}`, { as: assignee })).status).toBe(204);
    expectClientError(await api.get(`/api/comments/${created.body.id}`, { as: owner }), 404);
    expect((await api.get(`/api/issues/${issue.id}`, { as: owner })).body.comments.count).toBe(1);
    for (const bad of ['0', '-1', 'abc', '99999999999'])
      expectClientError(await api.patch(`/api/comments/${bad}`, { message: 'x' }, { as: owner }), 404);
  });

  describe('in an organization', () => {
    let t: Awaited<ReturnType<typeof createTeam>>;
    let mine: number;
    let theirs: number;
    beforeAll(async () => {
      t = await createTeam();
      const task = await createTask(
        t.owner,
        { name: 'oc', segment_size: 1 },
        { frames: 2, query: `?org=${t.org.slug}` },
      );
      const jobs = await jobsOf(task.id, t.owner);
      await api.patch(`/api/jobs/${jobs[0].id}`, { assignee: t.worker.id }, { as: t.owner });
      mine = (
        await api.post(
          '/api/issues',
          { job: jobs[0].id, frame: 0, position: [0, 0], message: 'on worker job' },
          { as: t.owner },
        )
      ).body.id;
      theirs = (
        await api.post(
          '/api/issues',
          { job: jobs[1].id, frame: 1, position: [0, 0], message: 'elsewhere' },
          { as: t.owner },
        )
      ).body.id;
    });

    it('workers comment on issues of their jobs; staff may moderate', async () => {
      const byWorker = await api.post('/api/comments', { issue: mine, message: 'on it' }, { as: t.worker });
      expect(byWorker.status).toBe(201);
      expectClientError(
        await api.post('/api/comments', { issue: theirs, message: 'no' }, { as: t.worker }),
        403,
      );
      const visible = (user: TestUser) =>
        api.get(`/api/comments?org=${t.org.slug}&page_size=all`, { as: user }).then(ids);
      expect((await visible(t.worker)).length).toBe(2);
      expect((await visible(t.supervisor)).length).toBe(3);
      expectClientError(
        await api.patch(`/api/comments/${byWorker.body.id}`, { message: 'sup' }, { as: t.supervisor }),
        403,
      );
      // Organization owners and maintainers may moderate any comment (CVAT's org staff rules).
      expect(
        (await api.patch(`/api/comments/${byWorker.body.id}`, { message: 'moderated' }, { as: t.maintainer }))
          .status,
      ).toBe(200);
      expect((await api.delete(`/api/comments/${byWorker.body.id}`, { as: t.owner })).status).toBe(204);
    });
  });
});
