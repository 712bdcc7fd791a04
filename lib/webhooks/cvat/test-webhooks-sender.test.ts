import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCvatWorld, expectDeepSame, first, type CvatWorld } from '@/lib/testing/cvat-fixtures';
import { cvatMethods, HTTPStatus } from '@/lib/testing/cvat-methods';
import { useOwnDatabase } from '@/lib/testing/own-database';
import { startReceiver, type Receiver } from '@/lib/testing/receiver';
import { uploadImages } from '@/lib/testing/test-api';
import { startDispatcher, stopDispatcher } from '../dispatcher';

/**
 * CVAT's own REST tests of webhook delivery, tests/python/rest_api/test_webhooks_sender.py of cvat-ai/cvat,
 * ported test by test (names, requests and assertions kept) and run against Herald with CVAT's fixtures
 * created through Herald's API (lib/testing/cvat-fixtures.ts). As CVAT's webhook_receiver, the receiver
 * (a node:http server on 127.0.0.1) answers with the body it got, and the tests read that echo from the
 * `response` of the webhook's newest delivery.
 *
 * Most of these read `response` right after a change: they rely on "right after a change, the deliveries
 * list holds only attempts already made" (delivery.md), never a queued series with `response: null`.
 */

let world: CvatWorld;
let dropDatabase: () => Promise<void>;
let receiver: Receiver;
const created: number[] = [];
const { get_method, post_method, patch_method, delete_method } = cvatMethods(() => world);

beforeAll(async () => {
  dropDatabase = await useOwnDatabase();
  // As tests/python/webhook_receiver/server.py: 200 with the very body it received.
  receiver = await startReceiver((req, res) => res.end(req.body));
  await startDispatcher();
  world = await createCvatWorld({ annotations: true });
}, 180_000);
afterAll(async () => {
  await stopDispatcher();
  await receiver?.close();
  await dropDatabase?.();
});
// CVAT restores its database before each test; here each test reads the fixtures as they are now, and the
// webhooks it made are deleted after it, so that they do not receive the next test's events.
beforeEach(async () => {
  await world.refresh();
});
afterEach(async () => {
  for (const id of created.splice(0)) await delete_method('admin1', `webhooks/${id}`);
});

function webhook_spec(events: string[], project_id: number | null = null, webhook_type = 'organization') {
  return {
    target_url: receiver.url,
    content_type: 'application/json',
    enable_ssl: false,
    events,
    is_active: true,
    project_id,
    type: webhook_type,
  };
}

async function create_webhook(
  events: string[],
  webhook_type: string,
  project_id: number | null = null,
  org_id: number | '' = '',
) {
  expect(
    (webhook_type === 'project' && project_id !== null) || (webhook_type === 'organization' && org_id),
  ).toBeTruthy();
  const response = await post_method('admin1', 'webhooks', webhook_spec(events, project_id, webhook_type), {
    org_id,
  });
  expect(response.status_code, JSON.stringify(response.json())).toBe(HTTPStatus.CREATED);
  created.push(response.json().id);
  return response.json();
}

async function get_deliveries(webhook_id: number, expected_count = 1, { timeout = 15_000 } = {}) {
  const start = Date.now();
  for (;;) {
    const response = await get_method('admin1', `webhooks/${webhook_id}/deliveries`);
    expect(response.status_code).toBe(HTTPStatus.OK);
    const deliveries = response.json();
    if (deliveries.count === expected_count) {
      const raw = deliveries.results[0].response;
      return [deliveries, raw ? JSON.parse(raw) : {}] as const;
    }
    if (Date.now() - start > timeout)
      throw new Error('TimeoutError: Failed to get deliveries within the specified time interval');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const orgOf = (task_id: number) => world.tasks.get(task_id).organization;

describe('TestWebhookProjectEvents', () => {
  it('test_webhook_update_project_name', async () => {
    let response = await post_method('admin1', 'projects', { name: 'project' });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    const project = response.json();
    const events = ['update:project'];
    const webhook = await create_webhook(events, 'project', project.id);
    const patch_data = { name: 'new_project_name' };
    response = await patch_method('admin1', `projects/${project.id}`, patch_data);
    expect(response.status_code).toBe(HTTPStatus.OK);
    response = await get_method('admin1', `webhooks/${webhook.id}/deliveries`);
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook.id);
    expect(deliveries.count).toBe(1);
    expect(payload.event).toBe(events[0]);
    expect(payload.sender.username).toBe('admin1');
    expect(payload.before_update.name).toBe(project.name);
    Object.assign(project, patch_data);
    expectDeepSame(payload.project, project, ['updated_date']);
  });

  it('test_webhook_create_and_delete_project_in_organization', async () => {
    const org_id = world.organizations.raw[0].id;
    const events = ['create:project', 'delete:project'];
    const webhook = await create_webhook(events, 'organization', null, org_id);
    let response = await post_method('admin1', 'projects', { name: 'project_name' }, { org_id });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    const project = response.json();
    const [deliveries, create_payload] = await get_deliveries(webhook.id);
    expect(deliveries.count).toBe(1);
    response = await delete_method('admin1', `projects/${project.id}`, { org_id });
    expect(response.status_code).toBe(HTTPStatus.NO_CONTENT);
    const [deliveries_2, delete_payload] = await get_deliveries(webhook.id, 2);
    expect(deliveries_2.count).toBe(2);
    expect(create_payload.event).toBe('create:project');
    expect(delete_payload.event).toBe('delete:project');
    expectDeepSame(create_payload.project, project, ['updated_date']);
    expectDeepSame(delete_payload.project, project, ['updated_date']);
  });
});

describe('TestWebhookIntersection', () => {
  // Few webhooks are triggered by the same event: each gets the right number of payloads.
  it('test_project_and_organization_webhooks_intersection', async () => {
    const org_id = world.organizations.raw[0].id;
    const post_data = { name: 'project_name' };
    let response = await post_method('admin1', 'projects', post_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    const events = ['update:project'];
    const project_id = response.json().id;
    const webhook_id_1 = (await create_webhook(events, 'organization', null, org_id)).id;
    const webhook_id_2 = (await create_webhook(events, 'project', project_id, org_id)).id;
    const patch_data = { name: 'new_project_name' };
    response = await patch_method('admin1', `projects/${project_id}`, patch_data);
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries_1, payload_1] = await get_deliveries(webhook_id_1);
    const [deliveries_2, payload_2] = await get_deliveries(webhook_id_2);
    expect(deliveries_1.count).toBe(1);
    expect(deliveries_2.count).toBe(1);
    expect(payload_1.project.name).toBe(patch_data.name);
    expect(payload_2.project.name).toBe(patch_data.name);
    expect(payload_1.before_update.name).toBe(post_data.name);
    expect(payload_2.before_update.name).toBe(post_data.name);
    expect(payload_1.webhook_id).toBe(webhook_id_1);
    expect(payload_2.webhook_id).toBe(webhook_id_2);
    expect(deliveries_1.results[0].webhook_id).toBe(webhook_id_1);
    expect(deliveries_2.results[0].webhook_id).toBe(webhook_id_2);
  });

  it('test_two_project_webhooks_intersection', async () => {
    let response = await post_method('admin1', 'projects', { name: 'project_name' });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    const project_id = response.json().id;
    const webhook_id_1 = (await create_webhook(['create:task', 'update:issue'], 'project', project_id)).id;
    const webhook_id_2 = (await create_webhook(['create:task', 'create:issue'], 'project', project_id)).id;
    const post_data = { name: 'project_name', project_id };
    response = await post_method('admin1', 'tasks', post_data);
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    const [deliveries_1, payload_1] = await get_deliveries(webhook_id_1);
    const [deliveries_2, payload_2] = await get_deliveries(webhook_id_2);
    expect(deliveries_1.count).toBe(1);
    expect(deliveries_2.count).toBe(1);
    expect(payload_1.event).toBe('create:task');
    expect(payload_2.event).toBe('create:task');
    expect(payload_1.task.name).toBe(post_data.name);
    expect(payload_2.task.name).toBe(post_data.name);
    expect(payload_1.webhook_id).toBe(webhook_id_1);
    expect(payload_2.webhook_id).toBe(webhook_id_2);
  });

  it('test_two_organization_webhook_intersection', async () => {
    const org_id = world.organizations.raw[0].id;
    const webhook_id_1 = (
      await create_webhook(['create:project', 'update:membership'], 'organization', null, org_id)
    ).id;
    const webhook_id_2 = (
      await create_webhook(['create:project', 'update:job'], 'organization', null, org_id)
    ).id;
    const response = await post_method('admin1', 'projects', { name: 'project_name' }, { org_id });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    const project = response.json();
    const [deliveries_1, payload_1] = await get_deliveries(webhook_id_1);
    const [deliveries_2, payload_2] = await get_deliveries(webhook_id_2);
    expect(deliveries_1.count).toBe(1);
    expect(deliveries_2.count).toBe(1);
    expect(payload_1.webhook_id).toBe(webhook_id_1);
    expect(payload_2.webhook_id).toBe(webhook_id_2);
    expectDeepSame(payload_1.project, project, ['updated_date']);
    expectDeepSame(payload_2.project, project, ['updated_date']);
  });
});

describe('TestWebhookTaskEvents', () => {
  it('test_webhook_update_task_assignee', async () => {
    const task = first(
      world.tasks.raw.filter((t) => t.project_id !== null && t.organization === null && t.assignee !== null),
    );
    const [task_id, project_id] = [task.id, task.project_id];
    const assignee_id = first(
      world.users.raw.filter((user) => user.id !== world.tasks.get(task_id).assignee.id),
    ).id;
    const webhook_id = (await create_webhook(['update:task'], 'project', project_id)).id;
    const response = await patch_method('admin1', `tasks/${task_id}`, { assignee_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expect(payload.before_update.assignee.id).toBe(world.tasks.get(task_id).assignee.id);
    expect(payload.task.assignee.id).toBe(assignee_id);
  });

  it('test_webhook_create_and_delete_task', async () => {
    const org_id = world.organizations.raw[0].id;
    const webhook = await create_webhook(['create:task', 'delete:task'], 'organization', null, org_id);
    let response = await post_method(
      'admin1',
      'tasks',
      { name: 'task_name', labels: [{ name: 'label_0' }] },
      { org_id },
    );
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    const task = response.json();
    const [deliveries, create_payload] = await get_deliveries(webhook.id);
    expect(deliveries.count).toBe(1);
    response = await delete_method('admin1', `tasks/${task.id}`, { org_id });
    expect(response.status_code).toBe(HTTPStatus.NO_CONTENT);
    const [deliveries2, delete_payload] = await get_deliveries(webhook.id, 2);
    expect(deliveries2.count).toBe(2);
    expect(create_payload.event).toBe('create:task');
    expect(delete_payload.event).toBe('delete:task');
    // CVAT: "These values cannot be computed if the task has no data": its create payload has null there
    // while its own POST answer has 0. webhooks.md makes a payload's resource exactly what GET returned at
    // that moment, so Herald's create payload has the 0s of the task as created.
    expect(create_payload.task.jobs.completed).toBe(0);
    expect(create_payload.task.jobs.validation).toBe(0);
    expect(task.jobs.completed).toBe(0);
    expect(task.jobs.validation).toBe(0);
    expect(delete_payload.task.jobs.completed).toBe(0);
    expect(delete_payload.task.jobs.validation).toBe(0);
    expectDeepSame(create_payload.task, task, ['updated_date', 'jobs', 'labels']);
    expectDeepSame(delete_payload.task, task, ['updated_date', 'jobs', 'labels']);
  });
});

describe('TestWebhookJobEvents', () => {
  it('test_webhook_update_job_assignee', async () => {
    const job = first(world.jobs.raw.filter((j) => j.assignee === null && orgOf(j.task_id) !== null));
    const org_id = orgOf(job.task_id);
    const webhook_id = (await create_webhook(['update:job'], 'organization', null, org_id)).id;
    // The first user of the fixtures (lonely_user) is in no organization: CVAT (and Herald) assign them anyway.
    const patch_data = { assignee: world.users.raw[0].id };
    const response = await patch_method('admin1', `jobs/${job.id}`, patch_data, { org_id });
    expect(response.status_code, JSON.stringify(response.json())).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expect(payload.before_update.assignee).toBeNull();
    expect(payload.job.assignee.id).toBe(patch_data.assignee);
  });

  it('test_webhook_update_job_stage', async () => {
    // Python's set.pop() takes any other stage; the first in alphabetical order here.
    const stages = ['annotation', 'validation', 'acceptance'];
    const job = first(world.jobs.raw.filter((j) => orgOf(j.task_id) !== null));
    const org_id = orgOf(job.task_id);
    const webhook_id = (await create_webhook(['update:job'], 'organization', null, org_id)).id;
    const patch_data = { stage: stages.filter((s) => s !== job.stage).sort()[0] };
    const response = await patch_method('admin1', `jobs/${job.id}`, patch_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expect(payload.before_update.stage).toBe(job.stage);
    expect(payload.job.stage).toBe(patch_data.stage);
  });

  it('test_webhook_update_job_state', async () => {
    const states = ['new', 'in progress', 'rejected', 'completed'];
    const job = first(world.jobs.raw.filter((j) => orgOf(j.task_id) !== null && j.state === 'in progress'));
    const org_id = orgOf(job.task_id);
    const webhook_id = (await create_webhook(['update:job'], 'organization', null, org_id)).id;
    const patch_data = { state: states.filter((s) => s !== job.state).sort()[0] };
    const response = await patch_method('admin1', `jobs/${job.id}`, patch_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expect(payload.before_update.state).toBe(job.state);
    expect(payload.job.state).toBe(patch_data.state);
  });
});

describe('TestWebhookIssueEvents', () => {
  const orgIssue = () => first(world.issues.raw.filter((i) => orgOf(world.jobs.get(i.job).task_id) !== null));

  it('test_webhook_update_issue_resolved', async () => {
    const issue = orgIssue();
    const org_id = orgOf(world.jobs.get(issue.job).task_id);
    const webhook_id = (await create_webhook(['update:issue'], 'organization', null, org_id)).id;
    const patch_data = { resolved: !issue.resolved };
    const response = await patch_method('admin1', `issues/${issue.id}`, patch_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expect(payload.before_update.resolved).toBe(issue.resolved);
    expect(payload.issue.resolved).toBe(patch_data.resolved);
  });

  it('test_webhook_update_issue_position', async () => {
    const issue = orgIssue();
    const org_id = orgOf(world.jobs.get(issue.job).task_id);
    const webhook_id = (await create_webhook(['update:issue'], 'organization', null, org_id)).id;
    const patch_data = { position: [0, 1, 2, 3] };
    const response = await patch_method('admin1', `issues/${issue.id}`, patch_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expect(payload.before_update.position).toEqual(issue.position);
    expect(payload.issue.position).toEqual(patch_data.position);
  });

  it('test_webhook_create_and_delete_issue[2]', async () => {
    const org_id = 2;
    const job_id = first(world.jobs.raw.filter((j) => orgOf(j.task_id) === org_id)).id;
    const webhook = await create_webhook(['create:issue', 'delete:issue'], 'organization', null, org_id);
    let response = await post_method(
      'admin1',
      'issues',
      { frame: 0, position: [0, 1, 2, 3], job: job_id, message: 'issue_msg' },
      { org_id },
    );
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    const issue = response.json();
    const [deliveries, create_payload] = await get_deliveries(webhook.id);
    expect(deliveries.count).toBe(1);
    response = await delete_method('admin1', `issues/${issue.id}`, { org_id });
    expect(response.status_code).toBe(HTTPStatus.NO_CONTENT);
    const [deliveries2, delete_payload] = await get_deliveries(webhook.id, 2);
    expect(deliveries2.count).toBe(2);
    expect(create_payload.event).toBe('create:issue');
    expect(delete_payload.event).toBe('delete:issue');
    expectDeepSame(create_payload.issue, issue, ['updated_date', 'comments']);
    expectDeepSame(delete_payload.issue, issue, ['updated_date', 'comments']);
  });
});

describe('TestWebhookMembershipEvents', () => {
  it('test_webhook_update_membership_role', async () => {
    const roles = ['worker', 'supervisor', 'maintainer'];
    const membership = first(world.memberships.raw.filter((m) => m.role !== 'owner'));
    const org_id = membership.organization;
    const webhook_id = (await create_webhook(['update:membership'], 'organization', null, org_id)).id;
    const patch_data = { role: roles.filter((r) => r !== membership.role).sort()[0] };
    const response = await patch_method('admin1', `memberships/${membership.id}`, patch_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expect(payload.before_update.role).toBe(membership.role);
    expect(payload.membership.role).toBe(patch_data.role);
  });

  it('test_webhook_delete_membership', async () => {
    const membership = first(world.memberships.raw.filter((m) => m.role !== 'owner'));
    const org_id = membership.organization;
    const webhook_id = (await create_webhook(['delete:membership'], 'organization', null, org_id)).id;
    const response = await delete_method('admin1', `memberships/${membership.id}`, { org_id });
    expect(response.status_code).toBe(HTTPStatus.NO_CONTENT);
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expectDeepSame(payload.membership, membership, ['updated_date', 'invitation']);
  });
});

describe('TestWebhookOrganizationEvents', () => {
  it('test_webhook_update_organization_name', async () => {
    const org_id = world.organizations.raw[0].id;
    const webhook_id = (await create_webhook(['update:organization'], 'organization', null, org_id)).id;
    const patch_data = { name: 'new_org_name' };
    await patch_method('admin1', `organizations/${org_id}`, patch_data, { org_id });
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expect(payload.before_update.name).toBe(world.organizations.get(org_id).name);
    expect(payload.organization.name).toBe(patch_data.name);
  });
});

describe('TestWebhookCommentEvents', () => {
  it('test_webhook_update_comment_message', async () => {
    const org_comments = world.comments.raw.map(
      (comment) => [comment, orgOf(world.jobs.get(world.issues.get(comment.issue).job).task_id)] as const,
    );
    const [comment, org_id] = first(org_comments.filter(([, org]) => org !== null));
    const webhook_id = (await create_webhook(['update:comment'], 'organization', null, org_id)).id;
    const patch_data = { message: 'new comment message' };
    const response = await patch_method('admin1', `comments/${comment.id}`, patch_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook_id);
    expect(deliveries.count).toBe(1);
    expect(payload.before_update.message).toBe(comment.message);
    expectDeepSame(payload.comment, { ...comment, ...patch_data }, ['updated_date']);
  });

  it('test_webhook_create_and_delete_comment', async () => {
    const issue = first(world.issues.raw.filter((i) => orgOf(world.jobs.get(i.job).task_id) !== null));
    const org_id = orgOf(world.jobs.get(issue.job).task_id);
    const webhook_id = (
      await create_webhook(['create:comment', 'delete:comment'], 'organization', null, org_id)
    ).id;
    const post_data = { issue: issue.id, message: 'new comment message' };
    let response = await post_method('admin1', 'comments', post_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    const [create_deliveries, create_payload] = await get_deliveries(webhook_id);
    const comment_id = response.json().id;
    response = await delete_method('admin1', `comments/${comment_id}`, { org_id });
    expect(response.status_code).toBe(HTTPStatus.NO_CONTENT);
    const [delete_deliveries, delete_payload] = await get_deliveries(webhook_id, 2);
    expect(create_deliveries.count).toBe(1);
    expect(delete_deliveries.count).toBe(2);
    expect(create_payload.event).toBe('create:comment');
    expect(delete_payload.event).toBe('delete:comment');
    expect(create_payload.comment.message).toBe(post_data.message);
    expect(delete_payload.comment.message).toBe(post_data.message);
  });
});

const userAndForeignProject = () =>
  first(
    world.users.raw
      .filter((user) => user.groups.includes('user'))
      .flatMap((user) =>
        world.projects.raw.filter((p) => p.owner.id !== user.id).map((project) => [user, project] as const),
      ),
  );

describe('TestGetWebhookDeliveries', () => {
  it('test_not_project_staff_cannot_get_webhook', async () => {
    const [user, project] = userAndForeignProject();
    const webhook = await create_webhook(['create:task'], 'project', project.id);
    const owner = first(world.users.raw.filter((u) => u.id === project.owner.id));
    let response = await post_method(owner.username, `webhooks/${webhook.id}/ping`, {});
    expect(response.status_code).toBe(HTTPStatus.OK);
    const delivery_id = response.json().id;
    response = await get_method(user.username, `webhooks/${webhook.id}/deliveries`);
    expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
    response = await get_method(user.username, `webhooks/${webhook.id}/deliveries/${delivery_id}`);
    expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
  });
});

describe('TestWebhookPing', () => {
  it('test_ping_webhook', async () => {
    const project_id = world.projects.raw[0].id;
    const webhook = await create_webhook(['create:task'], 'project', project_id);
    const response = await post_method('admin1', `webhooks/${webhook.id}/ping`, {});
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries, payload] = await get_deliveries(webhook.id);
    expect(deliveries.count).toBe(1);
    expectDeepSame(payload.webhook, webhook, ['updated_date']);
  });

  it('test_not_project_staff_cannot_ping', async () => {
    const [user, project] = userAndForeignProject();
    const webhook = await create_webhook(['create:task'], 'project', project.id);
    const response = await post_method(user.username, `webhooks/${webhook.id}/ping`, {});
    expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
  });
});

describe('TestWebhookRedelivery', () => {
  it('test_webhook_redelivery', async () => {
    const project = { ...world.projects.raw[0] };
    const webhook_id = (await create_webhook(['update:project'], 'project', project.id)).id;
    const patch_data = { name: 'new_project_name' };
    let response = await patch_method('admin1', `projects/${project.id}`, patch_data);
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries_1, payload_1] = await get_deliveries(webhook_id);
    const delivery_id = deliveries_1.results[0].id;
    response = await post_method('admin1', `webhooks/${webhook_id}/deliveries/${delivery_id}/redelivery`, {});
    expect(response.status_code).toBe(HTTPStatus.OK);
    const [deliveries_2, payload_2] = await get_deliveries(webhook_id, 2);
    expect(deliveries_1.count).toBe(1);
    expect(deliveries_2.count).toBe(2);
    expect(deliveries_1.results[0].redelivery).toBe(false);
    expect(deliveries_2.results[0].redelivery).toBe(true);
    Object.assign(project, patch_data);
    expectDeepSame(payload_1.project, project, ['updated_date']);
    expectDeepSame(payload_2.project, project, ['updated_date']);
  });

  it('test_not_project_staff_cannot_redeliver', async () => {
    const [user, project] = userAndForeignProject();
    const webhook = await create_webhook(['create:task'], 'project', project.id);
    const owner = first(world.users.raw.filter((u) => u.id === project.owner.id));
    let response = await post_method(owner.username, `webhooks/${webhook.id}/ping`, {});
    expect(response.status_code).toBe(HTTPStatus.OK);
    const delivery_id = response.json().id;
    response = await post_method(
      user.username,
      `webhooks/${webhook.id}/deliveries/${delivery_id}/redelivery`,
      {},
    );
    expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
  });
});

// CVAT's newest events: exports and backups of a task. Herald has neither exports nor backups, and its
// catalog (webhooks.md, "Event catalog") has no create:export or create:backup to subscribe to.
describe('TestWebhookExportEvents', () => {
  it.skip('test_webhook_create_export_for_task (Herald has no dataset exports, nor a create:export event)', () => {});
});
describe('TestWebhookBackupEvents', () => {
  it.skip('test_webhook_create_backup_for_task (Herald has no task backups, nor a create:backup event)', () => {});
});

describe('Herald: task payloads carry the seed keys and the jobs summary', () => {
  it('create:task and update:task of a task with data', async () => {
    const org_id = world.organizations.raw[0].id;
    const webhook = await create_webhook(['create:task', 'update:task'], 'organization', null, org_id);
    const task = (
      await post_method('admin1', 'tasks', { name: 'seed keys', labels: [{ name: 'label_0' }] }, { org_id })
    ).json();
    const seed = [
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
    const withData = [
      ...seed,
      'data_chunk_size',
      'data_compressed_chunk_type',
      'data_original_chunk_type',
      'size',
      'image_quality',
      'data',
    ];
    expect((await uploadImages(task.id, world.user('admin1'), 1)).status).toBe(201);
    await expect
      .poll(() => receiver.received.filter((r) => r.json?.webhook_id === webhook.id).length, {
        timeout: 10_000,
      })
      .toBe(2);
    const [created, updated] = receiver.received
      .filter((r) => r.json?.webhook_id === webhook.id)
      .map((r) => r.json);
    expect(Object.keys(created.task).sort()).toEqual([...seed, 'jobs'].sort());
    expect(Object.keys(updated.task).sort()).toEqual([...withData, 'jobs'].sort());
    expect(updated.task.jobs).toEqual({
      count: 1,
      completed: 0,
      validation: 0,
      url: `${created.task.url.replace(/\/tasks\/\d+$/, '')}/jobs?task_id=${task.id}`,
    });
    expect(updated.before_update.jobs).toEqual({ ...updated.task.jobs, count: 0 });
  });
});
