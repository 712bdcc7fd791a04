import { expect, test as base, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { startReceiver, type Received, type Receiver } from '../lib/testing/receiver';
import type { UntypedJson } from '../lib/testing/untyped-json';
import { makePng } from './png';

// The specs' fixtures. Each test seeds its own people and organization through the REST API (nothing is
// shared between tests, so each runs alone or in any order), then drives the pages as one of them.

export type Person = {
  username: string;
  password: string;
  email: string;
  first_name: string;
  last_name: string;
};

export type Org = { suffix: string; slug: string; id: number; name: string; owner: Person };

/** An organization with a project, a task (one job assigned to the worker, an issue, two comments) and two webhooks. */
export type Team = Org & {
  worker: Person;
  projectId: number;
  projectName: string;
  taskId: number;
  taskName: string;
  jobId: number;
  issueId: number;
  ownerCommentId: number;
  workerCommentId: number;
  orgHookId: number;
  projectHookId: number;
};

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
export type Reply = { status: number; body: UntypedJson };

/** A REST call as `who` (Basic credentials), in organization `org` when given. */
export type Api = (who: Person, method: Method, path: string, data?: unknown, org?: string) => Promise<Reply>;

/** A real HTTP receiver on 127.0.0.1: it records what reaches it and answers as told. */
export type HookReceiver = Receiver & {
  /** From now on, answer `status` (with `headers`); 200 "ok" at first. */
  answerWith(status: number, headers?: Record<string, string>): void;
  /** The first request matching `pred`, once it has arrived. */
  arrived(pred: (r: Received) => boolean, timeout?: number): Promise<Received>;
};

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export const suffixOf = () => Math.random().toString(36).slice(2, 8);

export const basic = (p: { username: string; password: string }) => ({
  authorization: `Basic ${Buffer.from(`${p.username}:${p.password}`).toString('base64')}`,
});

export function makeApi(request: APIRequestContext): Api {
  return async (who, method, path, data, org) => {
    const res = await request[method](path, {
      headers: { ...basic(who), ...(org ? { 'x-organization': org } : {}) },
      data,
    });
    return { status: res.status(), body: await res.json().catch(() => null) };
  };
}

/** POSTs and expects 201: the created object. */
export async function create(api: Api, who: Person, path: string, data: unknown, org?: string) {
  const res = await api(who, 'post', path, data, org);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body;
}

/** Registers a person through the API. */
export async function register(
  request: APIRequestContext,
  name: string,
  names: { first_name?: string; last_name?: string } = {},
): Promise<Person> {
  const username = `${name}-${suffixOf()}`;
  const person: Person = {
    username,
    password: `${name}-password-1`,
    email: `${username}@example.test`,
    first_name: names.first_name ?? name[0].toUpperCase() + name.slice(1),
    last_name: names.last_name ?? 'Tester',
  };
  const res = await request.post('/api/auth/register', {
    data: {
      username: person.username,
      email: person.email,
      password1: person.password,
      password2: person.password,
      first_name: person.first_name,
      last_name: person.last_name,
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return person;
}

/** `who` joins `slug` as `role`: invited by `by`, accepted by them. */
export async function addMember(api: Api, by: Person, slug: string, who: Person, role: string) {
  const invitation = await create(api, by, '/api/invitations', { email: who.email, role }, slug);
  expect((await api(who, 'post', `/api/invitations/${invitation.key}/accept`)).status).toBe(200);
}

export async function seedOrg(request: APIRequestContext): Promise<Org> {
  const api = makeApi(request);
  const suffix = suffixOf();
  const owner = await register(request, 'olive', { last_name: 'Owner' });
  const slug = `team-${suffix}`;
  const name = `Team ${suffix}`;
  const org = await create(api, owner, '/api/organizations', { slug, name });
  return { suffix, slug, id: org.id, name, owner };
}

/** A new person who has joined `org` as `role`. */
export async function seedMember(request: APIRequestContext, org: Org, name: string, role: string) {
  const who = await register(request, name, { last_name: role[0].toUpperCase() + role.slice(1) });
  await addMember(makeApi(request), org.owner, org.slug, who, role);
  return who;
}

/** Uploads `count` frames of `width`x`height` to a task as `who`. */
export async function uploadFrames(
  request: APIRequestContext,
  who: Person,
  taskId: number,
  {
    count = 1,
    width = 64,
    height = 48,
    org,
  }: { count?: number; width?: number; height?: number; org?: string },
) {
  const files = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `client_files[${i}]`,
      { name: `frame_${i}.png`, mimeType: 'image/png', buffer: makePng(width, height, i) },
    ]),
  );
  const upload = await request.post(`/api/tasks/${taskId}/data`, {
    headers: { ...basic(who), ...(org ? { 'x-organization': org } : {}) },
    multipart: { ...files, image_quality: '70' },
  });
  expect(upload.status(), await upload.text()).toBeLessThan(300);
}

export async function seedTeam(request: APIRequestContext, org: Org, worker: Person): Promise<Team> {
  const api = makeApi(request);
  const { owner, slug, suffix } = org;
  const projectName = `Street scenes ${suffix}`;
  const project = await create(
    api,
    owner,
    '/api/projects',
    { name: projectName, labels: [{ name: 'car' }] },
    slug,
  );
  const taskName = `Crossing ${suffix}`;
  const task = await create(api, owner, '/api/tasks', { name: taskName, project_id: project.id }, slug);
  await uploadFrames(request, owner, task.id, { org: slug });
  const jobs = await api(owner, 'get', `/api/jobs?task_id=${task.id}`, undefined, slug);
  const jobId = jobs.body.results[0].id as number;
  // The worker is the job's assignee: they see the job, its issues, and may comment.
  const workerId = (await api(worker, 'get', '/api/users/self')).body.id as number;
  expect((await api(owner, 'patch', `/api/jobs/${jobId}`, { assignee: workerId }, slug)).status).toBe(200);
  const issue = await create(
    api,
    owner,
    '/api/issues',
    { job: jobId, frame: 0, position: [4, 4, 20, 20], message: 'The car is cut off' },
    slug,
  );
  const ownerComment = await create(
    api,
    owner,
    '/api/comments',
    { issue: issue.id, message: 'Please redraw it' },
    slug,
  );
  const workerComment = await create(
    api,
    worker,
    '/api/comments',
    { issue: issue.id, message: 'On it' },
    slug,
  );
  const receiverUrl = 'http://127.0.0.1:9/hook';
  const orgHook = await create(
    api,
    owner,
    '/api/webhooks',
    {
      target_url: receiverUrl,
      type: 'organization',
      events: ['update:task'],
      description: 'Team feed',
      secret: 'org-secret',
    },
    slug,
  );
  const projectHook = await create(
    api,
    owner,
    '/api/webhooks',
    {
      target_url: receiverUrl,
      type: 'project',
      project_id: project.id,
      events: ['update:task'],
      description: 'Project feed',
    },
    slug,
  );
  return {
    ...org,
    worker,
    projectId: project.id,
    projectName,
    taskId: task.id,
    taskName,
    jobId,
    issueId: issue.id,
    ownerCommentId: ownerComment.id,
    workerCommentId: workerComment.id,
    orgHookId: orgHook.id,
    projectHookId: projectHook.id,
  };
}

/** A fresh browser context at `viewport`, signed in through the login form as `who`. */
export async function openSignedIn(
  browser: Browser,
  who: { username: string; password: string },
  viewport: { width: number; height: number } | null,
): Promise<Page> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/projects/);
  await expect(page.getByTestId('user-menu')).toContainText(who.username);
  return page;
}

type Fixtures = {
  /** REST calls as a person, through Playwright's request context. */
  api: Api;
  /** Registers another person (a fresh username each call). */
  makePerson: (name: string, names?: { first_name?: string; last_name?: string }) => Promise<Person>;
  /** One freshly registered person, in no organization. */
  person: Person;
  /** A fresh organization and its owner. */
  org: Org;
  /** People who have joined `org` as a maintainer and as a worker. */
  maintainer: Person;
  worker: Person;
  /** `org` and its `worker`, with a project, a task, a job, an issue, comments and two webhooks. */
  team: Team;
  /** Signs `who` in, in a context of its own at the test's viewport (closed after the test). */
  signIn: (
    who: { username: string; password: string },
    viewport?: { width: number; height: number },
  ) => Promise<Page>;
  /** Signed-in pages of `org`'s (or `team`'s) people, and of `person`. */
  ownerPage: Page;
  maintainerPage: Page;
  workerPage: Page;
  personPage: Page;
  /** A receiver on 127.0.0.1 (closed after the test); it answers 200 "ok" until told otherwise. */
  receiver: HookReceiver;
};

export const test = base.extend<Fixtures>({
  api: async ({ request }, provide) => {
    await provide(makeApi(request));
  },
  makePerson: async ({ request }, provide) => {
    await provide((name, names) => register(request, name, names));
  },
  person: async ({ makePerson }, provide) => {
    await provide(await makePerson('pat', { last_name: 'Person' }));
  },
  org: async ({ request }, provide) => {
    await provide(await seedOrg(request));
  },
  maintainer: async ({ request, org }, provide) => {
    await provide(await seedMember(request, org, 'mike', 'maintainer'));
  },
  worker: async ({ request, org }, provide) => {
    await provide(await seedMember(request, org, 'walt', 'worker'));
  },
  team: async ({ request, org, worker }, provide) => {
    await provide(await seedTeam(request, org, worker));
  },
  signIn: async ({ browser, viewport }, provide) => {
    const pages: Page[] = [];
    await provide(async (who, at) => {
      const page = await openSignedIn(browser, who, at ?? viewport);
      pages.push(page);
      return page;
    });
    for (const page of pages) await page.context().close();
  },
  ownerPage: async ({ org, signIn }, provide) => {
    await provide(await signIn(org.owner));
  },
  maintainerPage: async ({ maintainer, signIn }, provide) => {
    await provide(await signIn(maintainer));
  },
  workerPage: async ({ worker, signIn }, provide) => {
    await provide(await signIn(worker));
  },
  personPage: async ({ person, signIn }, provide) => {
    await provide(await signIn(person));
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern: none here
  receiver: async ({}, provide) => {
    let answer: { status: number; headers?: Record<string, string> } = { status: 200 };
    const receiver = await startReceiver((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'text/plain', 'x-receiver': 'e2e', ...answer.headers });
      res.end(answer.status === 200 ? 'ok' : 'receiver is down');
    });
    const hook: HookReceiver = Object.assign(receiver, {
      answerWith: (status: number, headers?: Record<string, string>) => {
        answer = { status, headers };
      },
      arrived: (pred: (r: Received) => boolean, timeout = 15_000) =>
        expect
          .poll(() => receiver.received.find(pred), { timeout })
          .toBeTruthy()
          .then(() => receiver.received.find(pred)!),
    });
    await provide(hook);
    await receiver.close();
  },
});

export { expect };
