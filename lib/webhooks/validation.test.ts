import type { UntypedJson } from '@/lib/testing/untyped-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedRows } from '@/lib/testing/delivery-rows';
import { addMember, createOrg, expectClientError, type TestOrg } from '@/lib/testing/fixtures';
import type { Receiver } from '@/lib/testing/receiver';
import { api, BASE, call, createUser, unique, type Reply, type TestUser } from '@/lib/testing/test-api';
import { flaskReceiverAccepts, standardWebhooksAccepts } from '@/lib/testing/webhook-fixtures';
import { basicUser, PROJECT_KEYS, receiverPool, waitUntil } from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from './dispatcher';

const pool = receiverPool();
let owner: TestUser;
let receiver: Receiver;
let project: UntypedJson;
let org: TestOrg;
let orgProject: UntypedJson;

/** Every answer this file got, to search for secrets in. */
const answers: unknown[] = [];
const successes: unknown[] = [];
const rec = async <T>(reply: Promise<Reply<T>>) => {
  const r = await reply;
  answers.push(r.body);
  if (r.status < 300) successes.push(r.body);
  return r;
};
const post = (path: string, body?: unknown, as: TestUser = owner) => rec(api.post(path, body, { as }));
const patch = (path: string, body?: unknown, as: TestUser = owner) => rec(api.patch(path, body, { as }));
const put = (path: string, body?: unknown, as: TestUser = owner) => rec(api.put(path, body, { as }));
const get = (path: string, as: TestUser = owner) => rec(api.get(path, { as }));

const valid = (extra: Record<string, unknown> = {}) => ({
  target_url: receiver.url,
  type: 'project',
  project_id: project.id,
  events: ['update:project'],
  ...extra,
});
async function create(extra: Record<string, unknown> = {}, path = '/api/webhooks') {
  const reply = await post(path, valid(extra));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}
function expect400(reply: Reply, body?: Record<string, string[]>) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(400);
  if (body) expect(reply.body).toEqual(body);
}

beforeAll(async () => {
  await startDispatcher();
  owner = await createUser('vaowner', { first_name: 'Val', last_name: 'Idator' });
  receiver = await pool.start();
  project = (await api.post('/api/projects?org_id=', { name: unique('vp') }, { as: owner })).body;
  org = await createOrg(owner);
  orgProject = (await api.post(`/api/projects?org=${org.slug}`, { name: unique('vop') }, { as: owner })).body;
});
afterAll(async () => {
  await stopDispatcher();
  await pool.closeAll();
});

describe('the webhook object', () => {
  it('has the read shape and defaults of webhooks.md', async () => {
    const hook = await create();
    expect(Object.keys(hook)).toEqual(
      expect.arrayContaining([
        'id',
        'url',
        'target_url',
        'description',
        'type',
        'content_type',
        'is_active',
        'enable_ssl',
        'created_date',
        'updated_date',
        'owner',
        'project_id',
        'organization',
        'events',
        'last_status',
        'last_delivery_date',
      ]),
    );
    // Herald's additions (operations.md): why Herald turned it off, its rate limit, ordering, health, custom header names and whether it signs.
    expect(
      Object.keys(hook).filter(
        (k) => !['disabled_reason', 'rate_limit', 'ordering', 'health', 'headers', 'has_secret'].includes(k),
      ),
    ).toHaveLength(16);
    expect(hook).toMatchObject({
      url: `${BASE}/api/webhooks/${hook.id}`,
      target_url: receiver.url,
      description: '',
      type: 'project',
      content_type: 'application/json',
      is_active: true,
      enable_ssl: true,
      owner: basicUser(owner, { first_name: 'Val', last_name: 'Idator' }),
      project_id: project.id,
      organization: null,
      events: ['update:project'],
      last_status: null,
      last_delivery_date: null,
      disabled_reason: null,
    });
    expect(hook.created_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,6}Z$/);
    expect(await get(`/api/webhooks/${hook.id}`).then((r) => r.body)).toEqual(hook);
  });

  it('content_type: only application/json', async () => {
    expect((await create({ content_type: 'application/json' })).content_type).toBe('application/json');
    for (const content_type of ['application/x-www-form-urlencoded', 'text/plain', '', 'APPLICATION/JSON']) {
      const reply = await post('/api/webhooks', valid({ content_type }));
      expect400(reply);
      expect(Object.keys(reply.body)).toEqual(['content_type']);
    }
  });

  it('secret: at most 64 characters (a generated whsec_ secret fits)', async () => {
    expect(await create({ secret: 'x'.repeat(64) })).not.toHaveProperty('secret');
    await create({ secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` });
    expect400(await post('/api/webhooks', valid({ secret: 'x'.repeat(65) })), {
      secret: ['Ensure this field has no more than 64 characters.'],
    });
  });

  it('description: at most 128 characters', async () => {
    expect((await create({ description: 'd'.repeat(128) })).description).toBe('d'.repeat(128));
    expect400(await post('/api/webhooks', valid({ description: 'd'.repeat(129) })), {
      description: ['Ensure this field has no more than 128 characters.'],
    });
  });

  it('target_url: required, http(s) only, at most 8192 characters, with a host', async () => {
    const { target_url: _, ...withoutUrl } = valid();
    expect400(await post('/api/webhooks', withoutUrl), { target_url: ['This field is required.'] });
    const long = `${receiver.url}?${'q'.repeat(8192)}`.slice(0, 8192);
    expect((await create({ target_url: long })).target_url).toBe(long);
    for (const target_url of [
      `${long}x`,
      'ftp://127.0.0.1/hook',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'mailto:someone@example.test',
      'http://',
      'https://',
      'http:///just/a/path',
      'http://a..b/hook',
      'http://-/hook',
      'http://host-.example.test/',
      `http://${'a'.repeat(64)}.example.test/`,
      '127.0.0.1/hook',
      'not a url',
      '',
      '   ',
    ]) {
      const reply = await post('/api/webhooks', valid({ target_url }));
      expect(reply.status, `${target_url.slice(0, 40)}: ${JSON.stringify(reply.body).slice(0, 200)}`).toBe(
        400,
      );
      expect(Object.keys(reply.body)).toEqual(['target_url']);
    }
    expect((await create({ target_url: receiver.url.replace('http:', 'https:') })).target_url).toMatch(
      /^https:/,
    );
    // Names that resolve nowhere today are fine (they are checked again at each attempt), IPv6 too.
    for (const target_url of [
      'http://receiver.example.test:5000/hook',
      'https://hooks_service/x',
      'http://[::1]:9/x',
      'https://ünïcode.example.test/',
    ]) {
      expect((await create({ target_url })).target_url).toBe(target_url);
    }
    expect400(await post('/api/webhooks', valid({ target_url: null })), {
      target_url: ['This field may not be null.'],
    });
  });

  it('events: required, known keys only, allowed for the type, sorted in responses', async () => {
    const { events: _, ...withoutEvents } = valid();
    expect400(await post('/api/webhooks', withoutEvents), { events: ['This field is required.'] });
    expect400(await post('/api/webhooks', valid({ events: ['x'] })), {
      events: ['"x" is not a valid choice.'],
    });
    expect400(await post('/api/webhooks', valid({ events: ['update:project', 'ping'] })), {
      events: ['"ping" is not a valid choice.'],
    });
    expect400(await post('/api/webhooks', valid({ events: ['create:project'] })), {
      events: ['Invalid events list for project webhook'],
    });
    for (const key of [
      'update:organization',
      'create:invitation',
      'delete:invitation',
      'create:membership',
      'update:membership',
      'delete:membership',
    ]) {
      expect400(await post('/api/webhooks', valid({ events: ['update:task', key] })), {
        events: ['Invalid events list for project webhook'],
      });
    }
    // Every key of the catalog is allowed for an organization webhook, so its message has no key to
    // show; an unknown key is refused alike.
    expect400(
      await post(`/api/webhooks?org=${org.slug}`, {
        target_url: receiver.url,
        type: 'organization',
        events: ['x'],
      }),
      { events: ['"x" is not a valid choice.'] },
    );
    const unsorted = [
      'update:task',
      'create:comment',
      'delete:project',
      'update:job',
      'create:task',
      'update:task',
    ];
    const hook = await create({ events: unsorted });
    const alphabetical = ['create:comment', 'create:task', 'delete:project', 'update:job', 'update:task'];
    expect(hook.events).toEqual(alphabetical);
    expect((await get(`/api/webhooks/${hook.id}`)).body.events).toEqual(alphabetical);
    expect((await get(`/api/webhooks?id=${hook.id}`)).body.results[0].events).toEqual(alphabetical);
    expect(
      (await patch(`/api/webhooks/${hook.id}`, { events: ['update:project', 'create:issue'] })).body.events,
    ).toEqual(['create:issue', 'update:project']);
    expect400(await patch(`/api/webhooks/${hook.id}`, { events: ['create:project'] }), {
      events: ['Invalid events list for project webhook'],
    });
    expect400(await patch(`/api/webhooks/${hook.id}`, { events: ['nope'] }), {
      events: ['"nope" is not a valid choice.'],
    });
    expect((await create({ events: PROJECT_KEYS })).events).toEqual([...PROJECT_KEYS].sort());
  });

  it("type and project_id: set on create, with the project's organization, and ignored on PUT/PATCH", async () => {
    const { project_id: _, ...withoutProject } = valid();
    expect400(await post('/api/webhooks', withoutProject), {
      project_id: ['A project webhook needs a project_id.'],
    });
    expect400(await post('/api/webhooks', valid({ project_id: null })), {
      project_id: ['A project webhook needs a project_id.'],
    });
    expect400(
      await post(`/api/webhooks?org=${org.slug}`, {
        target_url: receiver.url,
        type: 'organization',
        project_id: orgProject.id,
        events: ['update:project'],
      }),
      {
        project_id: ['An organization webhook cannot have a project_id.'],
      },
    );
    expect400(await post('/api/webhooks', valid({ type: 'team' })), {
      type: ['"team" is not a valid choice.'],
    });
    expect400(await post('/api/webhooks', valid({ type: undefined })), { type: ['This field is required.'] });

    // The project's organization, whatever the request's context.
    for (const path of ['/api/webhooks', '/api/webhooks?org_id=', `/api/webhooks?org=${org.slug}`]) {
      const hook = await create({ project_id: orgProject.id }, path);
      expect(hook.organization, path).toBe(org.id);
      expect(hook.project_id).toBe(orgProject.id);
      const personalHook = await create({}, path);
      expect(personalHook.organization, path).toBeNull();
    }

    const hook = await create();
    const other = (await api.post('/api/projects', { name: unique('other') }, { as: owner })).body;
    const patched = await patch(`/api/webhooks/${hook.id}`, {
      type: 'organization',
      project_id: other.id,
      description: 'patched',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      type: 'project',
      project_id: project.id,
      organization: null,
      description: 'patched',
    });
    const replaced = await put(`/api/webhooks/${hook.id}`, {
      target_url: receiver.url,
      events: ['update:task'],
      type: 'organization',
      project_id: other.id,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      type: 'project',
      project_id: project.id,
      organization: null,
      events: ['update:task'],
    });
    // PUT needs what create needs.
    expect400(await put(`/api/webhooks/${hook.id}`, { events: ['update:task'] }), {
      target_url: ['This field is required.'],
    });
    expect400(await put(`/api/webhooks/${hook.id}`, { target_url: receiver.url }), {
      events: ['This field is required.'],
    });
    // An organization webhook stays one too.
    const orgHook = (
      await post(`/api/webhooks?org=${org.slug}`, {
        target_url: receiver.url,
        type: 'organization',
        events: ['update:organization'],
      })
    ).body;
    const kept = await patch(`/api/webhooks/${orgHook.id}`, { type: 'project', project_id: orgProject.id });
    expect(kept.body).toMatchObject({ type: 'organization', project_id: null, organization: org.id });
  });
});

describe('the secret', () => {
  it('signs deliveries, is kept when omitted, cleared by "", and never shown', async () => {
    const secret = `sekrit-${unique('')}`;
    const next = `n3xt-${unique('')}`;
    const hook = await create({ secret, events: ['update:project'] });
    const pingAndGet = async () => {
      const before = receiver.received.length;
      const reply = await post(`/api/webhooks/${hook.id}/ping`);
      expect(reply.status).toBe(200);
      expect(receiver.received).toHaveLength(before + 1);
      return receiver.received[before];
    };
    const first = await pingAndGet();
    expect(flaskReceiverAccepts(secret, first.headers, first.body)).toBe(true);

    // Omitted: kept.
    expect((await patch(`/api/webhooks/${hook.id}`, { description: 'kept' })).status).toBe(200);
    const second = await pingAndGet();
    expect(flaskReceiverAccepts(secret, second.headers, second.body)).toBe(true);
    // PUT without a secret keeps it too.
    expect(
      (await put(`/api/webhooks/${hook.id}`, { target_url: receiver.url, events: ['update:project'] }))
        .status,
    ).toBe(200);
    expect(flaskReceiverAccepts(secret, (await pingAndGet()).headers, receiver.received.at(-1)!.body)).toBe(
      true,
    );

    // Rotated: the new one signs X-Signature-256.
    expect((await patch(`/api/webhooks/${hook.id}`, { secret: next })).status).toBe(200);
    const third = await pingAndGet();
    expect(flaskReceiverAccepts(next, third.headers, third.body)).toBe(true);
    expect(standardWebhooksAccepts(next, third.headers, third.body)).toBe(true);

    // "": no secret, no signature headers.
    expect((await patch(`/api/webhooks/${hook.id}`, { secret: '' })).status).toBe(200);
    const unsigned = await pingAndGet();
    expect(unsigned.headers['x-signature-256']).toBeUndefined();
    expect(unsigned.headers['webhook-signature']).toBeUndefined();
    expect(unsigned.headers['webhook-id']).toBeDefined();
    // And an event delivered by the dispatcher is unsigned as well.
    const count = receiver.received.length;
    await api.patch(`/api/projects/${project.id}`, { name: unique('renamed') }, { as: owner });
    await receiver.waitFor(count + 1);
    expect(receiver.received[count].json.event).toBe('update:project');
    expect(receiver.received[count].headers['x-signature-256']).toBeUndefined();

    // Everything the API said about it: responses, lists, deliveries, payloads.
    await waitUntil(
      async () => (await get(`/api/webhooks/${hook.id}/deliveries?state=pending`)).body.count === 0,
    );
    await get(`/api/webhooks/${hook.id}/deliveries?page_size=all`);
    await get('/api/webhooks?page_size=all');
    await get(`/api/webhooks?search=${hook.id}`);
    const deliveries = (await get(`/api/webhooks/${hook.id}/deliveries?page_size=all`)).body.results;
    expect(deliveries.length).toBeGreaterThanOrEqual(5);
    for (const d of deliveries) await get(`/api/webhooks/${hook.id}/deliveries/${d.id}`);
    const everything = JSON.stringify(answers) + JSON.stringify(receiver.received.map((r) => r.body));
    expect(everything).toContain(hook.target_url);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(next);
    // No successful answer has a `secret` field at all (error answers may name the field).
    expect(JSON.stringify(successes)).not.toMatch(/"secret"/);
    // The stored rows hold none either (payloads and what is kept of the requests).
    const rows = await recordedRows([hook.id]);
    expect(rows.attempts.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });
});

describe('lists', () => {
  let team: { org: TestOrg; maintainer: TestUser };
  const hooks: UntypedJson[] = [];
  beforeAll(async () => {
    const o = await createOrg(owner);
    const maintainer = await createUser('valmnt');
    await addMember(o, maintainer, 'maintainer');
    team = { org: o, maintainer };
    const p = (await api.post(`/api/projects?org=${o.slug}`, { name: unique('lp') }, { as: owner })).body;
    const specs: [TestUser, Record<string, unknown>][] = [
      [owner, { type: 'organization', target_url: 'http://127.0.0.1:1/bravo', description: 'Zulu alerts' }],
      [maintainer, { type: 'organization', target_url: 'http://127.0.0.1:1/alpha', description: 'mike' }],
      [
        owner,
        {
          type: 'project',
          project_id: p.id,
          target_url: 'http://127.0.0.1:1/charlie',
          description: 'alpha team',
        },
      ],
      [
        maintainer,
        { type: 'project', project_id: p.id, target_url: 'http://127.0.0.1:1/delta', description: '' },
      ],
      [
        owner,
        {
          type: 'project',
          project_id: orgProject.id,
          target_url: 'http://127.0.0.1:1/echo',
          description: 'yankee',
        },
      ],
    ];
    for (const [as, body] of specs) {
      const reply = await api.post(
        `/api/webhooks?org=${o.slug}`,
        { events: ['update:project'], ...body },
        { as },
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      hooks.push(reply.body);
    }
  });
  const list = async (query: string) => {
    const reply = await get(`/api/webhooks?org=${team.org.slug}&page_size=all&${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.results.map((w: UntypedJson) => w.target_url.split('/').pop());
  };

  it('are newest first by default and filter by target_url, owner, type and project_id', async () => {
    expect(await list('')).toEqual(['delta', 'charlie', 'alpha', 'bravo']);
    expect(await list('target_url=http://127.0.0.1:1/alpha')).toEqual(['alpha']);
    expect(await list('target_url=http://127.0.0.1:1/alph')).toEqual([]);
    expect(await list(`owner=${team.maintainer.username}`)).toEqual(['delta', 'alpha']);
    expect(await list('type=organization')).toEqual(['alpha', 'bravo']);
    expect(await list('type=project')).toEqual(['delta', 'charlie']);
    expect(await list(`project_id=${hooks[2].project_id}`)).toEqual(['delta', 'charlie']);
    expect(await list(`project_id=${orgProject.id}`)).toEqual([]);
    expect(
      (await get(`/api/webhooks?project_id=${orgProject.id}&page_size=all`)).body.results.map(
        (w: UntypedJson) => w.id,
      ),
    ).toContain(hooks[4].id);
    expect400(await get('/api/webhooks?type=team'));
    expect400(await get('/api/webhooks?project_id=abc'));
    expect400(await get('/api/webhooks?project_id=-1'));
  });

  it('search target_url, owner and description (case-insensitive)', async () => {
    expect(await list('search=ALPHA')).toEqual(['charlie', 'alpha']);
    expect(await list('search=zulu')).toEqual(['bravo']);
    expect(await list(`search=${team.maintainer.username.slice(0, 9)}`)).toEqual(['delta', 'alpha']);
    expect(await list('search=%25')).toEqual([]);
    expect(await list('search=nothing-like-this')).toEqual([]);
  });

  it('sort by id, target_url, owner, description, type and updated_date', async () => {
    expect(await list('sort=id')).toEqual(['bravo', 'alpha', 'charlie', 'delta']);
    expect(await list('sort=-id')).toEqual(['delta', 'charlie', 'alpha', 'bravo']);
    expect(await list('sort=target_url')).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    expect(await list('sort=-target_url')).toEqual(['delta', 'charlie', 'bravo', 'alpha']);
    const byDescription = await list('sort=description');
    expect(byDescription[0]).toBe('delta'); // '' first
    expect(byDescription.indexOf('charlie')).toBeLessThan(byDescription.indexOf('alpha')); // 'alpha team' < 'mike'
    expect(await list('sort=type,id')).toEqual(['bravo', 'alpha', 'charlie', 'delta']);
    expect(await list('sort=-type,id')).toEqual(['charlie', 'delta', 'bravo', 'alpha']);
    const ownerFirst = [owner.username, team.maintainer.username].sort()[0] === owner.username;
    const mine = ['bravo', 'charlie'];
    const theirs = ['alpha', 'delta'];
    expect(await list('sort=owner,id')).toEqual(ownerFirst ? [...mine, ...theirs] : [...theirs, ...mine]);
    await new Promise((r) => setTimeout(r, 5));
    expect((await patch(`/api/webhooks/${hooks[0].id}`, { description: 'Zulu alerts, again' })).status).toBe(
      200,
    );
    expect((await list('sort=-updated_date'))[0]).toBe('bravo');
    expect((await list('sort=updated_date')).at(-1)).toBe('bravo');
    expect400(await get('/api/webhooks?sort=secret'));
    expect400(await get('/api/webhooks?sort=nope'));
  });

  it('paginate', async () => {
    const page1 = await get(`/api/webhooks?org=${team.org.slug}&page_size=3&sort=id`);
    expect(page1.body.count).toBe(4);
    expect(page1.body.results).toHaveLength(3);
    expect(page1.body.previous).toBeNull();
    expect(page1.body.next).toBe(`${BASE}/api/webhooks?org=${team.org.slug}&page_size=3&sort=id&page=2`);
    const page2 = await get(page1.body.next.slice(BASE.length));
    expect(page2.body.results.map((w: UntypedJson) => w.id)).toEqual([hooks[3].id]);
    expect(page2.body.next).toBeNull();
    expect(page2.body.previous).toBe(`${BASE}/api/webhooks?org=${team.org.slug}&page_size=3&sort=id&page=1`);
    expect((await get(`/api/webhooks?org=${team.org.slug}&page_size=3&page=3`)).status).toBe(404);
    expect400(await get('/api/webhooks?page=0'));
    expect400(await get('/api/webhooks?page_size=abc'));
  });
});

describe('delete and redelivery', () => {
  it('DELETE answers 204 and takes the deliveries with it', async () => {
    const hook = await create();
    const ping = await post(`/api/webhooks/${hook.id}/ping`);
    expect(ping.status).toBe(200);
    expect((await recordedRows([hook.id])).attempts).toHaveLength(1);
    const deleted = await rec(api.delete(`/api/webhooks/${hook.id}`, { as: owner }));
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expect((await get(`/api/webhooks/${hook.id}`)).status).toBe(404);
    expect((await get(`/api/webhooks/${hook.id}/deliveries/${ping.body.id}`)).status).toBe(404);
    expect(await recordedRows([hook.id])).toEqual({ messages: [], series: [], attempts: [] });
    expect((await rec(api.delete(`/api/webhooks/${hook.id}`, { as: owner }))).status).toBe(404);
  });

  it('redelivery answers {} and sends the same body again as a new delivery', async () => {
    const r = await pool.start();
    const hook = await create({ target_url: r.url, secret: 'redeliver-key' });
    await api.patch(`/api/projects/${project.id}`, { name: unique('redeliver') }, { as: owner });
    const [original] = await r.waitFor(1);
    await waitUntil(
      async () => (await get(`/api/webhooks/${hook.id}/deliveries`)).body.results[0]?.state === 'delivered',
    );
    const [first] = (await get(`/api/webhooks/${hook.id}/deliveries`)).body.results;
    expect(first).toMatchObject({ redelivery: false, trigger: 'event', event: 'update:project' });

    // Re-signed with the secret of the moment.
    expect((await patch(`/api/webhooks/${hook.id}`, { secret: 'rotated-key' })).status).toBe(200);
    const reply = await post(`/api/webhooks/${hook.id}/deliveries/${first.id}/redelivery`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({});
    const [, again] = await r.waitFor(2);
    expect(again.body).toBe(original.body);
    expect(flaskReceiverAccepts('redeliver-key', original.headers, original.body)).toBe(true);
    expect(flaskReceiverAccepts('rotated-key', again.headers, again.body)).toBe(true);
    expect(standardWebhooksAccepts('rotated-key', again.headers, again.body)).toBe(true);
    await waitUntil(async () => {
      const { body } = await get(`/api/webhooks/${hook.id}/deliveries`);
      return body.count === 2 && body.results.every((d: UntypedJson) => d.state === 'delivered');
    });
    const rows = (await get(`/api/webhooks/${hook.id}/deliveries`)).body;
    const [latest] = rows.results;
    expect(latest.id).toBeGreaterThan(first.id);
    expect(latest).toMatchObject({
      redelivery: true,
      trigger: 'redelivery',
      event: 'update:project',
      attempt: 1,
      status_code: 200,
      request: original.json,
    });
    expect(latest.delivery_id).toBe(first.delivery_id);
    expect(again.headers['webhook-id']).toBe(original.headers['webhook-id']);
  });
});

describe('bad input never gets a 500', () => {
  let hook: UntypedJson;
  beforeAll(async () => {
    hook = await create();
  });

  it('malformed JSON, a non-object body, wrong types and nulls are 400 naming the field', async () => {
    for (const raw of ['{', '{"target_url":', 'nope', '']) {
      const reply = await call('POST', '/api/webhooks', undefined, {
        as: owner,
        raw,
        contentType: 'application/json',
      });
      expectClientError(reply, 400);
    }
    for (const body of [[], 'string', 42, null]) expectClientError(await post('/api/webhooks', body), 400);
    const cases: [Record<string, unknown>, string][] = [
      [{ target_url: 42 }, 'target_url'],
      [{ target_url: null }, 'target_url'],
      [{ target_url: ['http://127.0.0.1/'] }, 'target_url'],
      [{ events: 'update:project' }, 'events'],
      [{ events: null }, 'events'],
      [{ events: [1] }, 'events.0'],
      [{ events: [null] }, 'events.0'],
      [{ events: [{}] }, 'events.0'],
      [{ is_active: 'true' }, 'is_active'],
      [{ is_active: null }, 'is_active'],
      [{ enable_ssl: 1 }, 'enable_ssl'],
      [{ description: null }, 'description'],
      [{ description: 5 }, 'description'],
      [{ secret: null }, 'secret'],
      [{ secret: 12345 }, 'secret'],
      [{ content_type: null }, 'content_type'],
      [{ type: null }, 'type'],
      [{ type: 1 }, 'type'],
      [{ project_id: '1' }, 'project_id'],
      [{ project_id: 1.5 }, 'project_id'],
      [{ project_id: -1 }, 'project_id'],
      [{ project_id: 0 }, 'project_id'],
      [{ project_id: 1e20 }, 'project_id'],
      [{ project_id: 2147483647 }, 'project_id'],
      [{ events: Array(100).fill('update:project') }, 'events'],
    ];
    for (const [extra, field] of cases) {
      const reply = await post('/api/webhooks', valid(extra));
      expect(reply.status, `${JSON.stringify(extra)} -> ${JSON.stringify(reply.body)}`).toBe(400);
      expect(Object.keys(reply.body), JSON.stringify(extra)).toEqual([field]);
    }
    for (const [extra, field] of cases.filter(([e]) => !('type' in e) && !('project_id' in e))) {
      const reply = await patch(`/api/webhooks/${hook.id}`, extra);
      expect(reply.status, `PATCH ${JSON.stringify(extra)} -> ${JSON.stringify(reply.body)}`).toBe(400);
      expect(Object.keys(reply.body)).toEqual([field]);
    }
    expect((await get(`/api/webhooks/${hook.id}`)).body).toMatchObject({
      target_url: hook.target_url,
      events: hook.events,
      description: '',
    });
  });

  it('unknown fields are 400 naming them', async () => {
    expect400(await post('/api/webhooks', valid({ colour: 'red', project: 5 })), {
      colour: ['Unknown field.'],
      project: ['Unknown field.'],
    });
    expect400(await patch(`/api/webhooks/${hook.id}`, { colour: 'red' }), { colour: ['Unknown field.'] });
    expect400(
      await put(`/api/webhooks/${hook.id}`, {
        target_url: receiver.url,
        events: ['update:project'],
        colour: 'red',
      }),
      { colour: ['Unknown field.'] },
    );
  });

  it('a body that is not JSON is 415', async () => {
    for (const [method, path] of [
      ['POST', '/api/webhooks'],
      ['PATCH', `/api/webhooks/${hook.id}`],
      ['PUT', `/api/webhooks/${hook.id}`],
    ] as const) {
      const form = await call(method, path, undefined, {
        as: owner,
        raw: 'target_url=x',
        contentType: 'application/x-www-form-urlencoded',
      });
      expectClientError(form, 415);
      const none = await call(method, path, undefined, { as: owner, raw: JSON.stringify(valid()) });
      expectClientError(none, 415);
    }
  });

  it('unauthenticated calls are 401', async () => {
    expect((await api.get('/api/webhooks')).status).toBe(401);
    expect((await api.post('/api/webhooks', valid())).status).toBe(401);
    expect((await api.get(`/api/webhooks/${hook.id}`)).status).toBe(401);
    expect((await api.post(`/api/webhooks/${hook.id}/ping`)).status).toBe(401);
  });
});
