import type { UntypedJson } from '@/lib/testing/untyped-json';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { addMember, createOrg } from '@/lib/testing/fixtures';
import type { Receiver } from '@/lib/testing/receiver';
import { api, BASE, createUser, unique, type TestUser } from '@/lib/testing/test-api';
import { basicUser, createOrgWebhook, receiverPool, settle, waitUntil } from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from './dispatcher';
import { payloadSchemaOf } from './event-payloads';
import { eventsFor, findEvent } from './events';

/** Server webhooks (operations.md): administrators', outside any organization, for users and organizations. */

const SERVER_KEYS = [
  'create:user',
  'update:user',
  'delete:user',
  'create:organization',
  'delete:organization',
];
const pool = receiverPool();
let admin: TestUser;
let person: TestUser;
let receiver: Receiver;
let orgReceiver: Receiver;
let hook: { id: number; [k: string]: UntypedJson };

beforeAll(async () => {
  await startDispatcher();
  [receiver, orgReceiver] = await Promise.all([pool.start(), pool.start()]);
  [admin, person] = await Promise.all([
    createUser('sadm', { first_name: 'Ada', last_name: 'Admin' }),
    createUser('sper'),
  ]);
  await (await getDb()).update(users).set({ isSuperuser: true }).where(eq(users.id, admin.id));
  const created = await api.post(
    '/api/webhooks',
    { target_url: receiver.url, type: 'server', events: SERVER_KEYS },
    { as: admin },
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  hook = created.body;
});

afterAll(async () => {
  await stopDispatcher();
  await pool.closeAll();
});

function payloads(key: string) {
  return receiver.received.filter((r) => r.json?.event === key).map((r) => r.json);
}

async function arrived(key: string, which: (p: UntypedJson) => boolean = () => true) {
  await waitUntil(() => payloads(key).some(which), 10_000, `${key} arrived`);
  const got = payloads(key);
  for (const p of got) {
    const checked = payloadSchemaOf(findEvent(key)!).safeParse(p);
    expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
  }
  return got;
}

describe('server webhooks', () => {
  it('belong to no organization and are listed by /events?type=server', async () => {
    expect(hook).toMatchObject({
      type: 'server',
      project_id: null,
      organization: null,
      events: [...SERVER_KEYS].sort(),
    });
    const events = await api.get('/api/webhooks/events?type=server', { as: person });
    expect(events.body.events.map((e: UntypedJson) => e.key)).toEqual(SERVER_KEYS);
    expect(eventsFor('all').map((e) => e.key)).toEqual(expect.arrayContaining(SERVER_KEYS));
    // Created in an organization's context, still outside it.
    const org = await createOrg(admin);
    const inOrg = await api.post(
      `/api/webhooks?org=${org.slug}`,
      { target_url: receiver.url, type: 'server', events: ['create:user'] },
      { as: admin },
    );
    expect(inOrg.status).toBe(201);
    expect(inOrg.body.organization).toBeNull();
    expect((await api.delete(`/api/webhooks/${inOrg.body.id}`, { as: admin })).status).toBe(204);
  });

  it('create:user, update:user and delete:user carry the user as an administrator sees it, email included', async () => {
    const newcomer = await createUser('snew', { first_name: 'New' });
    const [created] = (await arrived('create:user', (p) => p.user.id === newcomer.id)).filter(
      (p) => p.user.id === newcomer.id,
    );
    expect(Object.keys(created)).toEqual(['event', 'user', 'webhook_id', 'sender']);
    expect(created.user).toMatchObject({
      id: newcomer.id,
      username: newcomer.username,
      email: newcomer.email,
      first_name: 'New',
      is_superuser: false,
    });
    expect(created.webhook_id).toBe(hook.id);
    // Registering oneself: the newcomer caused it.
    expect(created.sender).toEqual(basicUser(newcomer, { first_name: 'New' }));

    const renamed = await api.patch(`/api/users/${newcomer.id}`, { last_name: 'Comer' }, { as: newcomer });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const noop = await api.patch(`/api/users/${newcomer.id}`, { last_name: 'Comer' }, { as: newcomer });
    expect(noop.status).toBe(200);
    const [updated, ...more] = await arrived('update:user');
    expect(Object.keys(updated)).toEqual([
      'event',
      'user',
      'before_update',
      'changes',
      'webhook_id',
      'sender',
    ]);
    expect(updated.user).toMatchObject({ id: newcomer.id, last_name: 'Comer', email: newcomer.email });
    expect(updated.before_update).toEqual({ last_name: '' });
    expect(updated.changes).toEqual({ last_name: { from: '', to: 'Comer' } });

    const deleted = await api.delete(`/api/users/${newcomer.id}`, { as: admin });
    expect(deleted.status).toBe(204);
    const [gone] = (await arrived('delete:user', (p) => p.user.id === newcomer.id)).filter(
      (p) => p.user.id === newcomer.id,
    );
    expect(gone.user).toMatchObject({ id: newcomer.id, email: newcomer.email, last_name: 'Comer' });
    expect(gone.sender).toEqual(basicUser(admin, { first_name: 'Ada', last_name: 'Admin' }));
    await settle(admin, [hook.id]);
    // The no-op save sent nothing.
    expect(more).toEqual([]);
    expect(payloads('update:user')).toHaveLength(1);
  });

  it('a deleted account leaves each of its organizations a delete:membership, as a removal does', async () => {
    const orgOwner = await createUser('smo');
    const member = await createUser('smm');
    const org = await createOrg(orgOwner);
    const membership = await addMember(org, member, 'worker');
    const watcher = await pool.start();
    await createOrgWebhook(orgOwner, org.slug, watcher.url, ['delete:membership']);
    expect((await api.delete(`/api/users/${member.id}`, { as: admin })).status).toBe(204);
    await watcher.waitFor(1, 10_000);
    const [left] = watcher.received.map((r) => r.json);
    expect(left).toMatchObject({
      event: 'delete:membership',
      membership: { id: membership.id, organization: org.id, role: 'worker', user: { id: member.id } },
    });
    const checked = payloadSchemaOf(findEvent('delete:membership')!).safeParse(left);
    expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
    const members = await api.get(`/api/memberships?org=${org.slug}`, { as: orgOwner });
    expect(members.body.results.map((m: { user: { id: number } }) => m.user.id)).not.toContain(member.id);
  });

  it('create:organization and delete:organization reach server webhooks only', async () => {
    const orgOwner = await createUser('sorg');
    const slug = unique('so');
    const created = await api.post('/api/organizations', { slug, name: 'Server org' }, { as: orgOwner });
    expect(created.status).toBe(201);
    const orgHook = await createOrgWebhook(orgOwner, slug, orgReceiver.url, [
      'update:organization',
      'create:project',
    ]);
    const [made] = (
      await arrived('create:organization', (p) => p.organization.id === created.body.id)
    ).filter((p) => p.organization.id === created.body.id);
    expect(Object.keys(made)).toEqual(['event', 'organization', 'webhook_id', 'sender']);
    expect(made.organization).toEqual(created.body);
    expect((await api.delete(`/api/organizations/${created.body.id}`, { as: orgOwner })).status).toBe(204);
    const [removed] = (
      await arrived('delete:organization', (p) => p.organization.id === created.body.id)
    ).filter((p) => p.organization.id === created.body.id);
    expect(removed.organization).toMatchObject({ id: created.body.id, slug, owner: basicUser(orgOwner) });
    expect(removed.sender).toEqual(basicUser(orgOwner));
    expect(
      orgReceiver.received.filter((r) => r.headers['x-herald-webhook-id'] === String(orgHook.id)),
    ).toEqual([]);
  });

  it('are administrators only: 403 on create, absent from lists, 403 by id; the events are refused for other types', async () => {
    const refused = await api.post(
      '/api/webhooks',
      { target_url: receiver.url, type: 'server', events: ['create:user'] },
      { as: person },
    );
    expect(refused.status).toBe(403);
    const listed = await api.get('/api/webhooks?page_size=all', { as: person });
    expect(listed.body.results.map((w: UntypedJson) => w.id)).not.toContain(hook.id);
    expect((await api.get('/api/webhooks?type=server', { as: person })).body.count).toBe(0);
    expect((await api.get(`/api/webhooks/${hook.id}`, { as: person })).status).toBe(403);
    expect((await api.post(`/api/webhooks/${hook.id}/ping`, undefined, { as: person })).status).toBe(403);
    expect(
      (await api.get('/api/webhooks?type=server', { as: admin })).body.results.map((w: UntypedJson) => w.id),
    ).toContain(hook.id);

    const org = await createOrg(person);
    const wrong = await api.post(
      `/api/webhooks?org=${org.slug}`,
      { target_url: receiver.url, type: 'organization', events: ['create:user'] },
      { as: person },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ events: ['Invalid events list for organization webhook'] });
    const mixed = await api.patch(
      `/api/webhooks/${hook.id}`,
      { events: ['create:user', 'create:task'] },
      { as: admin },
    );
    expect(mixed.body).toEqual({ events: ['Invalid events list for server webhook'] });
    const withProject = await api.post(
      '/api/webhooks',
      { target_url: receiver.url, type: 'server', project_id: 1, events: ['create:user'] },
      { as: admin },
    );
    expect(withProject.status).toBe(400);
    expect(Object.keys(withProject.body)).toEqual(['project_id']);

    // A user may not change who is an administrator, nor another's names; a user object is the API's.
    expect((await api.patch(`/api/users/${person.id}`, { is_superuser: true }, { as: person })).status).toBe(
      403,
    );
    expect((await api.patch(`/api/users/${admin.id}`, { first_name: 'X' }, { as: person })).status).toBe(403);
    expect((await api.delete(`/api/users/${admin.id}`, { as: person })).status).toBe(403);
    expect((await api.delete(`/api/users/${admin.id}`, { as: admin })).status).toBe(400);
    expect((await api.patch(`/api/users/${person.id}`, { first_name: 5 }, { as: person })).status).toBe(400);
    const self = await api.get(`/api/users/${person.id}`, { as: person });
    expect(self.body.url).toBe(`${BASE}/api/users/${person.id}`);
  });

  it('a test of a server event sends its example', async () => {
    const reply = await api.post(
      `/api/webhooks/${hook.id}/test`,
      { event: 'delete:organization' },
      { as: admin },
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ trigger: 'test', status_code: 200, event: 'delete:organization' });
    expect(
      (await api.post(`/api/webhooks/${hook.id}/test`, { event: 'create:task' }, { as: admin })).status,
    ).toBe(400);
  });
});
