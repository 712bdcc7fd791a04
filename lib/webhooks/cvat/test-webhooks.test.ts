import type { UntypedJson } from '@/lib/testing/untyped-json';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCvatWorld,
  EXAMPLE_URL,
  expectDeepSame,
  first,
  NEW_EXAMPLE_URL,
  type CvatWorld,
} from '@/lib/testing/cvat-fixtures';
import { cvatMethods, HTTPStatus } from '@/lib/testing/cvat-methods';
import { useOwnDatabase } from '@/lib/testing/own-database';
import { api } from '@/lib/testing/test-api';

/**
 * CVAT's own REST tests for webhooks, tests/python/rest_api/test_webhooks.py of cvat-ai/cvat, ported test by
 * test (names, requests and assertions kept; `[x]` is pytest's parameter) and run against Herald with CVAT's
 * fixtures created through Herald's API (lib/testing/cvat-fixtures.ts). Where Herald's spec deliberately
 * differs from CVAT (webhooks.md, "Deliberate differences"), the test asserts the spec and says so.
 * Target URLs point at a closed loopback port instead of example.com (see the fixtures).
 */

let world: CvatWorld;
let dropDatabase: () => Promise<void>;
const { get_method, post_method, patch_method, delete_method } = cvatMethods(() => world);

beforeAll(async () => {
  dropDatabase = await useOwnDatabase();
  world = await createCvatWorld();
}, 180_000);
afterAll(async () => {
  await dropDatabase?.();
});
// CVAT restores its database before each test (per function or per class); Herald's tests put the webhooks back.
beforeEach(async () => {
  await world.restoreWebhooks();
});

const copy = <T>(value: T): T => structuredClone(value);
const product = <A, B>(as: A[], bs: B[]) => as.flatMap((a) => bs.map((b) => [a, b] as const));

describe('TestPostWebhooks', () => {
  const proj_webhook = {
    description: 'webhook description',
    content_type: 'application/json',
    enable_ssl: false,
    events: ['create:task', 'delete:task'],
    is_active: true,
    project_id: 1,
    secret: 'secret',
    target_url: EXAMPLE_URL,
    type: 'project',
  } as Record<string, unknown>;
  const org_webhook = {
    description: 'webhook description',
    content_type: 'application/json',
    enable_ssl: false,
    events: ['create:task', 'delete:task'],
    is_active: true,
    secret: 'secret',
    target_url: EXAMPLE_URL,
    type: 'organization',
  } as Record<string, unknown>;

  it('test_sandbox_admin_can_create_webhook_for_project', async () => {
    const admin = first(world.users.raw.filter((u) => u.groups.includes('admin')));
    const project = world.projects.raw.filter((p) => p.owner.id !== admin.id && p.organization === null)[0];
    const webhook = copy(proj_webhook);
    webhook.project_id = project.id;
    const response = await post_method(admin.username, 'webhooks', webhook);
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    expect('secret' in response.json()).toBe(false);
  });

  it('test_admin_can_create_webhook_for_org', async () => {
    const admins = world.users.raw.filter((u) => u.groups.includes('admin'));
    const [username, org_id] = first(
      admins.flatMap((user) =>
        world.organizations.raw
          .filter((org) => !world.isOrgMember(user.id, org.id))
          .map((org) => [user.username, org.id] as const),
      ),
    );
    const response = await post_method(username, 'webhooks', copy(org_webhook), { org_id });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    expect('secret' in response.json()).toBe(false);
  });

  it('test_admin_can_create_webhook_for_project_in_org', async () => {
    const admins = world.users.raw.filter((u) => u.groups.includes('admin'));
    const not_org_members = product(admins, world.organizations.raw).filter(
      ([u, o]) => !world.isOrgMember(u.id, o.id),
    );
    const byOrg = world.projectsByOrg();
    const [username, org_id] = first(
      not_org_members.flatMap(([u, o]) =>
        (byOrg.get(o.id) ?? []).filter((p) => p.owner.id !== u.id).map(() => [u.username, o.id] as const),
      ),
    );
    const response = await post_method(username, 'webhooks', copy(org_webhook), { org_id });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    expect('secret' in response.json()).toBe(false);
  });

  it.each(['user'])('test_sandbox_project_owner_can_create_webhook_for_project[%s]', async (privilege) => {
    const users = world.users.raw.filter((u) => u.groups.includes(privilege));
    const [username, project_id] = first(
      users.flatMap((user) =>
        world.projects.raw
          .filter((p) => p.owner.id === user.id && p.organization === null)
          .map((p) => [user.username, p.id] as const),
      ),
    );
    const webhook = copy(proj_webhook);
    webhook.project_id = project_id;
    const response = await post_method(username, 'webhooks', webhook);
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    expect('secret' in response.json()).toBe(false);
  });

  it.each(['worker', 'user'])(
    'test_sandbox_project_assignee_cannot_create_webhook_for_project[%s]',
    async (privilege) => {
      const users = world.users.raw.filter((u) => u.groups.includes(privilege));
      const projects = world.projects.raw.filter((p) => p.assignee !== null);
      const [username, project_id] = first(
        users.flatMap((user) =>
          projects
            .filter((p) => p.assignee.id === user.id && p.organization === null)
            .map((p) => [user.username, p.id] as const),
        ),
      );
      const webhook = copy(proj_webhook);
      webhook.project_id = project_id;
      const response = await post_method(username, 'webhooks', webhook);
      expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
    },
  );

  it.each(['maintainer', 'owner'])('test_member_can_create_webhook_for_org[%s]', async (role) => {
    const [username, org_id] = first(
      world.organizations.raw.flatMap((o) =>
        world
          .findUsers({ org: o.id, role, exclude_privilege: 'admin' })
          .map((u) => [u.username, o.id] as const),
      ),
    );
    const response = await post_method(username, 'webhooks', copy(org_webhook), { org_id });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    expect('secret' in response.json()).toBe(false);
  });

  const memberAndProject = (role: string, fits: (userId: number, project: UntypedJson) => boolean) => {
    const byOrg = world.projectsByOrg();
    return first(
      world.organizations.raw.flatMap((o) =>
        world
          .findUsers({ org: o.id, role, exclude_privilege: 'admin' })
          .flatMap((u) =>
            (byOrg.get(o.id) ?? [])
              .filter((p) => fits(u.id, p))
              .map((p) => [u.username, o.id, p.id] as const),
          ),
      ),
    );
  };

  it.each(['maintainer', 'owner'])('test_member_can_create_webhook_for_project[%s]', async (role) => {
    const [username, oid, pid] = memberAndProject(role, (uid, p) => !world.isProjectStaff(uid, p.id));
    const webhook = copy(proj_webhook);
    webhook.project_id = pid;
    const response = await post_method(username, 'webhooks', webhook, { org_id: oid });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    expect('secret' in response.json()).toBe(false);
  });

  it.each(['supervisor', 'worker'])('test_member_cannot_create_webhook_for_org[%s]', async (role) => {
    const [username, org_id] = first(
      world.organizations.raw.flatMap((o) =>
        world
          .findUsers({ org: o.id, role, exclude_privilege: 'admin' })
          .map((u) => [u.username, o.id] as const),
      ),
    );
    const response = await post_method(username, 'webhooks', copy(org_webhook), { org_id });
    expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
  });

  it.each(['supervisor', 'worker'])('test_member_cannot_create_webhook_for_project[%s]', async (role) => {
    const [username, oid, pid] = memberAndProject(role, (uid, p) => !world.isProjectStaff(uid, p.id));
    const webhook = copy(proj_webhook);
    webhook.project_id = pid;
    const response = await post_method(username, 'webhooks', webhook, { org_id: oid });
    expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
  });

  it.each(['supervisor'])('test_member_project_owner_can_create_webhook_for_project[%s]', async (role) => {
    const [username, oid, pid] = memberAndProject(role, (uid, p) => p.owner.id === uid);
    const webhook = copy(proj_webhook);
    webhook.project_id = pid;
    const response = await post_method(username, 'webhooks', webhook, { org_id: oid });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    expect('secret' in response.json()).toBe(false);
  });

  it('test_non_member_cannot_create_webhook_for_org', async () => {
    const [username, org_id] = first(
      world.organizations.raw.flatMap((o) =>
        world
          .findUsers({ exclude_privilege: 'admin' })
          .filter((u) => !world.isOrgMember(u.id, o.id))
          .map((u) => [u.username, o.id] as const),
      ),
    );
    const response = await post_method(username, 'webhooks', copy(org_webhook), { org_id });
    expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
  });

  it('test_can_create_without_unnecessary_fields', async () => {
    const post_data = copy(proj_webhook);
    for (const key of ['enable_ssl', 'content_type', 'description', 'is_active', 'secret'])
      delete post_data[key];
    const response = await post_method('admin2', 'webhooks', post_data);
    expect(response.status_code).toBe(HTTPStatus.CREATED);
  });

  it('test_can_create_with_mismatching_project_org_fields', async () => {
    // In this case we could either fail or ignore invalid query param. Currently, the invalid org id will
    // be ignored and the value will be taken from the project (webhooks.md says the same).
    const byOrg = world.projectsByOrg();
    const post_data = copy(proj_webhook);
    let org_id: number | '' = first(byOrg.keys());
    const project = byOrg.get(org_id)![0];
    post_data.project_id = project.id;
    org_id = first([...byOrg.keys()].filter((k) => k !== org_id));
    const response = await post_method('admin1', 'webhooks', post_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.CREATED);
    expect(response.json().project_id).toBe(post_data.project_id);
    expect(response.json().organization).toBe(project.organization);
  });

  it('test_cannot_create_without_target_url', async () => {
    const post_data = copy(proj_webhook);
    delete post_data.target_url;
    expect((await post_method('admin2', 'webhooks', post_data)).status_code).toBe(HTTPStatus.BAD_REQUEST);
  });

  it('test_cannot_create_without_events_list', async () => {
    const post_data = copy(proj_webhook);
    delete post_data.events;
    expect((await post_method('admin2', 'webhooks', post_data)).status_code).toBe(HTTPStatus.BAD_REQUEST);
  });

  it('test_cannot_create_without_type', async () => {
    const post_data = copy(proj_webhook);
    delete post_data.type;
    expect((await post_method('admin2', 'webhooks', post_data)).status_code).toBe(HTTPStatus.BAD_REQUEST);
  });

  it('test_cannot_create_without_project_id', async () => {
    const post_data = copy(proj_webhook);
    delete post_data.project_id;
    const response = await post_method('admin2', 'webhooks', post_data);
    // Deliberate difference (webhooks.md): CVAT answers 500 here; Herald answers 400 naming project_id.
    expect(response.status_code).toBe(HTTPStatus.BAD_REQUEST);
    expect(Object.keys(response.json())).toEqual(['project_id']);
  });

  it('test_cannot_create_organization_webhook_when_project_id_is_not_null', async () => {
    const post_data = copy(proj_webhook);
    post_data.type = 'organization';
    const org_id = world.organizations.raw[0].id;
    const response = await post_method('admin2', 'webhooks', post_data, { org_id });
    // Deliberate difference (webhooks.md): CVAT answers 500 here; Herald answers 400 naming project_id.
    expect(response.status_code).toBe(HTTPStatus.BAD_REQUEST);
    expect(Object.keys(response.json())).toEqual(['project_id']);
  });

  // Skipped in CVAT too: @pytest.mark.skip("Not implemented yet"). Neither CVAT nor Herald refuses a duplicate.
  it.skip('test_cannot_create_non_unique_webhook', async () => {
    await post_method('admin2', 'webhooks', proj_webhook);
    const response = await post_method('admin2', 'webhooks', proj_webhook);
    expect(response.status_code).toBe(HTTPStatus.INTERNAL_SERVER_ERROR);
  });

  it('test_cannot_create_for_non_existent_organization', async () => {
    const post_data = copy(proj_webhook);
    post_data.type = 'organization';
    const org_id = Math.max(...world.organizations.raw.map((a) => a.id)) + 1;
    expect((await post_method('admin2', 'webhooks', post_data, { org_id })).status_code).toBe(
      HTTPStatus.NOT_FOUND,
    );
  });

  it('test_cannot_create_for_non_existent_project', async () => {
    const post_data = copy(proj_webhook);
    post_data.project_id = Math.max(...world.projects.raw.map((a) => a.id)) + 1;
    expect((await post_method('admin2', 'webhooks', post_data)).status_code).toBe(HTTPStatus.BAD_REQUEST);
  });

  it('test_cannot_create_with_non_supported_type', async () => {
    const post_data = copy(proj_webhook);
    post_data.type = 'some_type';
    expect((await post_method('admin2', 'webhooks', post_data)).status_code).toBe(HTTPStatus.BAD_REQUEST);
  });

  it('test_cannot_create_with_non_supported_content_type', async () => {
    const post_data = copy(proj_webhook);
    post_data.content_type = ['application/x-www-form-urlencoded'];
    expect((await post_method('admin2', 'webhooks', post_data)).status_code).toBe(HTTPStatus.BAD_REQUEST);
  });

  it.each(['some:event', 'create:project', 'update:organization', 'create:invitation'])(
    'test_cannot_create_project_webhook_with_non_supported_event_type[%s]',
    async (event) => {
      const post_data = copy(proj_webhook);
      post_data.events = [event];
      expect((await post_method('admin2', 'webhooks', post_data)).status_code).toBe(HTTPStatus.BAD_REQUEST);
    },
  );

  it.each(['some:event', 'create:organization'])(
    'test_cannot_create_organization_webhook_with_non_supported_event_type[%s]',
    async (event) => {
      const post_data = copy(proj_webhook);
      post_data.type = 'organization';
      post_data.events = [event];
      const org_id = first(world.organizations).id;
      expect((await post_method('admin2', 'webhooks', post_data, { org_id })).status_code).toBe(
        HTTPStatus.BAD_REQUEST,
      );
    },
  );
});

describe('TestGetWebhooks', () => {
  const projWebhooks = () => world.webhooks.raw.filter((w) => w.type === 'project');

  it('test_admin_can_get_webhook', async () => {
    const [username, wid] = first(
      world.users.raw.flatMap((user) =>
        projWebhooks()
          .filter(
            (w) =>
              user.groups.includes('admin') &&
              w.owner.id !== user.id &&
              world.projects.get(w.project_id).owner.id !== user.id,
          )
          .map((w) => [user.username, w.id] as const),
      ),
    );
    const response = await get_method(username, `webhooks/${wid}`);
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(world.webhooks.get(wid), response.json());
  });

  it.each(['user'])('test_project_owner_can_get_webhook[%s]', async (privilege) => {
    const [username, wid] = first(
      world.users.raw.flatMap((user) =>
        projWebhooks()
          .filter(
            (w) => user.groups.includes(privilege) && world.projects.get(w.project_id).owner.id === user.id,
          )
          .map((w) => [user.username, w.id] as const),
      ),
    );
    const response = await get_method(username, `webhooks/${wid}`);
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(world.webhooks.get(wid), response.json());
  });

  it.each(['user'])('test_webhook_owner_can_get_webhook[%s]', async (privilege) => {
    const [username, wid] = first(
      world.users.raw.flatMap((user) =>
        projWebhooks()
          .filter((w) => user.groups.includes(privilege) && w.owner.id === user.id)
          .map((w) => [user.username, w.id] as const),
      ),
    );
    const response = await get_method(username, `webhooks/${wid}`);
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(world.webhooks.get(wid), response.json());
  });

  it.each(['user'])('test_not_project_staff_cannot_get_webhook[%s]', async (privilege) => {
    const [username, wid] = first(
      world.users.raw.flatMap((user) =>
        projWebhooks()
          .filter(
            (w) =>
              user.groups.includes(privilege) &&
              world.projects.get(w.project_id).owner.id !== user.id &&
              w.owner.id !== user.id,
          )
          .map((w) => [user.username, w.id] as const),
      ),
    );
    expect((await get_method(username, `webhooks/${wid}`)).status_code).toBe(HTTPStatus.FORBIDDEN);
  });

  it.each(['owner', 'maintainer'])('test_org_staff_can_see_org_webhook[%s]', async (role) => {
    const webhook = first(world.webhooks.raw.filter((w) => w.type === 'organization'));
    const username = first(world.findUsers({ role, org: webhook.organization })).username;
    const response = await get_method(username, `webhooks/${webhook.id}`, { org_id: webhook.organization });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(webhook, response.json());
  });

  const orgProjWebhook = (role: string, fits: (userId: number, w: UntypedJson) => boolean) =>
    first(
      world.webhooks.raw
        .filter((w) => w.organization !== null && w.type === 'project')
        .flatMap((w) =>
          world
            .findUsers({ role, org: w.organization })
            .filter((u) => fits(u.id, w))
            .map((u) => [u.username, w] as const),
        ),
    );
  const notStaff = (uid: number, w: UntypedJson) =>
    world.projects.get(w.project_id).owner.id !== uid && w.owner.id !== uid;

  it.each(['owner', 'maintainer'])('test_org_staff_can_see_project_webhook_in_org[%s]', async (role) => {
    const [username, webhook] = orgProjWebhook(role, notStaff);
    const response = await get_method(username, `webhooks/${webhook.id}`, { org_id: webhook.organization });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(webhook, response.json());
  });

  it.each(['worker', 'supervisor'])('test_member_cannot_get_org_webhook[%s]', async (role) => {
    const webhook = first(world.webhooks.raw.filter((w) => w.type === 'organization'));
    const username = first(world.findUsers({ role, org: webhook.organization })).username;
    expect(
      (await get_method(username, `webhooks/${webhook.id}`, { org_id: webhook.organization })).status_code,
    ).toBe(HTTPStatus.FORBIDDEN);
  });

  it.each(['worker', 'supervisor'])('test_member_cannot_get_project_webhook_in_org[%s]', async (role) => {
    const [username, webhook] = orgProjWebhook(role, notStaff);
    expect(
      (await get_method(username, `webhooks/${webhook.id}`, { org_id: webhook.organization })).status_code,
    ).toBe(HTTPStatus.FORBIDDEN);
  });

  it.each(['supervisor'])('test_member_can_get_project_webhook_in_org[%s]', async (role) => {
    const [username, webhook] = orgProjWebhook(
      role,
      (uid, w) => world.projects.get(w.project_id).owner.id === uid || w.owner.id === uid,
    );
    const response = await get_method(username, `webhooks/${webhook.id}`, { org_id: webhook.organization });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(webhook, response.json());
  });
});

describe('TestWebhooksListFilters', () => {
  // CollectionSimpleFilterTestBase (rest_api/utils.py): the admin user, the webhooks as samples.
  const field_lookups: Record<string, string[]> = { owner: ['owner', 'username'] };
  const getField = (d: UntypedJson, path: string[]) =>
    path.reduce((v, key) => (v && typeof v === 'object' ? v[key] : undefined), d);

  /** get_paginated_collection: every page of the list, following `next`. */
  async function retrieveCollection(query: Record<string, unknown>) {
    const admin_user = first(world.users.raw.filter((u) => u.is_superuser));
    const results: UntypedJson[] = [];
    let path: string | null =
      `/api/webhooks?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`;
    while (path) {
      const reply: { status: number; body: UntypedJson } = await api.get(path, { as: admin_user });
      expect(reply.status).toBe(200);
      results.push(...reply.body.results);
      path = reply.body.next ? new URL(reply.body.next).pathname + new URL(reply.body.next).search : null;
    }
    return results;
  }

  it.each(['target_url', 'owner', 'type', 'project_id'])(
    'test_can_use_simple_filter_for_object_list[%s]',
    async (field) => {
      const samples = world.webhooks.raw;
      const field_path = field_lookups[field] ?? [field];
      const value = first(samples.map((s) => getField(s, field_path)).filter(Boolean), `sample for ${field}`);
      const gt_objects = samples.filter((p) => value === getField(p, field_path));
      const received_items = await retrieveCollection({ [field]: value });
      // _compare_results: DeepDiff(list(gt_objects), received_objects, exclude_paths=["root['updated_date']"], ignore_order=True)
      expectDeepSame(received_items, gt_objects, ['updated_date']);
    },
  );
});

describe('TestGetListWebhooks', () => {
  const filterFor = (pid: number) => `{"and":[{"==":[{"var":"project_id"},${pid}]}]}`;

  it('test_can_get_webhooks_list', async () => {
    const response = await get_method('admin2', 'webhooks');
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect(response.json().results.every((webhook: object) => !('secret' in webhook))).toBe(true);
    expectDeepSame(world.webhooks.raw, response.json().results);
  });

  it('test_admin_can_get_webhooks_for_project', async () => {
    const pid = first(
      world.webhooks.raw.filter((w) => w.type === 'project' && w.organization === null),
    ).project_id;
    const expected_response = world.webhooks.raw.filter((w) => w.type === 'project' && w.project_id === pid);
    const response = await get_method('admin2', 'webhooks', { filter: filterFor(pid) });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expectDeepSame(expected_response, response.json().results);
  });

  it('test_admin_can_get_webhooks_for_organization', async () => {
    const org_id = first(world.webhooks.raw.filter((w) => w.organization !== null)).organization;
    const expected_response = world.webhooks.raw.filter((w) => w.organization === org_id);
    const response = await get_method('admin2', 'webhooks', { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expectDeepSame(expected_response, response.json().results);
  });

  it('test_admin_can_get_webhooks_for_project_in_org', async () => {
    const webhook = first(world.webhooks.raw.filter((w) => w.type === 'project' && w.organization !== null));
    const [pid, oid] = [webhook.project_id, webhook.organization];
    const expected_response = world.webhooks.raw.filter(
      (w) => w.project_id === pid && w.organization === oid,
    );
    const response = await get_method('admin2', 'webhooks', { org_id: oid, filter: filterFor(pid) });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expectDeepSame(expected_response, response.json().results);
  });

  it.each(['user'])('test_user_cannot_get_webhook_list_for_project[%s]', async (privilege) => {
    const [username, pid] = first(
      world
        .findUsers({ privilege })
        .flatMap((user) =>
          world.webhooks.raw
            .filter(
              (w) =>
                w.type === 'project' &&
                w.organization === null &&
                w.owner.id !== user.id &&
                world.projects.get(w.project_id).owner.id !== user.id,
            )
            .map((w) => [user.username, w.project_id] as const),
        ),
    );
    const response = await get_method(username, 'webhooks', { filter: filterFor(pid) });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expectDeepSame([], response.json().results);
  });

  it.each(['user'])('test_user_can_get_webhook_list_for_project[%s]', async (privilege) => {
    const [username, pid] = first(
      world
        .findUsers({ privilege })
        .flatMap((user) =>
          world.webhooks.raw
            .filter(
              (w) =>
                w.type === 'project' &&
                w.organization === null &&
                world.projects.get(w.project_id).owner.id === user.id,
            )
            .map((w) => [user.username, w.project_id] as const),
        ),
    );
    const expected_response = world.webhooks.raw.filter((w) => w.type === 'project' && w.project_id === pid);
    const response = await get_method(username, 'webhooks', { filter: filterFor(pid) });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expectDeepSame(expected_response, response.json().results);
  });

  it('test_non_member_cannot_see_webhook_list_for_org', async () => {
    const [username, org_id] = first(
      world.webhooks.raw.flatMap((w) =>
        world.users.raw
          .filter(
            (user) =>
              w.organization !== null &&
              !world.isOrgMember(user.id, w.organization) &&
              !user.groups.includes('admin'),
          )
          .map((user) => [user.username, w.organization] as const),
      ),
    );
    expect((await get_method(username, 'webhooks', { org_id })).status_code).toBe(HTTPStatus.FORBIDDEN);
  });

  const memberOfWebhookOrg = (
    role: string,
    fits: (w: UntypedJson, user: { id: number }) => boolean = () => true,
  ) =>
    first(
      world.webhooks.raw.flatMap((w) =>
        world.organizations.raw.flatMap((org) =>
          world
            .findUsers({ role, org: org.id })
            .filter((user) => w.organization === org.id && fits(w, user))
            .map((user) => [user.username, org.id] as const),
        ),
      ),
    );

  it.each(['maintainer', 'owner'])('test_org_staff_can_see_all_org_webhooks[%s]', async (role) => {
    const [username, org_id] = memberOfWebhookOrg(role);
    const expected_response = world.webhooks.raw.filter((w) => w.organization === org_id);
    const response = await get_method(username, 'webhooks', { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expectDeepSame(expected_response, response.json().results);
  });

  it.each(['worker', 'supervisor'])('test_member_cannot_see_all_org_webhook[%s]', async (role) => {
    const [username, org_id] = memberOfWebhookOrg(role);
    const expected_response = world.webhooks.raw.filter(
      (w) =>
        w.organization === org_id &&
        (w.owner.username === username ||
          (w.project_id && world.projects.get(w.project_id).owner.username === username)),
    );
    const response = await get_method(username, 'webhooks', { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expectDeepSame(expected_response, response.json().results);
  });

  it.each(['supervisor'])('test_member_can_see_list_of_project_webhooks_in_org[%s]', async (role) => {
    const [username, org_id] = memberOfWebhookOrg(
      role,
      (w, user) => w.type === 'project' && world.projects.get(w.project_id).owner.id === user.id,
    );
    const expected_response = world.webhooks.raw.filter(
      (w) =>
        w.organization === org_id &&
        w.type === 'project' &&
        world.projects.get(w.project_id).owner.username === username,
    );
    const response = await get_method(username, 'webhooks', { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expectDeepSame(expected_response, response.json().results);
  });

  it.each([
    [1, 1],
    [null, ''],
  ] as const)('test_can_filter_by_org_id[%s-%s]', async (field_value, query_value) => {
    const webhooks = world.webhooks.raw.filter((w) => w.organization === field_value);
    const response = await get_method('admin2', 'webhooks', { org_id: query_value });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expectDeepSame(webhooks, response.json().results);
  });
});

describe('TestPatchWebhooks', () => {
  const WID = 2;
  const exclude = ['updated_date', 'secret'];

  it('test_sandbox_admin_can_update_any_webhook', async () => {
    const [username, webhook] = first(
      world
        .findUsers({ privilege: 'admin' })
        .flatMap((user) =>
          world.webhooks.raw
            .filter((w) => w.owner.id !== user.id && w.organization === null)
            .map((w) => [user.username, copy(w)] as const),
        ),
    );
    const patch_data = {
      target_url: NEW_EXAMPLE_URL,
      secret: 'newsecret',
      events: ['create:task'],
      is_active: !webhook.is_active,
      enable_ssl: !webhook.enable_ssl,
    };
    // Herald's has_secret follows the secret the patch sets (CVAT has no such field).
    Object.assign(webhook, patch_data, { has_secret: true });
    const response = await patch_method(username, `webhooks/${webhook.id}`, patch_data);
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(webhook, response.json(), exclude);
  });

  it('test_cannot_update_with_nonexistent_contenttype', async () => {
    const response = await patch_method('admin2', `webhooks/${WID}`, {
      content_type: 'application/x-www-form-urlencoded',
    });
    expect(response.status_code).toBe(HTTPStatus.BAD_REQUEST);
  });

  it.each(['user'])('test_sandbox_user_can_update_webhook[%s]', async (privilege) => {
    const [username, webhook] = first(
      world
        .findUsers({ privilege })
        .flatMap((user) =>
          world.webhooks.raw
            .filter((w) => w.owner.id === user.id)
            .map((w) => [user.username, copy(w)] as const),
        ),
    );
    const patch_data = { target_url: NEW_EXAMPLE_URL };
    Object.assign(webhook, patch_data);
    const response = await patch_method(username, `webhooks/${webhook.id}`, patch_data);
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(webhook, response.json(), exclude);
  });

  it.each(['worker', 'user'])('test_sandbox_user_cannot_update_webhook[%s]', async (privilege) => {
    const [username, webhook] = first(
      world
        .findUsers({ privilege })
        .flatMap((user) =>
          world.webhooks.raw
            .filter((w) => w.owner.id !== user.id)
            .map((w) => [user.username, copy(w)] as const),
        ),
    );
    const patch_data = { target_url: NEW_EXAMPLE_URL };
    const response = await patch_method(username, `webhooks/${webhook.id}`, patch_data);
    expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
  });

  const orgWebhooks = () => world.webhooks.raw.filter((w) => w.type === 'organization');

  it('test_admin_can_update_org_webhook', async () => {
    const [admin, oid, webhook] = first(
      world.findUsers({ privilege: 'admin' }).flatMap((u) =>
        world.organizations.raw.flatMap((o) =>
          orgWebhooks()
            .filter((w) => w.organization === o.id && !world.isOrgMember(u.id, o.id))
            .map((w) => [u.username, o.id, copy(w)] as const),
        ),
      ),
    );
    const patch_data = { target_url: NEW_EXAMPLE_URL };
    Object.assign(webhook, patch_data);
    const response = await patch_method(admin, `webhooks/${webhook.id}`, patch_data, { org_id: oid });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(webhook, response.json(), exclude);
  });

  const memberAndOrgWebhook = (role: string) =>
    first(
      world.organizations.raw.flatMap((o) =>
        world.findUsers({ role, org: o.id }).flatMap((u) =>
          orgWebhooks()
            .filter((w) => w.organization === o.id)
            .map((w) => [u.username, o.id, copy(w)] as const),
        ),
      ),
    );

  it.each(['maintainer', 'owner'])('test_member_can_update_org_webhook[%s]', async (role) => {
    const [username, oid, webhook] = memberAndOrgWebhook(role);
    const patch_data = { target_url: NEW_EXAMPLE_URL };
    Object.assign(webhook, patch_data);
    const response = await patch_method(username, `webhooks/${webhook.id}`, patch_data, { org_id: oid });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(webhook, response.json(), exclude);
  });

  it.each(['worker', 'supervisor'])('test_member_cannot_update_org_webhook[%s]', async (role) => {
    const [username, oid, webhook] = memberAndOrgWebhook(role);
    const response = await patch_method(
      username,
      `webhooks/${webhook.id}`,
      { target_url: NEW_EXAMPLE_URL },
      { org_id: oid },
    );
    expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
  });

  const memberAndProjectWebhook = (
    role: string,
    fits: (u: { id: number }, w: UntypedJson, p: UntypedJson) => boolean,
  ) => {
    const byOrg = world.projectsByOrg();
    return first(
      world.organizations.raw.flatMap((o) =>
        world
          .findUsers({ role, org: o.id })
          .flatMap((u) =>
            world.webhooks.raw
              .filter((w) => w.type === 'project')
              .flatMap((w) =>
                (byOrg.get(o.id) ?? [])
                  .filter((p) => w.project_id === p.id && w.organization === o.id && fits(u, w, p))
                  .map(() => [u.username, o.id, copy(w)] as const),
              ),
          ),
      ),
    );
  };

  it.each([
    ['maintainer', true],
    ['owner', true],
    ['supervisor', false],
    ['worker', false],
  ] as const)('test_member_can_update_any_project_webhook_in_org[%s-%s]', async (role, allow) => {
    const [username, org_id, webhook] = memberAndProjectWebhook(
      role,
      (u, w, p) => !world.isProjectStaff(u.id, p.id) && w.owner.id !== u.id,
    );
    const patch_data = { target_url: NEW_EXAMPLE_URL };
    Object.assign(webhook, patch_data);
    const response = await patch_method(username, `webhooks/${webhook.id}`, patch_data, { org_id });
    if (!allow) {
      expect(response.status_code).toBe(HTTPStatus.FORBIDDEN);
    } else {
      expect(response.status_code).toBe(HTTPStatus.OK);
      expect('secret' in response.json()).toBe(false);
      expectDeepSame(webhook, response.json(), exclude);
    }
  });

  it.each(['supervisor'])('test_member_can_update_project_webhook_in_org[%s]', async (role) => {
    const [username, org_id, webhook] = memberAndProjectWebhook(role, (u, _w, p) => u.id === p.owner.id);
    const patch_data = { target_url: NEW_EXAMPLE_URL };
    Object.assign(webhook, patch_data);
    const response = await patch_method(username, `webhooks/${webhook.id}`, patch_data, { org_id });
    expect(response.status_code).toBe(HTTPStatus.OK);
    expect('secret' in response.json()).toBe(false);
    expectDeepSame(webhook, response.json(), exclude);
  });
});

describe('TestDeleteWebhooks', () => {
  async function expectDeleted(username: string, webhook_id: number, query?: Record<string, number>) {
    expect((await delete_method(username, `webhooks/${webhook_id}`, query)).status_code).toBe(
      HTTPStatus.NO_CONTENT,
    );
    expect((await get_method(username, `webhooks/${webhook_id}`, query)).status_code).toBe(
      HTTPStatus.NOT_FOUND,
    );
  }

  it.each([
    ['user', false],
    ['admin', true],
  ] as const)('test_user_can_delete_project_webhook[%s-%s]', async (privilege, allow) => {
    const users = world.findUsers({ privilege });
    const [username, webhook_id] = first(
      world.webhooks.raw.flatMap((w) =>
        users
          .filter(
            (user) =>
              w.type === 'project' &&
              w.organization === null &&
              w.owner.id !== user.id &&
              world.projects.get(w.project_id).owner.id !== user.id,
          )
          .map((user) => [user.username, w.id] as const),
      ),
    );
    if (!allow)
      expect((await delete_method(username, `webhooks/${webhook_id}`)).status_code).toBe(
        HTTPStatus.FORBIDDEN,
      );
    else await expectDeleted(username, webhook_id);
  });

  it('test_admin_can_delete_project_webhook_in_org', async () => {
    const [username, webhook_id] = first(
      world
        .findUsers({ privilege: 'admin' })
        .flatMap((user) =>
          world.webhooks.raw
            .filter(
              (w) =>
                w.type === 'project' &&
                w.organization !== null &&
                w.owner.id !== user.id &&
                world.projects.get(w.project_id).owner.id !== user.id &&
                !world.isOrgMember(user.id, w.organization),
            )
            .map((w) => [user.username, w.id] as const),
        ),
    );
    await expectDeleted(username, webhook_id);
  });

  it('test_admin_can_delete_org_webhook', async () => {
    const [username, webhook_id] = first(
      world
        .findUsers({ privilege: 'admin' })
        .flatMap((user) =>
          world.webhooks.raw
            .filter(
              (w) =>
                w.type === 'organization' &&
                w.organization !== null &&
                w.owner.id !== user.id &&
                !world.isOrgMember(user.id, w.organization),
            )
            .map((w) => [user.username, w.id] as const),
        ),
    );
    await expectDeleted(username, webhook_id);
  });

  it.each(['user'])('test_project_owner_can_delete_project_webhook[%s]', async (privilege) => {
    const [username, webhook_id] = first(
      world
        .findUsers({ privilege })
        .flatMap((user) =>
          world.webhooks.raw
            .filter(
              (w) =>
                w.type === 'project' &&
                w.organization === null &&
                world.projects.get(w.project_id).owner.id === user.id,
            )
            .map((w) => [user.username, w.id] as const),
        ),
    );
    await expectDeleted(username, webhook_id);
  });

  it.each(['user'])('test_webhook_owner_can_delete_project_webhook[%s]', async (privilege) => {
    const [username, webhook_id] = first(
      world
        .findUsers({ privilege })
        .flatMap((user) =>
          world.webhooks.raw
            .filter((w) => w.type === 'project' && w.organization === null && w.owner.id === user.id)
            .map((w) => [user.username, w.id] as const),
        ),
    );
    await expectDeleted(username, webhook_id);
  });

  const ROLES = [
    ['owner', true],
    ['maintainer', true],
    ['worker', false],
    ['supervisor', false],
  ] as const;

  it.each(ROLES)('test_member_can_delete_org_webhook[%s-%s]', async (role, allow) => {
    const [username, org_id, webhook_id] = first(
      world.organizations.raw.flatMap((org) =>
        world.webhooks.raw
          .filter((w) => w.type === 'organization')
          .flatMap((w) =>
            world
              .findUsers({ role, org: org.id })
              .filter(() => w.organization === org.id)
              .map((user) => [user.username, org.id, w.id] as const),
          ),
      ),
    );
    if (!allow)
      expect((await delete_method(username, `webhooks/${webhook_id}`, { org_id })).status_code).toBe(
        HTTPStatus.FORBIDDEN,
      );
    else await expectDeleted(username, webhook_id, { org_id });
  });

  const memberAndOrgProjectWebhook = (
    role: string,
    fits: (w: UntypedJson, user: { id: number }) => boolean,
  ) =>
    first(
      world.organizations.raw.flatMap((org) =>
        world
          .findUsers({ role, org: org.id })
          .flatMap((user) =>
            world.webhooks.raw
              .filter(
                (w) => w.type === 'project' && w.organization && w.organization === org.id && fits(w, user),
              )
              .map((w) => [user.username, w.organization as number, w.id] as const),
          ),
      ),
    );

  it.each(ROLES)('test_member_can_delete_project_webhook_in_org[%s-%s]', async (role, allow) => {
    const [username, org_id, webhook_id] = memberAndOrgProjectWebhook(
      role,
      (w, user) => world.projects.get(w.project_id).owner.id !== user.id && w.owner.id !== user.id,
    );
    if (!allow)
      expect((await delete_method(username, `webhooks/${webhook_id}`, { org_id })).status_code).toBe(
        HTTPStatus.FORBIDDEN,
      );
    else await expectDeleted(username, webhook_id, { org_id });
  });

  it.each(['supervisor'])('test_member_webhook_staff_can_delete_project_webhook_in_org[%s]', async (role) => {
    const [username, org_id, webhook_id] = memberAndOrgProjectWebhook(
      role,
      (w, user) => world.projects.get(w.project_id).owner.id === user.id || w.owner.id === user.id,
    );
    await expectDeleted(username, webhook_id, { org_id });
  });
});
