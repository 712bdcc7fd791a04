import { expect, test as base, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { makePng } from './png';
import { openSignedIn } from './support';

// Shared fixtures of the UI specs (accessibility, permissions, not-found, session): each test seeds its own
// people and organization through the REST API, then drives the pages as one of them.

export type Person = { username: string; password: string; first_name: string; last_name: string };
export type Team = {
  suffix: string;
  owner: Person;
  worker: Person;
  orgSlug: string;
  orgId: number;
  projectId: number;
  projectName: string;
  taskId: number;
  jobId: number;
  issueId: number;
  ownerCommentId: number;
  workerCommentId: number;
  orgHookId: number;
  projectHookId: number;
};

const basic = (p: Person) => ({
  authorization: `Basic ${Buffer.from(`${p.username}:${p.password}`).toString('base64')}`,
});

export async function api(
  request: APIRequestContext,
  who: Person,
  method: 'get' | 'post' | 'patch',
  path: string,
  data?: unknown,
  org?: string,
) {
  const res = await request[method](path, {
    headers: { ...basic(who), ...(org ? { 'x-organization': org } : {}) },
    data,
  });
  const body = await res.json().catch(() => null);
  return { status: res.status(), body };
}

async function created(request: APIRequestContext, who: Person, path: string, data: unknown, org?: string) {
  const res = await api(request, who, 'post', path, data, org);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body;
}

/** An owner with an organization, a worker in it, a project with a task (one job, an issue and two comments) and two webhooks. */
export async function seedTeam(
  request: APIRequestContext,
  receiverUrl = 'http://127.0.0.1:9/hook',
): Promise<Team> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const person = (name: string, last: string): Person => ({
    username: `${name}-${suffix}`,
    password: `${name}-password-1`,
    first_name: name[0].toUpperCase() + name.slice(1),
    last_name: last,
  });
  const owner = person('olive', 'Owner');
  const worker = person('walt', 'Worker');
  for (const p of [owner, worker]) {
    const res = await request.post('/api/auth/register', {
      data: {
        username: p.username,
        email: `${p.username}@example.test`,
        password1: p.password,
        password2: p.password,
        first_name: p.first_name,
        last_name: p.last_name,
      },
    });
    expect(res.status()).toBe(201);
  }
  const orgSlug = `team-${suffix}`;
  const org = await created(request, owner, '/api/organizations', { slug: orgSlug, name: `Team ${suffix}` });
  const invitation = await created(
    request,
    owner,
    '/api/invitations',
    { email: `${worker.username}@example.test`, role: 'worker' },
    orgSlug,
  );
  expect((await api(request, worker, 'post', `/api/invitations/${invitation.key}/accept`)).status).toBe(200);
  const projectName = `Street scenes ${suffix}`;
  const project = await created(
    request,
    owner,
    '/api/projects',
    { name: projectName, labels: [{ name: 'car' }] },
    orgSlug,
  );
  const task = await created(
    request,
    owner,
    '/api/tasks',
    { name: `Crossing ${suffix}`, project_id: project.id },
    orgSlug,
  );
  const upload = await request.post(`/api/tasks/${task.id}/data`, {
    headers: { ...basic(owner), 'x-organization': orgSlug },
    multipart: {
      'client_files[0]': { name: 'frame_0.png', mimeType: 'image/png', buffer: makePng(64, 48, 1) },
      image_quality: '70',
    },
  });
  expect(upload.status()).toBeLessThan(300);
  const jobs = await api(request, owner, 'get', `/api/jobs?task_id=${task.id}`, undefined, orgSlug);
  const jobId = jobs.body.results[0].id as number;
  // The worker is the job's assignee: they see the job, its issues, and may comment.
  const workerId = (await api(request, worker, 'get', '/api/users/self')).body.id as number;
  expect(
    (await api(request, owner, 'patch', `/api/jobs/${jobId}`, { assignee: workerId }, orgSlug)).status,
  ).toBe(200);
  const issue = await created(
    request,
    owner,
    '/api/issues',
    { job: jobId, frame: 0, position: [4, 4, 20, 20], message: 'The car is cut off' },
    orgSlug,
  );
  const ownerComment = await created(
    request,
    owner,
    '/api/comments',
    { issue: issue.id, message: 'Please redraw it' },
    orgSlug,
  );
  const workerComment = await created(
    request,
    worker,
    '/api/comments',
    { issue: issue.id, message: 'On it' },
    orgSlug,
  );
  const orgHook = await created(
    request,
    owner,
    '/api/webhooks',
    {
      target_url: receiverUrl,
      type: 'organization',
      events: ['update:task'],
      description: 'Team feed',
      secret: 'org-secret',
    },
    orgSlug,
  );
  const projectHook = await created(
    request,
    owner,
    '/api/webhooks',
    {
      target_url: receiverUrl,
      type: 'project',
      project_id: project.id,
      events: ['update:task'],
      description: 'Project feed',
    },
    orgSlug,
  );
  return {
    suffix,
    owner,
    worker,
    orgSlug,
    orgId: org.id,
    projectId: project.id,
    projectName,
    taskId: task.id,
    jobId,
    issueId: issue.id,
    ownerCommentId: ownerComment.id,
    workerCommentId: workerComment.id,
    orgHookId: orgHook.id,
    projectHookId: projectHook.id,
  };
}

/** A fresh browser context at `viewport`, signed in through the login form. */
export function signInAt(
  browser: Browser,
  who: Person,
  viewport = { width: 1440, height: 900 },
): Promise<Page> {
  return openSignedIn(browser, who, viewport);
}

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export const test = base.extend<{ team: Team }>({
  team: async ({ request }, provide) => {
    await provide(await seedTeam(request));
  },
});
export { expect };
