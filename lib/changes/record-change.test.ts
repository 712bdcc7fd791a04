import type { UntypedJson } from '@/lib/testing/untyped-json';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  createTask,
  createTeam,
  jobsOf,
  recordEvents,
  type EventScope,
  type RecordedEvent,
} from '@/lib/testing/fixtures';
import { api, createUser, uploadImages, type TestUser } from '@/lib/testing/test-api';
import { basicUser, eventListeners, receiverPool } from '@/lib/testing/webhook-helpers';

/**
 * Every create, update and delete goes through recordChange, which writes its event to the outbox in the
 * change's transaction. These read the outbox (webhook_messages) as a receiver will get it: an
 * organization webhook on every event hears the team's organization, a project webhook the one project
 * outside any organization.
 */

type Team = Awaited<ReturnType<typeof createTeam>>;

const pool = receiverPool();
const listeners = eventListeners(pool);
let t: Team;
beforeAll(async () => {
  t = await createTeam();
  await listeners.org(t.owner, t.org.slug);
});
afterAll(async () => {
  await listeners.removeAll();
  await pool.closeAll();
});

/** The events of the team's organization queued while `fn` ran (or of `scope`). */
const record = (fn: () => Promise<unknown>, scope: EventScope = { organizationIds: [t.org.id] }) =>
  recordEvents(fn, scope);
const summary = (events: RecordedEvent[]) => events.map((e) => e.event);
/** The resource a payload carries, under its name (`task` for `update:task`). */
const resourceOf = (e: RecordedEvent) => e.payload[e.event.split(':')[1]];
const get = async (path: string, user: TestUser) => {
  const reply = await api.get(path, { as: user });
  expect(reply.status, path).toBe(200);
  return reply.body;
};

/** Runs `fn`, expects it to queue exactly one event, and returns it. */
async function single(fn: () => Promise<{ status: number }>, expected: { status: number }) {
  let status = 0;
  const events = await record(async () => {
    status = (await fn()).status;
  });
  expect(status).toBe(expected.status);
  expect(events, JSON.stringify(summary(events))).toHaveLength(1);
  return events[0];
}

/** A create's or delete's payload: the resource as GET showed it (after, or before a delete), and who did it. */
function expectCreateOrDelete(e: RecordedEvent, shown: UntypedJson, sender: TestUser) {
  const name = e.event.split(':')[1];
  expect(Object.keys(e.payload)).toEqual(['event', name, 'webhook_id', 'sender']);
  expect(e.payload.event).toBe(e.event);
  expect(e.payload[name]).toEqual(shown);
  expect(e.resourceId).toBe(String(shown.id ?? shown.key));
  expect(e.changedFields).toEqual([]);
  expect(e.payload.webhook_id).toBeGreaterThan(0);
  expect(e.payload.sender).toEqual(basicUser(sender));
}

/**
 * An update's payload: the resource as GET shows it after; `before_update` the old values of exactly
 * the keys whose values differ between the two GETs (`updated_date` aside), null for a key that did not
 * exist; `changes` and `changed_fields` the same keys; `sender` the basic user who made it.
 */
function expectUpdate(e: RecordedEvent, before: UntypedJson, after: UntypedJson, sender: TestUser) {
  const name = e.event.split(':')[1];
  expect(e.event.startsWith('update:')).toBe(true);
  expect(Object.keys(e.payload)).toEqual(['event', name, 'before_update', 'changes', 'webhook_id', 'sender']);
  expect(e.payload[name]).toEqual(after);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => k !== 'updated_date' && !isDeepStrictEqual(before[k], after[k]))
    .sort();
  expect(changed.length).toBeGreaterThan(0);
  expect(Object.keys(e.payload.before_update).sort()).toEqual(changed);
  expect(e.payload.before_update).toEqual(Object.fromEntries(changed.map((k) => [k, before[k] ?? null])));
  expect(e.payload.changes).toEqual(
    Object.fromEntries(changed.map((k) => [k, { from: before[k] ?? null, to: after[k] ?? null }])),
  );
  expect([...e.changedFields].sort()).toEqual(changed);
  expect(e.resourceId).toBe(String(after.id));
  expect(e.payload.webhook_id).toBeGreaterThan(0);
  expect(e.payload.sender).toEqual(basicUser(sender));
}

describe('the change hook', () => {
  it('organization update: the payload as after, before_update and changes; no-op and refused PATCHes record nothing', async () => {
    const path = `/api/organizations/${t.org.id}`;
    const before = await get(path, t.owner);
    const change = await single(() => api.patch(path, { name: 'New name' }, { as: t.maintainer }), {
      status: 200,
    });
    const after = await get(path, t.owner);
    expect(change).toMatchObject({
      event: 'update:organization',
      resourceType: 'organization',
      organizationId: t.org.id,
      projectId: null,
    });
    expectUpdate(change, before, after, t.maintainer);
    expect(change.payload.before_update).toEqual({ name: before.name });
    expect(change.payload.changes).toEqual({ name: { from: before.name, to: 'New name' } });
    expect(change.changedFields).toEqual(['name']);
    expect(change.payload.sender).toEqual(basicUser(t.maintainer));

    expect(await record(() => api.patch(path, { name: 'New name' }, { as: t.owner }))).toEqual([]);
    expect(await record(() => api.patch(path, { name: 'x' }, { as: t.worker }))).toEqual([]);
    expect(await record(() => api.patch(path, { name: 5 }, { as: t.owner }))).toEqual([]);
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
      event: 'create:membership',
      resourceType: 'membership',
      organizationId: t.org.id,
      projectId: null,
    });
    expectCreateOrDelete(created, await get(path, t.owner), newcomer);

    const before = await get(path, t.owner);
    const updated = await single(() => api.patch(path, { role: 'supervisor' }, { as: t.owner }), {
      status: 200,
    });
    expect(updated).toMatchObject({
      event: 'update:membership',
      organizationId: t.org.id,
      payload: { before_update: { role: 'worker' } },
    });
    expectUpdate(updated, before, await get(path, t.owner), t.owner);
    expect(await record(() => api.patch(path, { role: 'supervisor' }, { as: t.owner }))).toEqual([]);
    expect(await record(() => api.patch(path, { role: 'worker' }, { as: t.worker }))).toEqual([]);

    const last = await get(path, t.owner);
    const deleted = await single(() => api.delete(path, { as: newcomer }), { status: 204 });
    expect(deleted).toMatchObject({
      event: 'delete:membership',
      resourceType: 'membership',
      organizationId: t.org.id,
    });
    expectCreateOrDelete(deleted, last, newcomer);
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
      event: 'create:invitation',
      resourceType: 'invitation',
      organizationId: t.org.id,
      projectId: null,
    });
    const shown = await get(`/api/invitations/${key}`, t.owner);
    expectCreateOrDelete(created, shown, t.owner);
    expect(await record(() => api.delete(`/api/invitations/${key}`, { as: t.worker }))).toEqual([]);
    const revoked = await single(() => api.delete(`/api/invitations/${key}`, { as: t.owner }), {
      status: 204,
    });
    expect(revoked).toMatchObject({
      event: 'delete:invitation',
      resourceType: 'invitation',
      organizationId: t.org.id,
    });
    expectCreateOrDelete(revoked, shown, t.owner);

    const second = await api.post(
      `/api/invitations?org=${t.org.slug}`,
      { role: 'worker', email: b.email },
      { as: t.owner },
    );
    const declined = await single(
      () => api.post(`/api/invitations/${second.body.key}/decline`, undefined, { as: b }),
      { status: 204 },
    );
    expect(declined).toMatchObject({ event: 'delete:invitation', resourceId: second.body.key });
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
      event: 'create:invitation',
      payload: { invitation: { email: 'nobody@example.test', user: null } },
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
      event: 'create:project',
      resourceType: 'project',
      organizationId: t.org.id,
      projectId: id,
    });
    expectCreateOrDelete(created, await get(path, t.owner), t.owner);

    const before = await get(path, t.owner);
    const renamed = await single(
      () => api.patch(path, { name: 'Renamed', assignee_id: t.worker.id }, { as: t.owner }),
      { status: 200 },
    );
    const after = await get(path, t.owner);
    expectUpdate(renamed, before, after, t.owner);
    expect(renamed.payload.before_update).toEqual({
      name: 'Hooked',
      assignee: null,
      assignee_updated_date: null,
    });
    expect([...renamed.changedFields].sort()).toEqual(['assignee', 'assignee_updated_date', 'name']);

    const relabeled = await single(() => api.patch(path, { labels: [{ name: 'b' }] }, { as: t.owner }), {
      status: 200,
    });
    expect(Object.keys(relabeled.payload.before_update)).toEqual(['labels']);
    expectUpdate(relabeled, after, await get(path, t.owner), t.owner);

    expect(
      await record(() => api.patch(path, { name: 'Renamed', assignee_id: t.worker.id }, { as: t.owner })),
    ).toEqual([]);
    expect(await record(() => api.patch(path, { labels: [{ name: 'b' }] }, { as: t.owner }))).toEqual([]);
    expect(await record(() => api.patch(path, { name: 'x' }, { as: t.supervisor }))).toEqual([]);
    expect(await record(() => api.patch(path, { assignee_id: t.stranger.id }, { as: t.owner }))).toEqual([]);
    expect(
      await record(() => api.post(`/api/projects?org=${t.org.slug}`, { name: 'w' }, { as: t.worker })),
    ).toEqual([]);

    const last = await get(path, t.owner);
    const deleted = await single(() => api.delete(path, { as: t.owner }), { status: 204 });
    expect(deleted).toMatchObject({
      event: 'delete:project',
      resourceType: 'project',
      organizationId: t.org.id,
      projectId: id,
    });
    expectCreateOrDelete(deleted, last, t.owner);
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
      event: 'create:task',
      resourceType: 'task',
      organizationId: t.org.id,
      projectId: project.id,
    });
    expectCreateOrDelete(created, await get(path, t.owner), t.owner);

    const before = await get(path, t.owner);
    const renamed = await single(() => api.patch(path, { name: 'new task name' }, { as: t.owner }), {
      status: 200,
    });
    expect(renamed.payload.before_update).toEqual({ name: 'task' });
    expect(renamed.payload.changes).toEqual({ name: { from: 'task', to: 'new task name' } });
    expectUpdate(renamed, before, await get(path, t.owner), t.owner);
    expect(await record(() => api.patch(path, { name: 'new task name' }, { as: t.owner }))).toEqual([]);
    expect(await record(() => api.patch(path, { name: '' }, { as: t.owner }))).toEqual([]);

    // Attaching data updates the task and creates one job per segment.
    const beforeData = await get(path, t.owner);
    const events = await record(() => uploadImages(id, t.owner, 2));
    expect(summary(events)).toEqual(['update:task', 'create:job', 'create:job']);
    const afterData = await get(path, t.owner);
    expectUpdate(events[0], beforeData, afterData, t.owner);
    // As CVAT's get_instance_diff: keys of the new representation whose value changed, with the old value
    // (null for the data keys that did not exist before).
    expect(events[0].payload.before_update).toEqual({
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
    const shownJobs = await Promise.all(jobs.map((j) => get(`/api/jobs/${j.id}`, t.owner)));
    expect(events.slice(1).map(resourceOf)).toEqual(shownJobs);
    for (const [i, e] of events.slice(1).entries()) expectCreateOrDelete(e, shownJobs[i], t.owner);
    expect(await record(() => uploadImages(id, t.owner, 1))).toEqual([]);

    const last = await get(path, t.owner);
    const lastJobs = await Promise.all(jobs.map((j) => get(`/api/jobs/${j.id}`, t.owner)));
    const deleted = await record(() => api.delete(path, { as: t.owner }));
    expect(summary(deleted)).toEqual(['delete:job', 'delete:job', 'delete:task']);
    expect(deleted.map(resourceOf)).toEqual([...lastJobs, last]);
    for (const [i, e] of deleted.entries()) expectCreateOrDelete(e, [...lastJobs, last][i], t.owner);
    expect(deleted.every((e) => e.organizationId === t.org.id && e.projectId === project.id)).toBe(true);
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
      event: 'update:job',
      resourceType: 'job',
      organizationId: t.org.id,
      projectId: null,
    });
    expect(jobChange.payload.before_update).toEqual({ stage: 'annotation', status: 'annotation' });
    expectUpdate(jobChange, jobBefore, await get(jobPath, t.owner), t.owner);
    expect(await record(() => api.patch(jobPath, { stage: 'validation' }, { as: t.owner }))).toEqual([]);
    expect(await record(() => api.patch(jobPath, { stage: 'bogus' }, { as: t.owner }))).toEqual([]);
    expect(await record(() => api.patch(jobPath, { state: 'completed' }, { as: t.worker }))).toEqual([]);

    let issueId = 0;
    const raised = await record(async () => {
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
    expectCreateOrDelete(raised[0], await get(issuePath, t.owner), t.owner);
    const [firstComment] = (await get(`/api/comments?issue_id=${issueId}`, t.owner)).results;
    expectCreateOrDelete(raised[1], firstComment, t.owner);
    expect(
      await record(() =>
        api.post('/api/issues', { job: job.id, frame: 2, position: [1, 2], message: 'x' }, { as: t.owner }),
      ),
    ).toEqual([]);

    const issueBefore = await get(issuePath, t.owner);
    const issueUpdate = await single(() => api.patch(issuePath, { resolved: true }, { as: t.owner }), {
      status: 200,
    });
    expect(issueUpdate).toMatchObject({
      event: 'update:issue',
      resourceType: 'issue',
      payload: { before_update: { resolved: false } },
    });
    expectUpdate(issueUpdate, issueBefore, await get(issuePath, t.owner), t.owner);
    expect(await record(() => api.patch(issuePath, { resolved: true }, { as: t.owner }))).toEqual([]);

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
      event: 'create:comment',
      resourceType: 'comment',
      organizationId: t.org.id,
    });
    expectCreateOrDelete(commented, await get(commentPath, t.owner), t.maintainer);
    const commentBefore = await get(commentPath, t.owner);
    const edited = await single(() => api.patch(commentPath, { message: 'edited' }, { as: t.maintainer }), {
      status: 200,
    });
    expect(edited.payload.before_update).toEqual({ message: 'second' });
    expectUpdate(edited, commentBefore, await get(commentPath, t.owner), t.maintainer);
    expect(await record(() => api.patch(commentPath, { message: 'edited' }, { as: t.maintainer }))).toEqual(
      [],
    );
    expect(await record(() => api.patch(commentPath, { message: 'no' }, { as: t.supervisor }))).toEqual([]);
    const commentLast = await get(commentPath, t.owner);
    const removed = await single(() => api.delete(commentPath, { as: t.maintainer }), { status: 204 });
    expect(removed).toMatchObject({
      event: 'delete:comment',
      resourceType: 'comment',
      payload: { comment: { id: commentId, message: 'edited' } },
    });
    expectCreateOrDelete(removed, commentLast, t.maintainer);

    const issueLast = await get(issuePath, t.owner);
    const issueGone = await record(() => api.delete(issuePath, { as: t.owner }));
    expect(summary(issueGone)).toEqual(['delete:comment', 'delete:issue']);
    expectCreateOrDelete(issueGone[0], firstComment, t.owner);
    expectCreateOrDelete(issueGone[1], issueLast, t.owner);
  });

  it('deleting a project records its comments, issues, jobs, tasks and then the project', async () => {
    const owner = await createUser('chp');
    const project = (
      await api.post('/api/projects', { name: 'cascade', labels: [{ name: 'a' }] }, { as: owner })
    ).body;
    // Outside any organization: only a project webhook hears it.
    await listeners.project(owner, project.id);
    const inProject = { projectIds: [project.id] };
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
    expect(
      await record(() => api.delete(`/api/projects/${project.id}`, { as: stranger }), inProject),
    ).toEqual([]);
    const events = await record(() => api.delete(`/api/projects/${project.id}`, { as: owner }), inProject);
    expect(summary(events)).toEqual([
      'delete:comment',
      'delete:comment',
      'delete:issue',
      'delete:job',
      'delete:task',
      'delete:task',
      'delete:project',
    ]);
    expect(events.map(resourceOf)).toEqual(expected);
    for (const [i, e] of events.entries()) expectCreateOrDelete(e, expected[i], owner);
    expect(events.every((e) => e.organizationId === null && e.projectId === project.id)).toBe(true);
  });

  it('a membership created by accepting is not followed by other events; leaving the org keeps the rest quiet', async () => {
    const user = await createUser('chx');
    const membership = await addMember(t.org, user, 'worker');
    const events = await record(() => api.delete(`/api/memberships/${membership.id}`, { as: t.owner }));
    expect(summary(events)).toEqual(['delete:membership']);
  });
});
