import type { UntypedJson } from '@/lib/testing/untyped-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, createTask, createTeam, ids, jobsOf, recordEvents } from '@/lib/testing/fixtures';
import type { Receiver } from '@/lib/testing/receiver';
import { api, createUser, unique, type TestUser } from '@/lib/testing/test-api';
import {
  createOrgWebhook,
  createProjectWebhook,
  eventListeners,
  PROJECT_KEYS,
  receiverPool,
} from '@/lib/testing/webhook-helpers';

/**
 * The one policy module (lib/auth/policy.ts), attacked where it used to give way: a personal-workspace
 * assignee handing the owner's work to an outsider, a demoted maintainer keeping the organization's
 * webhooks; and checked for the promise that lists and single objects follow the same rule.
 */
const pool = receiverPool();
const listeners = eventListeners(pool);
let receiver: Receiver;
beforeAll(async () => {
  receiver = await pool.start();
});
afterAll(async () => {
  await listeners.removeAll();
  await pool.closeAll();
});

const status = (reply: { status: number }) => reply.status;

describe('a personal-workspace assignee', () => {
  let owner: TestUser;
  let assignee: TestUser;
  let outsider: TestUser;
  let project: UntypedJson;
  let task: UntypedJson;
  let job: UntypedJson;
  let issue: UntypedJson;

  beforeAll(async () => {
    [owner, assignee, outsider] = await Promise.all([
      createUser('own'),
      createUser('asg'),
      createUser('out'),
    ]);
    project = (
      await api.post(
        '/api/projects?org_id=',
        { name: unique('mine'), labels: [{ name: 'car' }], assignee_id: assignee.id },
        { as: owner },
      )
    ).body;
    // Outside any organization: a project webhook makes its events reach the outbox, where they are read.
    await listeners.project(owner, project.id);
    task = await createTask(
      owner,
      { name: unique('task'), project_id: project.id, assignee_id: assignee.id },
      { frames: 2 },
    );
    [job] = await jobsOf(task.id, owner);
    expect((await api.patch(`/api/jobs/${job.id}`, { assignee: assignee.id }, { as: owner })).status).toBe(
      200,
    );
    issue = (
      await api.post(
        '/api/issues',
        { job: job.id, frame: 0, position: [0, 0, 1, 1], message: 'look', assignee: assignee.id },
        { as: owner },
      )
    ).body;
  });

  it('cannot rename, relabel, re-assign, transfer or delete the owner\u2019s project, task, job or issue', async () => {
    const before = await Promise.all([
      api.get(`/api/projects/${project.id}`, { as: owner }),
      api.get(`/api/tasks/${task.id}`, { as: owner }),
      api.get(`/api/jobs/${job.id}`, { as: owner }),
      api.get(`/api/issues/${issue.id}`, { as: owner }),
    ]);
    const as = { as: assignee };
    const attempts = await recordEvents(
      async () => {
        const answers = [
          await api.patch(`/api/projects/${project.id}`, { name: 'taken' }, as),
          await api.patch(`/api/projects/${project.id}`, { labels: [{ name: 'mine now' }] }, as),
          await api.patch(`/api/projects/${project.id}`, { assignee_id: outsider.id }, as),
          await api.patch(`/api/projects/${project.id}`, { owner_id: assignee.id }, as),
          await api.patch(`/api/projects/${project.id}`, { bug_tracker: 'http://elsewhere' }, as),
          await api.delete(`/api/projects/${project.id}`, as),
          await api.patch(`/api/tasks/${task.id}`, { name: 'taken' }, as),
          await api.patch(`/api/tasks/${task.id}`, { assignee_id: outsider.id }, as),
          await api.patch(`/api/tasks/${task.id}`, { owner_id: assignee.id }, as),
          await api.delete(`/api/tasks/${task.id}`, as),
          await api.post('/api/tasks', { name: 'in their project', project_id: project.id }, as),
          await api.patch(`/api/jobs/${job.id}`, { assignee: outsider.id }, as),
          await api.patch(`/api/jobs/${job.id}`, { assignee: outsider.id, state: 'completed' }, as),
          await api.patch(`/api/issues/${issue.id}`, { assignee: outsider.id }, as),
          await api.delete(`/api/issues/${issue.id}`, as),
        ];
        expect(answers.map(status)).toEqual(answers.map(() => 403));
      },
      { projectIds: [project.id] },
    );
    // Nothing was written, nothing announced, and the outsider was handed nothing.
    expect(attempts).toEqual([]);
    const after = await Promise.all([
      api.get(`/api/projects/${project.id}`, { as: owner }),
      api.get(`/api/tasks/${task.id}`, { as: owner }),
      api.get(`/api/jobs/${job.id}`, { as: owner }),
      api.get(`/api/issues/${issue.id}`, { as: owner }),
    ]);
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
    for (const path of [
      `/api/projects/${project.id}`,
      `/api/tasks/${task.id}`,
      `/api/jobs/${job.id}`,
      `/api/issues/${issue.id}`,
    ]) {
      expect((await api.get(path, { as: outsider })).status).toBe(403);
    }
    expect(ids(await api.get('/api/jobs?page_size=all', { as: outsider }))).toEqual([]);
  });

  it('sees everything assigned and does the work: job stage and state, issue resolution, comments', async () => {
    const as = { as: assignee };
    for (const path of [
      `/api/projects/${project.id}`,
      `/api/tasks/${task.id}`,
      `/api/jobs/${job.id}`,
      `/api/issues/${issue.id}`,
    ]) {
      expect((await api.get(path, as)).status).toBe(200);
    }
    expect(
      (await api.patch(`/api/jobs/${job.id}`, { stage: 'validation', state: 'in progress' }, as)).body,
    ).toMatchObject({ stage: 'validation', state: 'in progress' });
    // Sending the assignee it already has is no re-assignment.
    expect(
      (await api.patch(`/api/jobs/${job.id}`, { assignee: assignee.id, state: 'completed' }, as)).status,
    ).toBe(200);
    expect((await api.patch(`/api/issues/${issue.id}`, { resolved: true }, as)).body.resolved).toBe(true);
    expect((await api.post('/api/comments', { issue: issue.id, message: 'fixed' }, as)).status).toBe(201);
    expect(
      (
        await api.post(
          '/api/issues',
          { job: job.id, frame: 1, position: [1, 1, 2, 2], message: 'another' },
          as,
        )
      ).status,
    ).toBe(201);
    // The owner re-assigns at will.
    expect((await api.patch(`/api/jobs/${job.id}`, { assignee: outsider.id }, { as: owner })).status).toBe(
      200,
    );
    expect((await api.get(`/api/jobs/${job.id}`, { as: outsider })).status).toBe(200);
  });
});

describe('a maintainer demoted to worker', () => {
  it('loses control of the organization webhooks they created, and keeps what they own', async () => {
    const t = await createTeam();
    const q = `?org=${t.org.slug}`;
    const orgHook = await createOrgWebhook(t.maintainer, t.org.slug, receiver.url, ['create:project']);
    const own = (await api.post(`/api/projects${q}`, { name: unique('theirs') }, { as: t.maintainer })).body;
    const projectHook = await createProjectWebhook(t.maintainer, own.id, receiver.url, PROJECT_KEYS, {});
    expect(
      (
        await api.patch(
          `/api/memberships/${t.memberships.maintainer.id}`,
          { role: 'worker' },
          { as: t.owner },
        )
      ).status,
    ).toBe(200);

    const as = { as: t.maintainer };
    const before = (await api.get(`/api/webhooks/${orgHook.id}`, { as: t.owner })).body;
    const sent = receiver.received.length;
    const answers = [
      await api.patch(
        `/api/webhooks/${orgHook.id}`,
        { target_url: 'http://127.0.0.1:9/mine', is_active: false },
        as,
      ),
      await api.put(
        `/api/webhooks/${orgHook.id}`,
        { target_url: receiver.url, events: ['create:project'], secret: 'mine' },
        as,
      ),
      await api.post(`/api/webhooks/${orgHook.id}/ping`, undefined, as),
      await api.delete(`/api/webhooks/${orgHook.id}`, as),
      await api.post(
        `/api/webhooks${q}`,
        { target_url: receiver.url, type: 'organization', events: ['create:project'] },
        as,
      ),
    ];
    expect(answers.map(status)).toEqual([403, 403, 403, 403, 403]);
    expect((await api.get(`/api/webhooks/${orgHook.id}`, { as: t.owner })).body).toEqual(before);
    expect(receiver.received.length).toBe(sent);
    // As webhooks.md has it: the creator still sees it (and its deliveries), and manages the project webhook of a project they own.
    expect((await api.get(`/api/webhooks/${orgHook.id}`, as)).status).toBe(200);
    expect((await api.get(`/api/webhooks/${orgHook.id}/deliveries`, as)).status).toBe(200);
    expect(
      (await api.patch(`/api/webhooks/${projectHook.id}`, { description: 'still mine' }, as)).status,
    ).toBe(200);
    // The owner keeps full control.
    expect(
      (await api.patch(`/api/webhooks/${orgHook.id}`, { description: 'owner' }, { as: t.owner })).status,
    ).toBe(200);
    // Promoted again, they manage it again: the current role decides.
    expect(
      (
        await api.patch(
          `/api/memberships/${t.memberships.maintainer.id}`,
          { role: 'maintainer' },
          { as: t.owner },
        )
      ).status,
    ).toBe(200);
    expect((await api.patch(`/api/webhooks/${orgHook.id}`, { description: 'back' }, as)).status).toBe(200);
  });
});

describe('lists and single objects', () => {
  it('follow one rule: a list holds exactly what its reader may open', { timeout: 120_000 }, async () => {
    const t = await createTeam();
    const q = `?org=${t.org.slug}`;
    const [owner, assignee, jobWorker] = await Promise.all([
      createUser('lo'),
      createUser('la'),
      createUser('lj'),
    ]);
    // Personal workspace: a project with an assignee, a task assigned, and one whose job only is assigned.
    const personal = (
      await api.post(
        '/api/projects?org_id=',
        { name: unique('p'), labels: [{ name: 'a' }], assignee_id: assignee.id },
        { as: owner },
      )
    ).body;
    const personalTask = await createTask(
      owner,
      { name: unique('t'), project_id: personal.id },
      { frames: 2 },
    );
    const loneTask = await createTask(owner, { name: unique('lone') }, { frames: 1 });
    const [loneJob] = await jobsOf(loneTask.id, owner);
    await api.patch(`/api/jobs/${loneJob.id}`, { assignee: jobWorker.id }, { as: owner });
    // An organization: the owner's project, a project assigned to the worker, a task assigned to the supervisor.
    const orgProject = (
      await api.post(`/api/projects${q}`, { name: unique('op'), labels: [{ name: 'a' }] }, { as: t.owner })
    ).body;
    const forWorker = (
      await api.post(
        `/api/projects${q}`,
        { name: unique('ow'), labels: [{ name: 'a' }], assignee_id: t.worker.id },
        { as: t.owner },
      )
    ).body;
    const orgTask = await createTask(
      t.owner,
      { name: unique('ot'), project_id: orgProject.id, assignee_id: t.supervisor.id },
      { frames: 2 },
    );
    await createTask(t.owner, { name: unique('owt'), project_id: forWorker.id }, { frames: 1 });
    for (const task of [personalTask, orgTask, loneTask]) {
      const [job] = await jobsOf(task.id, owner.id === task.owner?.id ? owner : t.owner);
      await api.post(
        '/api/issues',
        { job: job.id, frame: 0, position: [0, 0], message: 'm' },
        { as: task.organization ? t.owner : owner },
      );
    }
    await createOrgWebhook(t.owner, t.org.slug, receiver.url, ['create:project']);
    await createProjectWebhook(t.owner, forWorker.id, receiver.url);
    await createProjectWebhook(owner, personal.id, receiver.url);
    const stranger = await createOrg(await createUser('so')).then((o) => o.owner);

    const readers = [
      owner,
      assignee,
      jobWorker,
      t.owner,
      t.maintainer,
      t.supervisor,
      t.worker,
      t.stranger,
      stranger,
    ];
    const resources = ['projects', 'tasks', 'jobs', 'issues', 'comments', 'webhooks'];
    const mismatches: string[] = [];
    for (const reader of readers) {
      for (const resource of resources) {
        const listed = new Set(ids(await api.get(`/api/${resource}?page_size=all`, { as: reader })));
        // Everything that exists in this test, as its creators list it.
        const everything = new Set<number>();
        for (const creator of [owner, t.owner])
          for (const id of ids(await api.get(`/api/${resource}?page_size=all`, { as: creator })))
            everything.add(id);
        for (const id of everything) {
          const opened = (await api.get(`/api/${resource}/${id}`, { as: reader })).status === 200;
          if (opened !== listed.has(id))
            mismatches.push(
              `${reader.username} ${resource}/${id}: opens ${opened}, listed ${listed.has(id)}`,
            );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
