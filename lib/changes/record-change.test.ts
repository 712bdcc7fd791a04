import { beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '@/lib/changes/record-change';
import { addMember, createTask, createTeam, jobsOf, recordChanges } from '@/lib/testing/fixtures';
import { api, createUser, uploadImages, type TestUser } from '@/lib/testing/test-api';

type Team = Awaited<ReturnType<typeof createTeam>>;

const summary = (changes: Change[]) => changes.map((c) => `${c.action}:${c.resource}`);
const get = async (path: string, user: TestUser) => {
  const reply = await api.get(path, { as: user });
  expect(reply.status, path).toBe(200);
  return reply.body;
};
const basic = (u: TestUser) => ({
  url: `http://herald.test/api/users/${u.id}`,
  id: u.id,
  username: u.username,
  first_name: '',
  last_name: '',
});

/** Runs `fn`, expects it to record exactly one change, and returns it. */
async function single(fn: () => Promise<{ status: number }>, expected: { status: number }) {
  let status = 0;
  const changes = await recordChanges(async () => {
    status = (await fn()).status;
  });
  expect(status).toBe(expected.status);
  expect(changes, JSON.stringify(summary(changes))).toHaveLength(1);
  return changes[0];
}

describe('the change hook', () => {
  let t: Team;
  beforeAll(async () => {
    t = await createTeam();
  });

  it('organization update: before/after, beforeUpdate and changes; no-op and refused PATCHes record nothing', async () => {
    const path = `/api/organizations/${t.org.id}`;
    const before = await get(path, t.owner);
    const change = await single(() => api.patch(path, { name: 'New name' }, { as: t.maintainer }), {
      status: 200,
    });
    const after = await get(path, t.owner);
    expect(change).toMatchObject({
      action: 'update',
      resource: 'organization',
      organizationId: t.org.id,
      projectId: null,
    });
    expect(change.before).toEqual(before);
    expect(change.after).toEqual(after);
    expect(change.beforeUpdate).toEqual({ name: before.name });
    expect(change.changes).toEqual({ name: { from: before.name, to: 'New name' } });
    expect(change.sender).toEqual(basic(t.maintainer));

    expect(await recordChanges(() => api.patch(path, { name: 'New name' }, { as: t.owner }))).toEqual([]);
    expect(await recordChanges(() => api.patch(path, { name: 'x' }, { as: t.worker }))).toEqual([]);
    expect(await recordChanges(() => api.patch(path, { name: 5 }, { as: t.owner }))).toEqual([]);
  });

  it('memberships: create on accept, update, delete', async () => {
    const newcomer = await createUser('chm');
    const invited = await api.post(
      `/api/invitations?org=${t.org.slug}`,
      { role: 'worker', email: newcomer.email },
      { as: t.owner },
    );
    let membershipId = 0;
    const created = await single(
      async () => {
        const reply = await api.post(`/api/invitations/${invited.body.key}/accept`, undefined, {
          as: newcomer,
        });
        membershipId = reply.body.membership?.id;
        return reply;
      },
      { status: 200 },
    );
    const path = `/api/memberships/${membershipId}`;
    expect(created).toMatchObject({
      action: 'create',
      resource: 'membership',
      organizationId: t.org.id,
      projectId: null,
      before: null,
    });
    expect(created.after).toEqual(await get(path, t.owner));

    const before = await get(path, t.owner);
    const updated = await single(() => api.patch(path, { role: 'supervisor' }, { as: t.owner }), {
      status: 200,
    });
    expect(updated).toMatchObject({
      action: 'update',
      resource: 'membership',
      organizationId: t.org.id,
      beforeUpdate: { role: 'worker' },
    });
    expect(updated.before).toEqual(before);
    expect(updated.after).toEqual(await get(path, t.owner));
    expect(await recordChanges(() => api.patch(path, { role: 'supervisor' }, { as: t.owner }))).toEqual([]);
    expect(await recordChanges(() => api.patch(path, { role: 'worker' }, { as: t.worker }))).toEqual([]);

    const last = await get(path, t.owner);
    const deleted = await single(() => api.delete(path, { as: newcomer }), { status: 204 });
    expect(deleted).toMatchObject({
      action: 'delete',
      resource: 'membership',
      organizationId: t.org.id,
      after: null,
    });
    expect(deleted.before).toEqual(last);
  });

  it('invitations: create, revoke and decline', async () => {
    const [a, b] = await Promise.all([createUser('chi'), createUser('chj')]);
    let key = '';
    const created = await single(
      async () => {
        const reply = await api.post(
          `/api/invitations?org=${t.org.slug}`,
          { role: 'worker', email: a.email },
          { as: t.owner },
        );
        key = reply.body.key;
        return reply;
      },
      { status: 201 },
    );
    expect(created).toMatchObject({
      action: 'create',
      resource: 'invitation',
      organizationId: t.org.id,
      projectId: null,
      before: null,
    });
    const shown = await get(`/api/invitations/${key}`, t.owner);
    expect(created.after).toEqual(shown);
    expect(await recordChanges(() => api.delete(`/api/invitations/${key}`, { as: t.worker }))).toEqual([]);
    const revoked = await single(() => api.delete(`/api/invitations/${key}`, { as: t.owner }), {
      status: 204,
    });
    expect(revoked).toMatchObject({
      action: 'delete',
      resource: 'invitation',
      organizationId: t.org.id,
      after: null,
    });
    expect(revoked.before).toEqual(shown);

    const second = await api.post(
      `/api/invitations?org=${t.org.slug}`,
      { role: 'worker', email: b.email },
      { as: t.owner },
    );
    const declined = await single(
      () => api.post(`/api/invitations/${second.body.key}/decline`, undefined, { as: b }),
      { status: 204 },
    );
    expect(declined).toMatchObject({ action: 'delete', resource: 'invitation' });
    // An email without an account gets an invitation like any other (security.md): announced, with no invitee yet.
    const waiting = await single(
      () =>
        api.post(
          '/api/invitations',
          { role: 'worker', email: 'nobody@example.test' },
          { as: t.owner, headers: { 'x-organization': t.org.slug } },
        ),
      { status: 201 },
    );
    expect(waiting).toMatchObject({
      action: 'create',
      resource: 'invitation',
      after: { email: 'nobody@example.test', user: null },
    });
  });

  it('projects: create, update (labels too), delete', async () => {
    let id = 0;
    const created = await single(
      async () => {
        const reply = await api.post(
          `/api/projects?org=${t.org.slug}`,
          { name: 'Hooked', labels: [{ name: 'a' }] },
          { as: t.owner },
        );
        id = reply.body.id;
        return reply;
      },
      { status: 201 },
    );
    const path = `/api/projects/${id}`;
    expect(created).toMatchObject({
      action: 'create',
      resource: 'project',
      organizationId: t.org.id,
      projectId: id,
      before: null,
    });
    expect(created.after).toEqual(await get(path, t.owner));

    const before = await get(path, t.owner);
    const renamed = await single(
      () => api.patch(path, { name: 'Renamed', assignee_id: t.worker.id }, { as: t.owner }),
      { status: 200 },
    );
    const after = await get(path, t.owner);
    expect(renamed.before).toEqual(before);
    expect(renamed.after).toEqual(after);
    expect(renamed.beforeUpdate).toEqual({ name: 'Hooked', assignee: null, assignee_updated_date: null });
    expect(Object.keys(renamed.changes).sort()).toEqual(['assignee', 'assignee_updated_date', 'name']);

    const relabeled = await single(() => api.patch(path, { labels: [{ name: 'b' }] }, { as: t.owner }), {
      status: 200,
    });
    expect(Object.keys(relabeled.beforeUpdate)).toEqual(['labels']);
    expect(relabeled.after).toEqual(await get(path, t.owner));

    expect(
      await recordChanges(() =>
        api.patch(path, { name: 'Renamed', assignee_id: t.worker.id }, { as: t.owner }),
      ),
    ).toEqual([]);
    expect(await recordChanges(() => api.patch(path, { labels: [{ name: 'b' }] }, { as: t.owner }))).toEqual(
      [],
    );
    expect(await recordChanges(() => api.patch(path, { name: 'x' }, { as: t.supervisor }))).toEqual([]);
    expect(
      await recordChanges(() => api.patch(path, { assignee_id: t.stranger.id }, { as: t.owner })),
    ).toEqual([]);
    expect(
      await recordChanges(() => api.post(`/api/projects?org=${t.org.slug}`, { name: 'w' }, { as: t.worker })),
    ).toEqual([]);

    const last = await get(path, t.owner);
    const deleted = await single(() => api.delete(path, { as: t.owner }), { status: 204 });
    expect(deleted).toMatchObject({
      action: 'delete',
      resource: 'project',
      organizationId: t.org.id,
      projectId: id,
      after: null,
    });
    expect(deleted.before).toEqual(last);
  });

  it('tasks: create, rename, data upload, delete', async () => {
    const project = (
      await api.post(
        `/api/projects?org=${t.org.slug}`,
        { name: 'for tasks', labels: [{ name: 'a' }] },
        { as: t.owner },
      )
    ).body;
    let id = 0;
    const created = await single(
      async () => {
        const reply = await api.post(
          '/api/tasks',
          { name: 'task', project_id: project.id, segment_size: 1 },
          { as: t.owner },
        );
        id = reply.body.id;
        return reply;
      },
      { status: 201 },
    );
    const path = `/api/tasks/${id}`;
    expect(created).toMatchObject({
      action: 'create',
      resource: 'task',
      organizationId: t.org.id,
      projectId: project.id,
      before: null,
    });
    expect(created.after).toEqual(await get(path, t.owner));

    const before = await get(path, t.owner);
    const renamed = await single(() => api.patch(path, { name: 'new task name' }, { as: t.owner }), {
      status: 200,
    });
    expect(renamed.beforeUpdate).toEqual({ name: 'task' });
    expect(renamed.changes).toEqual({ name: { from: 'task', to: 'new task name' } });
    expect(renamed.before).toEqual(before);
    expect(renamed.after).toEqual(await get(path, t.owner));
    expect(await recordChanges(() => api.patch(path, { name: 'new task name' }, { as: t.owner }))).toEqual(
      [],
    );
    expect(await recordChanges(() => api.patch(path, { name: '' }, { as: t.owner }))).toEqual([]);

    // Attaching data updates the task and creates one job per segment.
    const beforeData = await get(path, t.owner);
    const changes = await recordChanges(() => uploadImages(id, t.owner, 2));
    expect(summary(changes)).toEqual(['update:task', 'create:job', 'create:job']);
    const afterData = await get(path, t.owner);
    expect(changes[0].before).toEqual(beforeData);
    expect(changes[0].after).toEqual(afterData);
    // As CVAT's get_instance_diff: keys of the new representation whose value changed, with the old value
    // (null for the data keys that did not exist before).
    expect(changes[0].beforeUpdate).toEqual({
      mode: '',
      overlap: null,
      segments: [],
      data: null,
      data_chunk_size: null,
      data_compressed_chunk_type: null,
      data_original_chunk_type: null,
      image_quality: null,
      size: null,
      jobs: { count: 0, completed: 0, validation: 0, url: `http://herald.test/api/jobs?task_id=${id}` },
    });
    const jobs = await jobsOf(id, t.owner);
    expect(changes.slice(1).map((c) => c.after)).toEqual(
      await Promise.all(jobs.map((j) => get(`/api/jobs/${j.id}`, t.owner))),
    );
    expect(await recordChanges(() => uploadImages(id, t.owner, 1))).toEqual([]);

    const last = await get(path, t.owner);
    const lastJobs = await Promise.all(jobs.map((j) => get(`/api/jobs/${j.id}`, t.owner)));
    const deleted = await recordChanges(() => api.delete(path, { as: t.owner }));
    expect(summary(deleted)).toEqual(['delete:job', 'delete:job', 'delete:task']);
    expect(deleted.map((c) => c.before)).toEqual([...lastJobs, last]);
    expect(
      deleted.every((c) => c.organizationId === t.org.id && c.projectId === project.id && c.after === null),
    ).toBe(true);
  });

  it('jobs, issues and comments', async () => {
    const task = await createTask(t.owner, { name: 'jic' }, { frames: 2, query: `?org=${t.org.slug}` });
    const [job] = await jobsOf(task.id, t.owner);
    const jobPath = `/api/jobs/${job.id}`;
    const jobBefore = await get(jobPath, t.owner);
    const jobChange = await single(() => api.patch(jobPath, { stage: 'validation' }, { as: t.owner }), {
      status: 200,
    });
    expect(jobChange).toMatchObject({
      action: 'update',
      resource: 'job',
      organizationId: t.org.id,
      projectId: null,
    });
    expect(jobChange.beforeUpdate).toEqual({ stage: 'annotation', status: 'annotation' });
    expect(jobChange.before).toEqual(jobBefore);
    expect(jobChange.after).toEqual(await get(jobPath, t.owner));
    expect(await recordChanges(() => api.patch(jobPath, { stage: 'validation' }, { as: t.owner }))).toEqual(
      [],
    );
    expect(await recordChanges(() => api.patch(jobPath, { stage: 'bogus' }, { as: t.owner }))).toEqual([]);
    expect(await recordChanges(() => api.patch(jobPath, { state: 'completed' }, { as: t.worker }))).toEqual(
      [],
    );

    let issueId = 0;
    const raised = await recordChanges(async () => {
      issueId = (
        await api.post(
          '/api/issues',
          { job: job.id, frame: 1, position: [1, 2], message: 'first' },
          { as: t.owner },
        )
      ).body.id;
    });
    expect(summary(raised)).toEqual(['create:issue', 'create:comment']);
    const issuePath = `/api/issues/${issueId}`;
    expect(raised[0].after).toEqual(await get(issuePath, t.owner));
    const [firstComment] = (await get(`/api/comments?issue_id=${issueId}`, t.owner)).results;
    expect(raised[1].after).toEqual(firstComment);
    expect(
      await recordChanges(() =>
        api.post('/api/issues', { job: job.id, frame: 2, position: [1, 2], message: 'x' }, { as: t.owner }),
      ),
    ).toEqual([]);

    const issueUpdate = await single(() => api.patch(issuePath, { resolved: true }, { as: t.owner }), {
      status: 200,
    });
    expect(issueUpdate).toMatchObject({
      resource: 'issue',
      action: 'update',
      beforeUpdate: { resolved: false },
    });
    expect(issueUpdate.after).toEqual(await get(issuePath, t.owner));
    expect(await recordChanges(() => api.patch(issuePath, { resolved: true }, { as: t.owner }))).toEqual([]);

    let commentId = 0;
    const commented = await single(
      async () => {
        const reply = await api.post(
          '/api/comments',
          { issue: issueId, message: 'second' },
          { as: t.maintainer },
        );
        commentId = reply.body.id;
        return reply;
      },
      { status: 201 },
    );
    const commentPath = `/api/comments/${commentId}`;
    expect(commented).toMatchObject({
      resource: 'comment',
      action: 'create',
      organizationId: t.org.id,
      before: null,
    });
    expect(commented.after).toEqual(await get(commentPath, t.owner));
    const edited = await single(() => api.patch(commentPath, { message: 'edited' }, { as: t.maintainer }), {
      status: 200,
    });
    expect(edited.beforeUpdate).toEqual({ message: 'second' });
    expect(edited.after).toEqual(await get(commentPath, t.owner));
    expect(
      await recordChanges(() => api.patch(commentPath, { message: 'edited' }, { as: t.maintainer })),
    ).toEqual([]);
    expect(
      await recordChanges(() => api.patch(commentPath, { message: 'no' }, { as: t.supervisor })),
    ).toEqual([]);
    const removed = await single(() => api.delete(commentPath, { as: t.maintainer }), { status: 204 });
    expect(removed).toMatchObject({
      resource: 'comment',
      action: 'delete',
      after: null,
      before: { id: commentId, message: 'edited' },
    });

    const issueBefore = await get(issuePath, t.owner);
    const issueGone = await recordChanges(() => api.delete(issuePath, { as: t.owner }));
    expect(summary(issueGone)).toEqual(['delete:comment', 'delete:issue']);
    expect(issueGone[0].before).toEqual(firstComment);
    expect(issueGone[1].before).toEqual(issueBefore);
  });

  it('deleting a project records its comments, issues, jobs, tasks and then the project', async () => {
    const owner = await createUser('chp');
    const project = (
      await api.post('/api/projects', { name: 'cascade', labels: [{ name: 'a' }] }, { as: owner })
    ).body;
    const t1 = await createTask(owner, { name: 't1', project_id: project.id }, { frames: 1 });
    const t2 = await createTask(owner, { name: 't2', project_id: project.id });
    const [job] = await jobsOf(t1.id, owner);
    const issue = (
      await api.post('/api/issues', { job: job.id, frame: 0, position: [0, 0], message: 'c1' }, { as: owner })
    ).body;
    await api.post('/api/comments', { issue: issue.id, message: 'c2' }, { as: owner });

    const expected = [
      ...(await get(`/api/comments?issue_id=${issue.id}&sort=id`, owner)).results,
      await get(`/api/issues/${issue.id}`, owner),
      await get(`/api/jobs/${job.id}`, owner),
      await get(`/api/tasks/${t1.id}`, owner),
      await get(`/api/tasks/${t2.id}`, owner),
      await get(`/api/projects/${project.id}`, owner),
    ];
    const stranger = await createUser('chq');
    expect(await recordChanges(() => api.delete(`/api/projects/${project.id}`, { as: stranger }))).toEqual(
      [],
    );
    const changes = await recordChanges(() => api.delete(`/api/projects/${project.id}`, { as: owner }));
    expect(summary(changes)).toEqual([
      'delete:comment',
      'delete:comment',
      'delete:issue',
      'delete:job',
      'delete:task',
      'delete:task',
      'delete:project',
    ]);
    expect(changes.map((c) => c.before)).toEqual(expected);
    expect(
      changes.every((c) => c.organizationId === null && c.projectId === project.id && c.after === null),
    ).toBe(true);
  });

  it('a membership created by accepting is not followed by other events; leaving the org keeps the rest quiet', async () => {
    const user = await createUser('chx');
    const membership = await addMember(t.org, user, 'worker');
    const changes = await recordChanges(() =>
      api.delete(`/api/memberships/${membership.id}`, { as: t.owner }),
    );
    expect(summary(changes)).toEqual(['delete:membership']);
  });
});
