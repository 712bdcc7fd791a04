import type { UntypedJson } from '@/lib/testing/untyped-json';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { createTeam } from '@/lib/testing/fixtures';
import type { Receiver } from '@/lib/testing/receiver';
import { api, createUser, unique, type TestUser } from '@/lib/testing/test-api';
import { receiverPool } from '@/lib/testing/webhook-helpers';

/**
 * webhooks.md's permission table, row by row. No dispatcher runs here: pings are sent within the
 * request, and redeliveries only need to be queued.
 */

const pool = receiverPool();
let receiver: Receiver;
let admin: TestUser;

type Team = Awaited<ReturnType<typeof createTeam>>;
let t: Team;
const personal = {} as {
  whOwner: TestUser;
  projOwner: TestUser;
  assignee: TestUser;
  stranger: TestUser;
  project: UntypedJson;
  hook: number;
  delivery: number;
  spare: number[];
};
const inOrg = {} as {
  p1: UntypedJson;
  pw: UntypedJson;
  ps: UntypedJson;
  wo: number;
  wp: number;
  ww: number;
  wx: number;
  deliveries: Record<number, number>;
  spare: number[];
};

const ok = (reply: { status: number; body: UntypedJson }, status = 200) => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  return reply.body;
};
const PROJECT_EVENTS = ['update:project', 'create:task'];
async function projectHook(as: TestUser, projectId: number, query = '') {
  return ok(
    await api.post(
      `/api/webhooks${query}`,
      { target_url: receiver.url, type: 'project', project_id: projectId, events: PROJECT_EVENTS },
      { as },
    ),
    201,
  ).id as number;
}
async function ping(as: TestUser, hookId: number) {
  return ok(await api.post(`/api/webhooks/${hookId}/ping`, undefined, { as })).id as number;
}

beforeAll(async () => {
  receiver = await pool.start();
  const [whOwner, projOwner, assignee, stranger, a] = await Promise.all([
    createUser('pwho'),
    createUser('ppro'),
    createUser('pasg'),
    createUser('pstr'),
    createUser('padm'),
  ]);
  admin = a;
  await (await getDb()).update(users).set({ isSuperuser: true }).where(eq(users.id, admin.id));
  t = await createTeam();

  // Personal workspace: the webhook's creator hands the project over, so that webhook owner and
  // project owner are two people.
  const project = ok(
    await api.post(
      '/api/projects?org_id=',
      { name: unique('pp'), assignee_id: assignee.id },
      { as: whOwner },
    ),
    201,
  );
  const hook = await projectHook(whOwner, project.id);
  const spare = [
    await projectHook(whOwner, project.id),
    await projectHook(whOwner, project.id),
    await projectHook(whOwner, project.id),
  ];
  const delivery = await ping(whOwner, hook);
  ok(await api.patch(`/api/projects/${project.id}`, { owner_id: projOwner.id }, { as: whOwner }));
  Object.assign(personal, { whOwner, projOwner, assignee, stranger, project, hook, delivery, spare });

  // An organization: P1 owned by its owner, PW handed to the worker, PS created by the supervisor.
  const q = `?org=${t.org.slug}`;
  const p1 = ok(await api.post(`/api/projects${q}`, { name: unique('p1') }, { as: t.owner }), 201);
  const pw = ok(await api.post(`/api/projects${q}`, { name: unique('pw') }, { as: t.owner }), 201);
  ok(await api.patch(`/api/projects/${pw.id}`, { owner_id: t.worker.id }, { as: t.owner }));
  const ps = ok(await api.post(`/api/projects${q}`, { name: unique('ps') }, { as: t.supervisor }), 201);
  const wo = ok(
    await api.post(
      `/api/webhooks${q}`,
      { target_url: receiver.url, type: 'organization', events: ['update:organization'] },
      { as: t.owner },
    ),
    201,
  ).id;
  const wp = await projectHook(t.maintainer, p1.id, q);
  const ww = await projectHook(t.worker, pw.id, q);
  const wx = await projectHook(t.owner, ps.id, q);
  const deliveries: Record<number, number> = {};
  for (const id of [wo, wp, ww, wx]) deliveries[id] = await ping(t.owner, id);
  const orgSpare = [];
  for (let i = 0; i < 4; i++) orgSpare.push(await projectHook(t.worker, pw.id, q));
  Object.assign(inOrg, { p1, pw, ps, wo, wp, ww, wx, deliveries, spare: orgSpare });
});
afterAll(() => pool.closeAll());

/** Every action on one webhook, with the status it answered. */
async function tryEverything(as: TestUser, hookId: number, deliveryId: number) {
  const base = `/api/webhooks/${hookId}`;
  const current = await api.get(base, { as: admin });
  const put = { target_url: current.body.target_url, events: current.body.events, description: 'put' };
  return {
    view: (await api.get(base, { as })).status,
    deliveries: (await api.get(`${base}/deliveries`, { as })).status,
    delivery: (await api.get(`${base}/deliveries/${deliveryId}`, { as })).status,
    patch: (await api.patch(base, { description: 'patched' }, { as })).status,
    put: (await api.put(base, put, { as })).status,
    ping: (await api.post(`${base}/ping`, undefined, { as })).status,
    redelivery: (await api.post(`${base}/deliveries/${deliveryId}/redelivery`, undefined, { as })).status,
  };
}
const ALLOWED = {
  view: 200,
  deliveries: 200,
  delivery: 200,
  patch: 200,
  put: 200,
  ping: 200,
  redelivery: 200,
};
const DENIED = {
  view: 403,
  deliveries: 403,
  delivery: 403,
  patch: 403,
  put: 403,
  ping: 403,
  redelivery: 403,
};

async function listed(as: TestUser, query: string): Promise<number[] | number> {
  const reply = await api.get(`/api/webhooks?page_size=all${query}`, { as });
  if (reply.status !== 200) return reply.status;
  return reply.body.results.map((w: UntypedJson) => w.id);
}
const only = (ids: number[] | number, mine: number[]) =>
  typeof ids === 'number' ? ids : ids.filter((id) => mine.includes(id)).sort((a, b) => a - b);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

describe('personal workspace', () => {
  const who = () => ({
    whOwner: personal.whOwner,
    projOwner: personal.projOwner,
    assignee: personal.assignee,
    stranger: personal.stranger,
    admin,
  });

  it.each([
    ['whOwner', true],
    ['projOwner', true],
    ['admin', true],
    ['assignee', false],
    ['stranger', false],
  ] as const)('%s: view, deliveries, update, ping and redeliver -> %s', async (name, allowed) => {
    expect(await tryEverything(who()[name], personal.hook, personal.delivery)).toEqual(
      allowed ? ALLOWED : DENIED,
    );
  });

  it.each([
    ['whOwner', 0],
    ['projOwner', 1],
    ['admin', 2],
  ] as const)('%s may delete (204); assignee and stranger may not (403)', async (name, spare) => {
    const id = personal.spare[spare];
    expect((await api.delete(`/api/webhooks/${id}`, { as: personal.assignee })).status).toBe(403);
    expect((await api.delete(`/api/webhooks/${id}`, { as: personal.stranger })).status).toBe(403);
    expect((await api.delete(`/api/webhooks/${id}`, { as: who()[name] })).status).toBe(204);
    expect((await api.get(`/api/webhooks/${id}`, { as: admin })).status).toBe(404);
  });

  it('lists rows where the caller is webhook owner or project owner, with org_id= or without context', async () => {
    const mine = [personal.hook, ...personal.spare];
    for (const query of ['&org_id=', '']) {
      const whOwnerSees = only(await listed(personal.whOwner, query), mine);
      const projOwnerSees = only(await listed(personal.projOwner, query), mine);
      expect(whOwnerSees).toEqual(projOwnerSees);
      expect(whOwnerSees).toContain(personal.hook);
      expect(only(await listed(personal.assignee, query), mine)).toEqual([]);
      expect(only(await listed(personal.stranger, query), mine)).toEqual([]);
      expect(only(await listed(admin, query), mine)).toEqual(whOwnerSees);
    }
    // In an organization's context, personal webhooks are not listed (and only members may ask).
    expect(only(await listed(t.owner, `&org=${t.org.slug}`), mine)).toEqual([]);
    expect(await listed(personal.whOwner, `&org=${t.org.slug}`)).toBe(403);
  });

  it('creating a project webhook: the project owner only', async () => {
    const body = {
      target_url: receiver.url,
      type: 'project',
      project_id: personal.project.id,
      events: PROJECT_EVENTS,
    };
    expect((await api.post('/api/webhooks', body, { as: personal.projOwner })).status).toBe(201);
    expect((await api.post('/api/webhooks', body, { as: admin })).status).toBe(201);
    expect((await api.post('/api/webhooks', body, { as: personal.assignee })).status).toBe(403);
    expect((await api.post('/api/webhooks', body, { as: personal.stranger })).status).toBe(403);
    // The creator of its webhooks no longer owns the project.
    expect((await api.post('/api/webhooks', body, { as: personal.whOwner })).status).toBe(403);
  });

  it('an organization webhook cannot exist in the personal workspace (400)', async () => {
    const body = { target_url: receiver.url, type: 'organization', events: ['update:organization'] };
    for (const query of ['', '?org_id=', '?org=']) {
      const reply = await api.post(`/api/webhooks${query}`, body, { as: personal.whOwner });
      expect(reply.status, query).toBe(400);
      expect(Object.keys(reply.body)).toEqual(['organization']);
    }
  });
});

describe('inside an organization', () => {
  const who = () => ({
    owner: t.owner,
    maintainer: t.maintainer,
    supervisor: t.supervisor,
    worker: t.worker,
    nonMember: t.stranger,
    admin,
  });
  const hooks = () => ({ wo: inOrg.wo, wp: inOrg.wp, ww: inOrg.ww, wx: inOrg.wx });
  // wo: org webhook by the owner; wp: on the owner's project, by the maintainer;
  // ww: on the worker's project, by the worker; wx: on the supervisor's project, by the owner.
  const TABLE = {
    owner: ['wo', 'wp', 'ww', 'wx'],
    maintainer: ['wo', 'wp', 'ww', 'wx'],
    admin: ['wo', 'wp', 'ww', 'wx'],
    supervisor: ['wx'],
    worker: ['ww'],
    nonMember: [],
  } as const;

  it.each(Object.entries(TABLE))('%s may manage exactly %j', async (name, allowed) => {
    for (const [key, id] of Object.entries(hooks())) {
      const expected = (allowed as readonly string[]).includes(key) ? ALLOWED : DENIED;
      expect(
        await tryEverything(who()[name as keyof typeof TABLE], id, inOrg.deliveries[id]),
        `${name} on ${key}`,
      ).toEqual(expected);
    }
  });

  it('lists all of the org to owners and maintainers, own or own-project rows to others, 403 to non-members', async () => {
    const all = Object.values(hooks());
    const ids = (keys: readonly string[]) =>
      sorted(keys.map((k) => hooks()[k as keyof ReturnType<typeof hooks>]));
    for (const [name, keys] of Object.entries(TABLE)) {
      const user = who()[name as keyof typeof TABLE];
      const inContext = await listed(user, `&org=${t.org.slug}`);
      if (name === 'nonMember') expect(inContext).toBe(403);
      else expect(only(inContext, all), `${name} in org`).toEqual(ids(keys));
      expect(only(await listed(user, ''), all), `${name} without context`).toEqual(ids(keys));
      expect(only(await listed(user, `&org_id=${t.org.id}`), all).toString()).toBe(
        name === 'nonMember' ? '403' : ids(keys).toString(),
      );
      // org_id= is the personal workspace: none of the organization's webhooks.
      expect(only(await listed(user, '&org_id='), all), `${name} personal`).toEqual([]);
    }
    // Whole-org rows include the spares the worker made, for the staff.
    expect(only(await listed(t.maintainer, `&org=${t.org.slug}`), inOrg.spare)).toEqual(sorted(inOrg.spare));
    expect(only(await listed(t.supervisor, `&org=${t.org.slug}`), inOrg.spare)).toEqual([]);
  });

  it('delete: staff and the webhook/project owner (204); others 403', async () => {
    const [a, b, c, d] = inOrg.spare; // all on the worker's project, made by the worker
    for (const user of [t.supervisor, t.stranger])
      expect((await api.delete(`/api/webhooks/${a}`, { as: user })).status).toBe(403);
    expect((await api.delete(`/api/webhooks/${a}`, { as: t.owner })).status).toBe(204);
    expect((await api.delete(`/api/webhooks/${b}`, { as: t.maintainer })).status).toBe(204);
    expect((await api.delete(`/api/webhooks/${c}`, { as: t.worker })).status).toBe(204);
    expect((await api.delete(`/api/webhooks/${d}`, { as: admin })).status).toBe(204);
    // The organization webhook: supervisor and worker may not.
    for (const user of [t.supervisor, t.worker, t.stranger])
      expect((await api.delete(`/api/webhooks/${inOrg.wo}`, { as: user })).status).toBe(403);
    expect((await api.get(`/api/webhooks/${inOrg.wo}`, { as: t.owner })).status).toBe(200);
  });

  it('creating a project webhook: owner/maintainer, or a member who owns the project', async () => {
    const q = `?org=${t.org.slug}`;
    const on = (p: UntypedJson) => ({
      target_url: receiver.url,
      type: 'project',
      project_id: p.id,
      events: PROJECT_EVENTS,
    });
    expect((await api.post(`/api/webhooks${q}`, on(inOrg.p1), { as: t.owner })).status).toBe(201);
    expect((await api.post(`/api/webhooks${q}`, on(inOrg.p1), { as: t.maintainer })).status).toBe(201);
    expect((await api.post(`/api/webhooks${q}`, on(inOrg.pw), { as: t.maintainer })).status).toBe(201);
    expect((await api.post(`/api/webhooks${q}`, on(inOrg.p1), { as: t.supervisor })).status).toBe(403);
    expect((await api.post(`/api/webhooks${q}`, on(inOrg.ps), { as: t.supervisor })).status).toBe(201);
    expect((await api.post(`/api/webhooks${q}`, on(inOrg.p1), { as: t.worker })).status).toBe(403);
    expect((await api.post(`/api/webhooks${q}`, on(inOrg.ps), { as: t.worker })).status).toBe(403);
    expect((await api.post(`/api/webhooks${q}`, on(inOrg.pw), { as: t.worker })).status).toBe(201);
    // Without an org context the project still decides.
    expect((await api.post('/api/webhooks', on(inOrg.pw), { as: t.worker })).status).toBe(201);
    expect((await api.post('/api/webhooks', on(inOrg.p1), { as: t.stranger })).status).toBe(403);
    expect((await api.post('/api/webhooks', on(inOrg.p1), { as: admin })).status).toBe(201);
    // A personal project belongs to its owner alone, whoever runs the organization.
    expect((await api.post(`/api/webhooks${q}`, on(personal.project), { as: t.owner })).status).toBe(403);
  });

  it('creating an organization webhook: owner and maintainer only', async () => {
    const body = {
      target_url: receiver.url,
      type: 'organization',
      events: ['update:organization', 'create:project'],
    };
    const q = `?org=${t.org.slug}`;
    expect((await api.post(`/api/webhooks${q}`, body, { as: t.owner })).status).toBe(201);
    expect((await api.post(`/api/webhooks?org_id=${t.org.id}`, body, { as: t.maintainer })).status).toBe(201);
    expect(
      (await api.post('/api/webhooks', body, { as: t.maintainer, headers: { 'x-organization': t.org.slug } }))
        .status,
    ).toBe(201);
    expect((await api.post(`/api/webhooks${q}`, body, { as: t.supervisor })).status).toBe(403);
    expect((await api.post(`/api/webhooks${q}`, body, { as: t.worker })).status).toBe(403);
    expect((await api.post(`/api/webhooks${q}`, body, { as: t.stranger })).status).toBe(403);
    expect((await api.post(`/api/webhooks${q}`, body, { as: admin })).status).toBe(201);
  });
});

describe('absent and out of reach', () => {
  it('a webhook that does not exist is 404 for every action; one out of reach is 403', async () => {
    const missing = 2147483647;
    const put = { target_url: receiver.url, events: PROJECT_EVENTS };
    for (const as of [personal.whOwner, admin]) {
      expect((await api.get(`/api/webhooks/${missing}`, { as })).status).toBe(404);
      expect((await api.patch(`/api/webhooks/${missing}`, { description: 'x' }, { as })).status).toBe(404);
      expect((await api.put(`/api/webhooks/${missing}`, put, { as })).status).toBe(404);
      expect((await api.delete(`/api/webhooks/${missing}`, { as })).status).toBe(404);
      expect((await api.post(`/api/webhooks/${missing}/ping`, undefined, { as })).status).toBe(404);
      expect((await api.get(`/api/webhooks/${missing}/deliveries`, { as })).status).toBe(404);
      expect((await api.get(`/api/webhooks/${missing}/deliveries/1`, { as })).status).toBe(404);
      expect(
        (await api.post(`/api/webhooks/${missing}/deliveries/1/redelivery`, undefined, { as })).status,
      ).toBe(404);
    }
    expect((await api.get(`/api/webhooks/${personal.hook}`, { as: personal.stranger })).status).toBe(403);
  });

  it("an unknown delivery id, or another webhook's, is 404 (not 500) to whoever may see the webhook", async () => {
    const other = inOrg.deliveries[inOrg.wo];
    for (const deliveryId of [2147483647, other]) {
      expect(
        (await api.get(`/api/webhooks/${personal.hook}/deliveries/${deliveryId}`, { as: personal.whOwner }))
          .status,
      ).toBe(404);
      expect(
        (
          await api.post(`/api/webhooks/${personal.hook}/deliveries/${deliveryId}/redelivery`, undefined, {
            as: personal.whOwner,
          })
        ).status,
      ).toBe(404);
    }
    // Out of reach comes first: the stranger learns nothing about delivery ids.
    expect(
      (await api.get(`/api/webhooks/${personal.hook}/deliveries/2147483647`, { as: personal.stranger }))
        .status,
    ).toBe(403);
  });

  it('/api/webhooks/events is open to any signed-in user', async () => {
    for (const as of [personal.stranger, t.worker, personal.assignee])
      expect((await api.get('/api/webhooks/events?type=all', { as })).status).toBe(200);
    expect((await api.get('/api/webhooks/events?type=all')).status).toBe(401);
    expect((await api.get('/api/webhooks')).status).toBe(401);
  });
});
