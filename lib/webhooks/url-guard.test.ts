import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';
import { receiverPool, waitUntil } from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from './dispatcher';
import { refusalReason } from './url-guard';

/**
 * The SSRF guard against every spelling of a loopback address left out of the allow list (127.0.0.2,
 * as delivery.md's tests do), IPv6 forms that embed an IPv4 address included, at save and at send; and
 * target URLs that carry credentials.
 */
const SPELLINGS = [
  'http://127.0.0.2:9/',
  'http://2130706434:9/',
  'http://0x7f000002:9/',
  'http://0177.0.0.2:9/',
  'http://127.2:9/',
  'http://[::127.0.0.2]:9/',
  'http://[::7f00:2]:9/',
  'http://[::ffff:127.0.0.2]:9/',
  'http://[::ffff:7f00:2]:9/',
  'http://[::ffff:0:127.0.0.2]:9/',
  'http://[0:0:0:0:0:ffff:7f00:2]:9/',
  'http://[64:ff9b::127.0.0.2]:9/',
  'http://[64:ff9b:1::7f00:2]:9/',
  'http://[64:ff9b:1:ffff::127.0.0.2]:9/',
  'http://[2002:7f00:2::1]:9/',
  'http://[::1]:9/',
  'http://[fe80::1]:9/',
];

const pool = receiverPool();
let owner: TestUser;
let projectId: number;
beforeAll(async () => {
  await startDispatcher();
  owner = await createUser('ssrf');
  projectId = (await api.post('/api/projects?org_id=', { name: 'guarded' }, { as: owner })).body.id;
});
afterAll(async () => {
  await stopDispatcher();
  await pool.closeAll();
});

const create = (target_url: string) =>
  api.post(
    '/api/webhooks',
    { target_url, type: 'project', project_id: projectId, events: ['update:project'] },
    { as: owner },
  );

describe('the SSRF guard', () => {
  it('refuses every spelling of a non-global address when a webhook is saved, naming the field', async () => {
    const env = process.env.WEBHOOK_ALLOWED_TARGETS;
    process.env.WEBHOOK_ALLOWED_TARGETS = '127.0.0.1/32';
    try {
      const passed: string[] = [];
      for (const url of SPELLINGS) {
        const reply = await create(url);
        if (
          reply.status !== 400 ||
          !/webhooks may only reach public addresses/.test(reply.body.target_url?.[0] ?? '')
        )
          passed.push(`${url}: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      expect(passed).toEqual([]);
    } finally {
      process.env.WEBHOOK_ALLOWED_TARGETS = env;
    }
  });

  it('judges every IPv6 form of an embedded IPv4 address as that address, at send time too', () => {
    for (const address of [
      '::127.0.0.2',
      '::7f00:2',
      '::ffff:127.0.0.2',
      '::ffff:0:127.0.0.2',
      '64:ff9b::7f00:2',
      '2002:7f00:2::',
      '::ffff:169.254.169.254',
      '64:ff9b::a00:1',
    ]) {
      expect(refusalReason(address), address).not.toBeNull();
    }
    expect(refusalReason('64:ff9b:1::8.8.8.8')).toMatch(/local-use/);
    // Global addresses in the same forms stay reachable.
    for (const address of ['::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2606:4700::1111', '8.8.8.8'])
      expect(refusalReason(address), address).toBeNull();
  });

  it('refuses at send a target that the allow list no longer covers, without connecting', async () => {
    const env = process.env.WEBHOOK_ALLOWED_TARGETS;
    process.env.WEBHOOK_ALLOWED_TARGETS = '127.0.0.1/32,::7f00:2/128';
    let hookId: number;
    try {
      const reply = await create('http://[::7f00:2]:9/hook');
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      hookId = reply.body.id;
    } finally {
      process.env.WEBHOOK_ALLOWED_TARGETS = env;
    }
    await api.patch(`/api/projects/${projectId}`, { name: 'renamed' }, { as: owner });
    // Refused: no answer from the receiver (a network failure, not retried), the series failed.
    await waitUntil(
      async () =>
        (await api.get(`/api/webhooks/${hookId}/deliveries?status=network`, { as: owner })).body.count === 1,
    );
    const [row] = (await api.get(`/api/webhooks/${hookId}/deliveries`, { as: owner })).body.results;
    expect(row.state).toBe('failed');
    expect(row.response).toMatch(/127\.0\.0\.2 inside IPv6/);
    expect(row.status_code).toBeNull();
    await api.delete(`/api/webhooks/${hookId}`, { as: owner });
  });

  it('refuses a target URL with credentials in it, on create and on update', async () => {
    const receiver = await pool.start();
    const withCredentials = receiver.url.replace('http://', 'http://user:hunter2@');
    const created = await create(withCredentials);
    expect(created.status).toBe(400);
    expect(created.body.target_url[0]).toMatch(/credentials.*Authorization header/);
    expect((await create(receiver.url.replace('http://', 'http://user@'))).status).toBe(400);
    const ok = await create(receiver.url);
    expect(ok.status).toBe(201);
    const patched = await api.patch(
      `/api/webhooks/${ok.body.id}`,
      { target_url: withCredentials },
      { as: owner },
    );
    expect(patched.status).toBe(400);
    expect((await api.get(`/api/webhooks/${ok.body.id}`, { as: owner })).body.target_url).toBe(receiver.url);
    expect(JSON.stringify((await api.get('/api/webhooks?page_size=all', { as: owner })).body)).not.toContain(
      'hunter2',
    );
  });
});
