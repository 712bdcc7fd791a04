import type { UntypedJson } from './untyped-json';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { getDb } from '@/db/client';
import { users as usersTable } from '@/db/schema';
import { api, uploadImages, type TestUser } from './test-api';

/**
 * CVAT's REST test fixtures (tests/python/shared/assets/*.json of cvat-ai/cvat), created through Herald's
 * API in a database of the test file's own, in CVAT's id order so that ids come out as CVAT's (gaps are
 * filled with objects created and deleted). Lists are kept in the fixture files' order (newest first),
 * since CVAT's tests pick "the first object that fits". The containers hold what Herald's GET answers,
 * re-read by `refresh()`: CVAT restores its database between tests, these tests re-read it instead.
 *
 * Webhook targets: CVAT's fixtures point at http://example.com; here they point at a closed loopback port
 * (tests send nothing off this machine), keeping CVAT's distinction between the URL with and without "/".
 */

export const PASSWORD = 'cvat-fixture-password';
export const EXAMPLE_URL = 'http://127.0.0.1:9/example';
export const EXAMPLE_URL_SLASH = 'http://127.0.0.1:9/example/';
export const NEW_EXAMPLE_URL = 'http://127.0.0.1:9/newexample';

// users.json: id, username, first name, last name, groups
const USERS: [number, string, string, string, string[]][] = [
  [1, 'admin1', 'Admin', 'First', ['admin']],
  [2, 'user1', 'User', 'First', ['user']],
  [3, 'user2', 'User', 'Second', ['user']],
  [4, 'user3', 'User', 'Third', ['user']],
  [5, 'user4', 'User', 'Fourth', ['user']],
  [6, 'worker1', 'Worker', 'First', ['worker']],
  [7, 'worker2', 'Worker', 'Second', ['worker']],
  [8, 'worker3', 'Worker', 'Third', ['worker']],
  [9, 'worker4', 'Worker', 'Fourth', ['worker']],
  [10, 'user7', 'User', 'Seventh', ['user']],
  [11, 'user8', 'User', 'Eighth', ['user']],
  [12, 'user9', 'User', 'Nineth', ['user']],
  [13, 'user10', 'User', 'Tenth', ['user']],
  [14, 'dummy1', 'Dummy', 'First', []],
  [15, 'dummy2', 'Dummy', 'Second', []],
  [16, 'dummy3', 'Dummy', 'Third', []],
  [17, 'dummy4', 'Dummy', 'Fourth', []],
  [18, 'admin2', 'Admin', 'Second', ['admin']],
  [19, 'user5', 'User', 'Fifth', ['user']],
  [20, 'user6', 'User', 'Sixth', ['user']],
  [21, 'lonely_user', 'Lonely', 'User', ['user']],
];

// organizations.json: id, slug, name, owner
const ORGANIZATIONS: [number, string, string, string][] = [
  [1, 'org1', 'organization #1', 'user1'],
  [2, 'org2', 'Organization #2', 'user7'],
];

// memberships.json: id, organization, user, role (the owners' memberships come with their organizations)
const MEMBERSHIPS: [number, number, string, string][] = [
  [2, 1, 'worker1', 'worker'],
  [3, 1, 'worker2', 'worker'],
  [4, 1, 'user7', 'maintainer'],
  [6, 2, 'user8', 'maintainer'],
  [7, 2, 'worker2', 'worker'],
  [8, 2, 'worker3', 'worker'],
  [9, 2, 'user2', 'supervisor'],
  [10, 2, 'user3', 'supervisor'],
  [11, 2, 'user4', 'maintainer'],
  [12, 2, 'user5', 'worker'],
  [13, 1, 'user5', 'supervisor'],
  [14, 1, 'user4', 'supervisor'],
  [15, 1, 'user8', 'maintainer'],
];

// projects.json: id, name, organization, owner, assignee (id 9 does not exist there)
const PROJECTS: [number, string, number | null, string, string | null][] = [
  [1, 'project1', null, 'user7', 'user6'],
  [2, 'project2', 2, 'user7', 'user2'],
  [3, 'project 3', 2, 'user2', 'user5'],
  [4, 'project4', 2, 'admin1', null],
  [5, 'project5', 2, 'admin1', null],
  [6, 'user1_project', null, 'user1', 'user10'],
  [7, 'admin1_project', null, 'admin1', 'worker4'],
  [8, 'project with video data', null, 'admin1', null],
  [10, 'project 6', 2, 'user3', 'worker3'],
  [11, 'project7', 2, 'admin1', null],
  [12, 'project with attributes', null, 'admin1', null],
  [13, 'project with attributes 2', null, 'admin1', null],
  [14, 'project with subsets', null, 'admin1', null],
  [15, 'project assigned to user4', 2, 'admin1', 'user4'],
  [16, 'project assigned to org owner', 2, 'admin1', 'user7'],
];

type WebhookSpec = {
  id: number;
  type: 'project' | 'organization';
  project: number | null;
  org: number | null;
  owner: string;
  target: string;
  events: string[];
};

// webhooks.json
const WEBHOOKS: WebhookSpec[] = [
  {
    id: 1,
    type: 'project',
    project: 6,
    org: null,
    owner: 'user1',
    target: EXAMPLE_URL_SLASH,
    events: ['create:task', 'delete:task', 'update:job', 'update:task'],
  },
  {
    id: 2,
    type: 'project',
    project: 1,
    org: null,
    owner: 'user7',
    target: EXAMPLE_URL_SLASH,
    events: [
      'create:comment',
      'create:issue',
      'create:task',
      'delete:comment',
      'delete:issue',
      'delete:task',
      'update:comment',
      'update:issue',
      'update:job',
      'update:project',
      'update:task',
    ],
  },
  {
    id: 3,
    type: 'project',
    project: 3,
    org: 2,
    owner: 'user2',
    target: EXAMPLE_URL,
    events: ['create:issue', 'delete:issue', 'update:issue', 'update:project'],
  },
  {
    id: 6,
    type: 'organization',
    project: null,
    org: 1,
    owner: 'admin1',
    target: EXAMPLE_URL_SLASH,
    events: [
      'create:comment',
      'create:invitation',
      'create:issue',
      'create:project',
      'create:task',
      'delete:comment',
      'delete:invitation',
      'delete:issue',
      'delete:membership',
      'delete:project',
      'delete:task',
      'update:comment',
      'update:issue',
      'update:job',
      'update:membership',
      'update:organization',
      'update:project',
      'update:task',
    ],
  },
];

type Obj = { id: number; [key: string]: UntypedJson };

/** CVAT's Container: a list in fixture order, and a map by id. */
export class Container<T extends Obj = Obj> implements Iterable<T> {
  constructor(public raw: T[]) {}
  get(id: number): T {
    const found = this.raw.find((o) => o.id === id);
    if (!found) throw new Error(`no fixture object #${id}`);
    return found;
  }
  [Symbol.iterator]() {
    return this.raw[Symbol.iterator]();
  }
}

export type FixtureUser = TestUser & {
  groups: string[];
  first_name: string;
  last_name: string;
  is_superuser: boolean;
};
type TestDbRow = {
  username: string;
  id: number;
  privilege: string | null;
  role: string | null;
  org: number | null;
  membership_id: number | null;
};

const ok = <T = UntypedJson>(
  reply: { status: number; body: UntypedJson },
  status: number,
  what: string,
): T => {
  expect(reply.status, `${what}: ${JSON.stringify(reply.body)}`).toBe(status);
  return reply.body as T;
};

const orgQuery = (org: number | null) => (org === null ? '?org_id=' : `?org_id=${org}`);

export type CvatWorld = Awaited<ReturnType<typeof createCvatWorld>>;

/** Builds the fixtures; with `annotations`, also the tasks, jobs, issues and comments the sender tests read. */
export async function createCvatWorld({ annotations = false } = {}) {
  const db = await getDb();
  const userList: FixtureUser[] = [];
  for (const [cvatId, username, first_name, last_name, groups] of USERS) {
    const email = `${username}@cvat.org`;
    ok(
      await api.post('/api/auth/register', {
        username,
        email,
        password1: PASSWORD,
        password2: PASSWORD,
        first_name,
        last_name,
      }),
      201,
      `register ${username}`,
    );
    const auth = `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString('base64')}`;
    const self = ok(await api.get('/api/users/self', { as: { auth } as TestUser }), 200, 'self');
    expect(self.id, `${username} has CVAT's id`).toBe(cvatId);
    // CVAT's "admin" group; Herald has no API that makes an administrator (ADMIN_USERNAME does, at start).
    if (groups.includes('admin'))
      await db.update(usersTable).set({ isSuperuser: true }).where(eq(usersTable.id, self.id));
    userList.push({
      id: self.id,
      username,
      password: PASSWORD,
      email,
      auth,
      groups,
      first_name,
      last_name,
      is_superuser: groups.includes('admin'),
    });
  }
  const byName = new Map(userList.map((u) => [u.username, u]));
  const user = (name: string): FixtureUser => {
    const found = byName.get(name);
    if (!found) throw new Error(`no fixture user ${name}`);
    return found;
  };
  const admin = user('admin1');

  // Organizations and their members, in membership id order (the owner's comes with the organization).
  const orgSlug = new Map<number, string>();
  const createOrg = async (id: number) => {
    const [, slug, name, owner] = ORGANIZATIONS.find((o) => o[0] === id)!;
    const org = ok(
      await api.post(
        '/api/organizations',
        { slug, name, contact: { email: `${slug}@cvat.org` } },
        { as: user(owner) },
      ),
      201,
      `org ${slug}`,
    );
    expect(org.id).toBe(id);
    orgSlug.set(id, slug);
  };
  const addMember = async ([id, org, name, role]: (typeof MEMBERSHIPS)[number]) => {
    const owner = user(ORGANIZATIONS.find((o) => o[0] === org)![3]);
    const invitation = ok(
      await api.post(`/api/invitations?org_id=${org}`, { role, email: user(name).email }, { as: owner }),
      201,
      `invite ${name}`,
    );
    const accepted = ok(
      await api.post(`/api/invitations/${invitation.key}/accept`, undefined, { as: user(name) }),
      200,
      `accept ${name}`,
    );
    expect(accepted.membership.id, `membership of ${name} in org ${org}`).toBe(id);
  };
  await createOrg(1);
  for (const m of MEMBERSHIPS.filter((m) => m[0] < 5)) await addMember(m);
  await createOrg(2);
  for (const m of MEMBERSHIPS.filter((m) => m[0] > 5)) await addMember(m);

  // Projects in id order; a missing id is made and deleted so that the next ones keep CVAT's.
  let nextProjectId = 1;
  for (const [id, name, org, owner, assignee] of PROJECTS) {
    while (nextProjectId < id) {
      const filler = ok(
        await api.post('/api/projects?org_id=', { name: `deleted ${nextProjectId}` }, { as: admin }),
        201,
        'filler project',
      );
      ok(await api.delete(`/api/projects/${filler.id}`, { as: admin }), 204, 'delete filler project');
      nextProjectId++;
    }
    const project = ok(
      await api.post(`/api/projects${orgQuery(org)}`, { name }, { as: user(owner) }),
      201,
      `project ${name}`,
    );
    expect(project.id).toBe(id);
    if (assignee)
      ok(
        await api.patch(`/api/projects/${id}`, { assignee_id: user(assignee).id }, { as: user(owner) }),
        200,
        `assign ${name}`,
      );
    nextProjectId++;
  }

  // Annotation objects for the sender tests: a personal task with an assignee in a project, and in org 2 a
  // task with images whose job is "in progress", an issue on it and the issue's first comment.
  if (annotations) {
    ok(
      await api.post(
        '/api/tasks',
        { name: 'task in project1', project_id: 1, assignee_id: user('user6').id },
        { as: user('user7') },
      ),
      201,
      'task',
    );
    const inOrg = ok(
      await api.post(
        '/api/tasks?org_id=2',
        { name: 'task in project2', project_id: 2 },
        { as: user('user7') },
      ),
      201,
      'org task',
    );
    ok(await uploadImages(inOrg.id, user('user7'), 2), 201, 'upload');
    const [job] = ok<{ results: Obj[] }>(
      await api.get(`/api/jobs?task_id=${inOrg.id}`, { as: admin }),
      200,
      'jobs',
    ).results;
    ok(
      await api.patch(`/api/jobs/${job.id}`, { state: 'in progress' }, { as: user('user7') }),
      200,
      'job state',
    );
    ok(
      await api.post(
        '/api/issues?org_id=2',
        { job: job.id, frame: 0, position: [1, 2, 3, 4], message: 'issue in org2' },
        { as: user('user7') },
      ),
      201,
      'issue',
    );
  }

  // Webhooks in id order, fillers deleted as above.
  let nextWebhookId = 1;
  const createWebhook = async (spec: WebhookSpec) => {
    const body = {
      target_url: spec.target,
      type: spec.type,
      events: spec.events,
      enable_ssl: true,
      ...(spec.project ? { project_id: spec.project } : {}),
    };
    return ok(
      await api.post(`/api/webhooks${spec.org ? `?org_id=${spec.org}` : ''}`, body, { as: user(spec.owner) }),
      201,
      `webhook ${spec.id}`,
    );
  };
  for (const spec of WEBHOOKS) {
    while (nextWebhookId < spec.id) {
      const filler = ok(
        await api.post(
          '/api/webhooks',
          { target_url: EXAMPLE_URL, type: 'project', project_id: 7, events: ['update:task'] },
          { as: admin },
        ),
        201,
        'filler webhook',
      );
      ok(await api.delete(`/api/webhooks/${filler.id}`, { as: admin }), 204, 'delete filler webhook');
      nextWebhookId++;
    }
    expect((await createWebhook(spec)).id).toBe(spec.id);
    nextWebhookId++;
  }
  const webhookIds = new Map(WEBHOOKS.map((w) => [w.id, w.id]));

  const newestFirst = <T extends Obj>(rows: T[]) => [...rows].sort((a, b) => b.id - a.id);
  const all = async (path: string) =>
    ok<{ results: Obj[] }>(
      await api.get(`${path}${path.includes('?') ? '&' : '?'}page_size=all`, { as: admin }),
      200,
      path,
    ).results;

  const world = {
    users: new Container(newestFirst(userList)),
    organizations: new Container<Obj>([]),
    memberships: new Container<Obj>([]),
    projects: new Container<Obj>([]),
    webhooks: new Container<Obj>([]),
    tasks: new Container<Obj>([]),
    jobs: new Container<Obj>([]),
    issues: new Container<Obj>([]),
    comments: new Container<Obj>([]),
    user,
    admin,
    orgSlug: (id: number) => orgSlug.get(id)!,

    /** Re-reads every fixture object as Herald now shows it (CVAT restores its database instead). */
    async refresh() {
      world.organizations = new Container(newestFirst(await all('/api/organizations')));
      world.memberships = new Container(newestFirst(await all('/api/memberships')));
      world.projects = new Container(newestFirst(await all('/api/projects')));
      const hooks = await all('/api/webhooks');
      // webhooks.json's order (newest first) follows the fixtures, whatever id a re-made one got.
      world.webhooks = new Container(
        [...WEBHOOKS]
          .reverse()
          .map((w) => hooks.find((h) => h.id === webhookIds.get(w.id)))
          .filter((h): h is Obj => Boolean(h)),
      );
      if (annotations) {
        world.tasks = new Container(newestFirst(await all('/api/tasks')));
        world.jobs = new Container(newestFirst(await all('/api/jobs')));
        world.issues = new Container(newestFirst(await all('/api/issues')));
        world.comments = new Container(newestFirst(await all('/api/comments')));
      }
    },

    /**
     * Puts the webhooks back as the fixtures have them (CVAT's restore_db_per_function): webhooks a test
     * added are deleted, changed ones are set back, deleted ones are made again (under a new id, which
     * the containers then show). Then re-reads everything.
     */
    async restoreWebhooks() {
      const hooks = await all('/api/webhooks');
      const fixtureIds = new Set(webhookIds.values());
      for (const extra of hooks.filter((h) => !fixtureIds.has(h.id)))
        ok(await api.delete(`/api/webhooks/${extra.id}`, { as: admin }), 204, 'delete extra webhook');
      for (const spec of WEBHOOKS) {
        const current = hooks.find((h) => h.id === webhookIds.get(spec.id));
        if (!current) {
          webhookIds.set(spec.id, (await createWebhook(spec)).id);
          continue;
        }
        const reset = {
          target_url: spec.target,
          events: spec.events,
          is_active: true,
          enable_ssl: true,
          description: '',
          secret: '',
        };
        const isChanged =
          current.target_url !== spec.target ||
          current.is_active !== true ||
          current.enable_ssl !== true ||
          current.description !== '' ||
          [...current.events].sort().join() !== [...spec.events].sort().join();
        // The secret is write-only: a test may have set one, so it is always cleared.
        ok(
          await api.patch(`/api/webhooks/${current.id}`, isChanged ? reset : { secret: '' }, { as: admin }),
          200,
          'reset webhook',
        );
      }
      await world.refresh();
    },

    /** CVAT's test_db rows: one per user and group, then one per membership and group, in fixture order. */
    testDb(): TestDbRow[] {
      const rows: TestDbRow[] = [];
      for (const u of world.users)
        for (const group of u.groups)
          rows.push({
            username: u.username,
            id: u.id,
            privilege: group,
            role: null,
            org: null,
            membership_id: null,
          });
      for (const m of world.memberships) {
        const u = user(m.user.username);
        for (const group of u.groups)
          rows.push({
            username: u.username,
            id: u.id,
            privilege: group,
            role: m.role,
            org: m.organization,
            membership_id: m.id,
          });
      }
      return rows;
    },

    /** CVAT's find_users(**kwargs): rows matching every given field; `exclude_<field>` drops users that have it. */
    findUsers(
      filters: Partial<
        Record<'privilege' | 'role' | 'org' | 'exclude_privilege' | 'exclude_role', string | number>
      >,
    ): TestDbRow[] {
      const all = world.testDb();
      let data = all;
      for (const [key, value] of Object.entries(filters)) {
        if (value === undefined) continue;
        if (key.startsWith('exclude_')) {
          const field = key.slice('exclude_'.length) as keyof TestDbRow;
          const excluded = new Set(all.filter((r) => r[field] === value).map((r) => r.id));
          data = data.filter((r) => !excluded.has(r.id));
        } else data = data.filter((r) => r[key as keyof TestDbRow] === value);
      }
      return data;
    },

    isOrgMember(userId: number, orgId: number | null | ''): boolean {
      if (orgId === null || orgId === '') return true;
      return world.memberships.raw.some((m) => m.user?.id === userId && m.organization === orgId);
    },

    isProjectStaff(userId: number, projectId: number | null): boolean {
      if (projectId === null) return false;
      const p = world.projects.get(projectId);
      return p.owner?.id === userId || p.assignee?.id === userId;
    },

    /** CVAT's projects_by_org: organization id (or "" for the personal workspace) to its projects, in order. */
    projectsByOrg(): Map<number | '', Obj[]> {
      const data = new Map<number | null, Obj[]>();
      for (const p of world.projects) data.set(p.organization, [...(data.get(p.organization) ?? []), p]);
      const personal = data.get(null) ?? [];
      data.delete(null);
      return new Map<number | '', Obj[]>([...(data as Map<number, Obj[]>), ['', personal]]);
    },

    /** The user a username names, for `as`. */
    as(name: string) {
      return user(name);
    },
  };
  await world.refresh();
  return world;
}

/** CVAT's `DeepDiff(a, b, ignore_order=True, exclude_paths=[root['k'], …]) == {}`: equal up to the order of lists. */
export function expectDeepSame(actual: unknown, expected: unknown, excludeRootKeys: string[] = []) {
  const strip = (v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).filter(([k]) => !excludeRootKeys.includes(k)))
      : v;
  expect(orderless(strip(actual))).toEqual(orderless(strip(expected)));
}

function orderless(value: unknown): unknown {
  if (Array.isArray(value))
    return value
      .map(orderless)
      .sort((a, b) =>
        JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0,
      );
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, orderless(v)]),
    );
  return value;
}

/** The first item that fits, as Python's next() over a generator: fails the test when there is none. */
export function first<T>(items: Iterable<T>, what = 'a fixture that fits'): T {
  for (const item of items) return item;
  throw new Error(`StopIteration: no ${what}`);
}
