import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerCheck,
  BAD_IDS,
  BAD_LIST_PARAMS,
  POISON,
  sweepEndpoint,
  wrongTypes,
  type Endpoint,
} from '@/lib/testing/bad-input';
import { createOrg, createTeam } from '@/lib/testing/fixtures';
import type { Receiver } from '@/lib/testing/receiver';
import { api, call, createUser, unique, type Reply, type TestUser } from '@/lib/testing/test-api';
import { createOrgWebhook, createProjectWebhook, receiverPool } from '@/lib/testing/webhook-helpers';

/**
 * The generated bad-input sweep of lib/http/bad-input.test.ts over every webhook endpoint, plus the ids of
 * other users and organizations. The dispatcher is not started: the deliveries read the same before and
 * after unless a refused request wrote one, and the receiver counts every request that went out.
 */

const pool = receiverPool();
let t: Awaited<ReturnType<typeof createTeam>>;
let receiver: Receiver;
let stranger: TestUser;
let project: { id: number };
let strangerProject: { id: number };
let hook: { id: number };
let orgHook: { id: number };
let strangerHook: { id: number };
let strangerOrgHook: { id: number };
let delivery: number;
let strangerDelivery: number;
let strangerOrg: { slug: string };

/** Everything the API shows of every webhook and delivery in this file, as each of their owners sees it. */
async function snapshot() {
  const out: unknown[] = [];
  for (const user of [t.owner, stranger]) {
    const hooks = (await api.get('/api/webhooks?page_size=all', { as: user })).body.results;
    out.push(hooks);
    for (const h of hooks)
      out.push((await api.get(`/api/webhooks/${h.id}/deliveries?page_size=all`, { as: user })).body);
  }
  return out;
}

beforeAll(async () => {
  receiver = await pool.start();
  t = await createTeam();
  stranger = t.stranger;
  project = (await api.post(`/api/projects?org=${t.org.slug}`, { name: unique('p') }, { as: t.owner })).body;
  strangerProject = (await api.post('/api/projects?org_id=', { name: unique('sp') }, { as: stranger })).body;
  strangerOrg = await createOrg(stranger);
  hook = await createProjectWebhook(t.owner, project.id, receiver.url, ['update:project'], {
    secret: 'sweep-secret',
  });
  orgHook = await createOrgWebhook(t.owner, t.org.slug, receiver.url, ['create:project']);
  strangerHook = await createProjectWebhook(stranger, strangerProject.id, receiver.url, ['update:project'], {
    description: 'private',
  });
  strangerOrgHook = await createOrgWebhook(stranger, strangerOrg.slug, receiver.url, ['create:project']);
  delivery = (await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: t.owner })).body.id;
  strangerDelivery = (await api.post(`/api/webhooks/${strangerHook.id}/ping`, undefined, { as: stranger }))
    .body.id;
  expect([delivery, strangerDelivery].every(Number.isInteger)).toBe(true);
});
afterAll(() => pool.closeAll());

describe('bad input on every webhook endpoint', () => {
  it('answers 4xx naming the field, writes nothing and sends nothing', { timeout: 120_000 }, async () => {
    const { owner, worker, supervisor, org } = t;
    const writable = {
      target_url: receiver.url,
      description: 'd',
      content_type: 'application/json',
      secret: 's',
      is_active: true,
      enable_ssl: true,
      events: ['update:project'],
    };
    const endpoints: Endpoint[] = [
      {
        method: 'POST',
        path: '/api/webhooks',
        as: owner,
        body: { ...writable, type: 'project', project_id: project.id },
      },
      {
        method: 'POST',
        path: `/api/webhooks?org=${org.slug}`,
        as: owner,
        body: { ...writable, type: 'organization', events: ['create:project'] },
      },
      { method: 'PATCH', path: `/api/webhooks/${hook.id}`, as: owner, body: writable },
      { method: 'PUT', path: `/api/webhooks/${hook.id}`, as: owner, body: writable },
      { method: 'POST', path: `/api/webhooks/${hook.id}/ping`, as: owner, body: {} },
      { method: 'POST', path: `/api/webhooks/${hook.id}/test`, as: owner, body: { event: 'update:project' } },
      {
        method: 'POST',
        path: `/api/webhooks/${hook.id}/deliveries/${delivery}/redelivery`,
        as: owner,
        body: {},
      },
      // A dry run: the sweep's valid requests count and queue nothing.
      {
        method: 'POST',
        path: `/api/webhooks/${hook.id}/recover`,
        as: owner,
        body: {
          since: '2026-01-01T00:00:00Z',
          until: '2099-01-01T00:00:00Z',
          states: ['failed'],
          events: ['update:project'],
          dry_run: true,
        },
      },
    ];
    // Values wrong for one field only, beyond the shared poison and wrong types.
    const specific: Record<string, unknown[]> = {
      target_url: [
        'ftp://127.0.0.1/x',
        'http://',
        'http:///x',
        'http://[::1/',
        '  ',
        'javascript:alert(1)',
        'http://127.0.0.2:9/refused',
        `http://127.0.0.1/${'a'.repeat(8200)}`,
      ],
      events: [['nope'], ['ping'], ['UPDATE:PROJECT'], ['x'.repeat(65)]],
      content_type: ['text/plain', 'application/xml', ''],
      type: ['nope', 'Project', ''],
      project_id: [0, 2147483648, 1e19, 2147483647],
      secret: ['s'.repeat(65)],
      description: ['d'.repeat(129)],
      event: ['create:project', 'ping', 'nope', 'create:user', 'x'.repeat(65)],
      since: ['yesterday', '2026-13-01', '2026-01-01T25:00:00Z', ''],
      until: ['2000-01-01T00:00:00Z', 'tomorrow'],
      states: [['pending'], [], ['failed', 'nope']],
    };
    const values = (field: string, valid: unknown): [string, unknown][] => [
      ...POISON,
      ...wrongTypes(valid),
      ...(specific[field] ?? []).map((v): [string, unknown] => [JSON.stringify(v).slice(0, 30), v]),
    ];
    // Ids of other users and organizations, and scopes the caller has no part in.
    const valid = { target_url: receiver.url, events: ['update:project'] };
    const foreign: [string, () => Promise<Reply>, number, string?][] = [
      [
        "webhook on a stranger's project",
        () =>
          api.post(
            '/api/webhooks',
            { ...valid, type: 'project', project_id: strangerProject.id },
            { as: owner },
          ),
        403,
      ],
      [
        "org webhook in a stranger's org",
        () =>
          api.post(
            `/api/webhooks?org=${strangerOrg.slug}`,
            { ...valid, type: 'organization' },
            { as: owner },
          ),
        403,
      ],
      [
        'org webhook in an unknown org',
        () =>
          api.post(`/api/webhooks?org=${unique('none')}`, { ...valid, type: 'organization' }, { as: owner }),
        404,
      ],
      [
        'org webhook by a worker',
        () => api.post(`/api/webhooks?org=${org.slug}`, { ...valid, type: 'organization' }, { as: worker }),
        403,
      ],
      [
        'org webhook in the personal workspace',
        () => api.post('/api/webhooks?org_id=', { ...valid, type: 'organization' }, { as: owner }),
        400,
        'organization',
      ],
      [
        'org webhook with a project',
        () =>
          api.post(
            `/api/webhooks?org=${org.slug}`,
            { ...valid, type: 'organization', project_id: project.id },
            { as: owner },
          ),
        400,
        'project_id',
      ],
      [
        'project webhook by a non-member',
        () =>
          api.post('/api/webhooks', { ...valid, type: 'project', project_id: project.id }, { as: stranger }),
        403,
      ],
      [
        'org key on a project webhook',
        () => api.patch(`/api/webhooks/${hook.id}`, { events: ['update:organization'] }, { as: owner }),
        400,
        'events',
      ],
      [
        "PATCH a stranger's webhook",
        () => api.patch(`/api/webhooks/${strangerHook.id}`, { description: 'mine' }, { as: owner }),
        403,
      ],
      [
        "PUT a stranger's org webhook",
        () => api.put(`/api/webhooks/${strangerOrgHook.id}`, valid, { as: owner }),
        403,
      ],
      [
        'PATCH an org webhook as worker',
        () => api.patch(`/api/webhooks/${orgHook.id}`, { is_active: false }, { as: worker }),
        403,
      ],
      [
        'PATCH an org webhook as supervisor',
        () => api.patch(`/api/webhooks/${orgHook.id}`, { is_active: false }, { as: supervisor }),
        403,
      ],
      [
        "recover a stranger's webhook",
        () =>
          api.post(
            `/api/webhooks/${strangerHook.id}/recover`,
            { since: '2026-01-01', dry_run: true },
            { as: owner },
          ),
        403,
      ],
      [
        'recover an org webhook as worker',
        () =>
          api.post(
            `/api/webhooks/${orgHook.id}/recover`,
            { since: '2026-01-01', dry_run: true },
            { as: worker },
          ),
        403,
      ],
      [
        "DELETE a stranger's webhook",
        () => api.delete(`/api/webhooks/${strangerHook.id}`, { as: owner }),
        403,
      ],
      [
        'DELETE an org webhook as worker',
        () => api.delete(`/api/webhooks/${orgHook.id}`, { as: worker }),
        403,
      ],
      [
        "ping a stranger's webhook",
        () => api.post(`/api/webhooks/${strangerHook.id}/ping`, undefined, { as: owner }),
        403,
      ],
      [
        'ping an org webhook as worker',
        () => api.post(`/api/webhooks/${orgHook.id}/ping`, undefined, { as: worker }),
        403,
      ],
      [
        "redeliver a stranger's delivery",
        () =>
          api.post(`/api/webhooks/${strangerHook.id}/deliveries/${strangerDelivery}/redelivery`, undefined, {
            as: owner,
          }),
        403,
      ],
      [
        "redeliver another webhook's delivery",
        () =>
          api.post(`/api/webhooks/${hook.id}/deliveries/${strangerDelivery}/redelivery`, undefined, {
            as: owner,
          }),
        404,
      ],
      [
        "read another webhook's delivery",
        () => api.get(`/api/webhooks/${hook.id}/deliveries/${strangerDelivery}`, { as: owner }),
        404,
      ],
      ["read a stranger's webhook", () => api.get(`/api/webhooks/${strangerHook.id}`, { as: owner }), 403],
      [
        "read a stranger's deliveries",
        () => api.get(`/api/webhooks/${strangerHook.id}/deliveries`, { as: owner }),
        403,
      ],
      [
        "read a stranger's delivery",
        () => api.get(`/api/webhooks/${strangerHook.id}/deliveries/${strangerDelivery}`, { as: owner }),
        403,
      ],
      [
        "read a stranger's stats",
        () => api.get(`/api/webhooks/${strangerHook.id}/deliveries/stats`, { as: owner }),
        403,
      ],
      ["list a stranger's org", () => api.get(`/api/webhooks?org=${strangerOrg.slug}`, { as: owner }), 403],
      ['no credentials', () => api.post(`/api/webhooks/${hook.id}/ping`), 401],
      [
        "test a stranger's webhook",
        () => api.post(`/api/webhooks/${strangerHook.id}/test`, { event: 'update:project' }, { as: owner }),
        403,
      ],
      [
        'test an org webhook as worker',
        () => api.post(`/api/webhooks/${orgHook.id}/test`, { event: 'update:project' }, { as: worker }),
        403,
      ],
      [
        'a server webhook by a non-administrator',
        () => api.post('/api/webhooks', { ...valid, type: 'server', events: ['create:user'] }, { as: owner }),
        403,
      ],
      [
        'a server key on a project webhook',
        () => api.patch(`/api/webhooks/${hook.id}`, { events: ['create:user'] }, { as: owner }),
        400,
        'events',
      ],
    ];

    const before = await snapshot();
    const sent = receiver.received.length;
    const { check, failures, requests } = answerCheck();
    for (const e of endpoints) await sweepEndpoint(e, check, values);
    for (const [label, send, status, field] of foreign) check(label, await send(), status, field);
    expect(failures).toEqual([]);
    expect(receiver.received.length).toBe(sent);
    expect(await snapshot()).toEqual(before);
    expect(requests()).toBeGreaterThan(450);
  });

  it('answers 404 for ids that cannot exist, in every path', async () => {
    const { check, failures } = answerCheck();
    const body = { target_url: receiver.url, events: ['update:project'] };
    const before = await snapshot();
    for (const raw of BAD_IDS) {
      const id = encodeURIComponent(raw);
      for (const [method, path] of [
        ['GET', `/api/webhooks/${id}`],
        ['PATCH', `/api/webhooks/${id}`],
        ['PUT', `/api/webhooks/${id}`],
        ['DELETE', `/api/webhooks/${id}`],
        ['POST', `/api/webhooks/${id}/ping`],
        ['GET', `/api/webhooks/${id}/deliveries`],
        ['GET', `/api/webhooks/${id}/deliveries/stats`],
        ['GET', `/api/webhooks/${id}/deliveries/${delivery}`],
        ['POST', `/api/webhooks/${id}/deliveries/${delivery}/redelivery`],
        ['GET', `/api/webhooks/${hook.id}/deliveries/${id}`],
        ['POST', `/api/webhooks/${hook.id}/deliveries/${id}/redelivery`],
      ] as const) {
        check(
          `${method} ${path.slice(0, 80)}`,
          await call(method, path, method === 'PATCH' || method === 'PUT' ? body : undefined, {
            as: t.owner,
          }),
          404,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 4xx for bad query parameters on every list, and lists nothing of others', async () => {
    const owner = t.owner;
    const { check, failures } = answerCheck();
    const lists = [
      '/api/webhooks',
      `/api/webhooks?org=${t.org.slug}`,
      `/api/webhooks/${hook.id}/deliveries`,
      `/api/webhooks/${hook.id}/deliveries/stats`,
      '/api/webhooks/events',
    ];
    const params = [
      ...BAD_LIST_PARAMS,
      'type=%00',
      'type=nope',
      'target_url=%00',
      'project_id=9999999999999999999',
      'project_id=1.5',
      'id=abc',
      'event=%00',
      'event=nope',
      'state=nope',
      'outcome=nope',
      'trigger=nope',
      'status_code=x',
      'status_code=-1',
      'bucket=nope',
      'bucket=%00',
      'sort=secret',
      'sort=id,,id',
    ];
    for (const list of lists) {
      for (const param of params) {
        const reply = await api.get(`${list}${list.includes('?') ? '&' : '?'}${param}`, { as: owner });
        // A parameter this list does not have is ignored (200); anything else must be a 4xx with a message.
        if (reply.status >= 300)
          check(`${list} ${param}`, reply, reply.status >= 500 || reply.status < 400 ? 400 : reply.status);
      }
    }
    // Parameters these lists do have: 400 naming them.
    for (const [path, field] of [
      ['/api/webhooks?page=0', 'page'],
      ['/api/webhooks?page_size=x', 'page_size'],
      ['/api/webhooks?sort=secret', 'sort'],
      ['/api/webhooks?type=nope', 'type'],
      ['/api/webhooks?project_id=9999999999999999999', 'project_id'],
      ['/api/webhooks?id=-1', 'id'],
      [`/api/webhooks?search=${'s'.repeat(300)}`, 'search'],
      [`/api/webhooks/${hook.id}/deliveries?event=nope`, 'event'],
      [`/api/webhooks/${hook.id}/deliveries?state=nope`, 'state'],
      [`/api/webhooks/${hook.id}/deliveries?outcome=nope`, 'outcome'],
      [`/api/webhooks/${hook.id}/deliveries?trigger=nope`, 'trigger'],
      [`/api/webhooks/${hook.id}/deliveries?status_code=x`, 'status_code'],
      [`/api/webhooks/${hook.id}/deliveries?page_size=-1`, 'page_size'],
      [`/api/webhooks/${hook.id}/deliveries/stats?bucket=nope`, 'bucket'],
      ['/api/webhooks/events?type=nope', 'type'],
    ]) {
      check(path, await api.get(path, { as: owner }), 400, field);
    }
    expect(failures).toEqual([]);
    // Filtering by another user's ids finds nothing rather than telling whether they exist.
    for (const query of [
      `project_id=${strangerProject.id}`,
      `id=${strangerHook.id}`,
      `owner=${stranger.username}`,
      'search=private',
      `org_id=${strangerOrg.slug}`,
    ]) {
      const reply = await api.get(`/api/webhooks?${query}`, { as: owner });
      if (reply.status === 200) expect(reply.body.count, query).toBe(0);
      else expect(reply.status, query).toBeLessThan(500);
    }
    const newcomer = await createUser('newcomer');
    expect((await api.get('/api/webhooks?page_size=all', { as: newcomer })).body).toMatchObject({
      count: 0,
      results: [],
    });
  });
});
