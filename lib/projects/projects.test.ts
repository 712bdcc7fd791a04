import { afterAll, describe, expect, it } from 'vitest';
import { createTeam, expectClientError, ids, recordEvents } from '@/lib/testing/fixtures';
import { api, createUser, unique } from '@/lib/testing/test-api';
import { eventListeners, receiverPool } from '@/lib/testing/webhook-helpers';

const pool = receiverPool();
const listeners = eventListeners(pool);
afterAll(async () => {
  await listeners.removeAll();
  await pool.closeAll();
});

describe('projects API', () => {
  it('creates, reads, lists, renames and deletes a project', async () => {
    const owner = await createUser('owner');
    const created = await api.post(
      '/api/projects',
      { name: 'Cats', labels: [{ name: 'cat' }, { name: 'dog', color: '#ff0000' }] },
      { as: owner },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Cats',
      owner: { id: owner.id, username: owner.username },
      assignee: null,
      organization: null,
      tasks: { count: 0 },
      status: 'annotation',
    });
    expect(created.body.labels.map((l: { name: string }) => l.name)).toEqual(['cat', 'dog']);
    expect(created.body.labels[1]).toMatchObject({
      color: '#ff0000',
      attributes: [],
      type: 'any',
      sublabels: [],
      has_parent: false,
    });
    const id = created.body.id;

    const got = await api.get(`/api/projects/${id}`, { as: owner });
    expect(got.body).toEqual(created.body);

    const list = await api.get('/api/projects?search=cat', { as: owner });
    expect(list.body.results.map((p: { id: number }) => p.id)).toContain(id);

    const renamed = await api.patch(`/api/projects/${id}`, { name: 'Felines' }, { as: owner });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Felines');

    const stranger = await createUser('stranger');
    expect((await api.get(`/api/projects/${id}`, { as: stranger })).status).toBe(403);
    expect(
      (await api.get('/api/projects', { as: stranger })).body.results.map((p: { id: number }) => p.id),
    ).not.toContain(id);

    expect((await api.delete(`/api/projects/${id}`, { as: owner })).status).toBe(204);
    expect((await api.get(`/api/projects/${id}`, { as: owner })).status).toBe(404);
  });

  it('refuses bad input with a message naming the field', async () => {
    const owner = await createUser();
    const noName = await api.post('/api/projects', {}, { as: owner });
    expect(noName.status).toBe(400);
    expect(noName.body.name).toEqual(['This field is required.']);
    const malformed = await api.post('/api/projects', undefined, {
      as: owner,
      raw: '{"name":',
      contentType: 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.non_field_errors[0]).toMatch(/JSON parse error/);
    const wrongType = await api.post('/api/projects', { name: 5 }, { as: owner });
    expect(wrongType.status).toBe(400);
    expect(Object.keys(wrongType.body)).toEqual(['name']);
    const unknownField = await api.post('/api/projects', { name: 'x', colour: 'blue' }, { as: owner });
    expect(unknownField.body).toEqual({ colour: ['Unknown field.'] });
    const unauthenticated = await api.get('/api/projects');
    expect(unauthenticated.status).toBe(401);
  });
});

describe('projects: labels, people, lists', () => {
  it('adds, renames and deletes labels through PATCH', async () => {
    const owner = await createUser('lbl');
    const created = await api.post(
      '/api/projects',
      { name: 'L', labels: [{ name: 'cat' }, { name: 'dog' }] },
      { as: owner },
    );
    const [cat, dog] = created.body.labels;
    expect(cat.color).toMatch(/^#[0-9a-f]{6}$/);
    const patched = await api.patch(
      `/api/projects/${created.body.id}`,
      {
        labels: [
          { id: cat.id, name: 'kitten' },
          { id: dog.id, name: 'dog', deleted: true },
          { name: 'bird', color: '#123456' },
        ],
      },
      { as: owner },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.labels.map((l: { name: string }) => l.name)).toEqual(['kitten', 'bird']);
    expect(patched.body.labels[0]).toMatchObject({ id: cat.id, color: cat.color });
    expect(patched.body.labels[1]).toMatchObject({
      color: '#123456',
      attributes: [],
      type: 'any',
      sublabels: [],
      has_parent: false,
    });

    const dupName = await api.patch(
      `/api/projects/${created.body.id}`,
      { labels: [{ name: 'kitten' }] },
      { as: owner },
    );
    expectClientError(dupName, 400);
    expect(Object.keys(dupName.body)).toEqual(['labels.0.name']);
    const foreign = await api.post(
      '/api/projects',
      { name: 'other', labels: [{ name: 'x' }] },
      { as: owner },
    );
    const stolen = await api.patch(
      `/api/projects/${created.body.id}`,
      { labels: [{ id: foreign.body.labels[0].id, name: 'y' }] },
      { as: owner },
    );
    expectClientError(stolen, 400);
    expect(Object.keys(stolen.body)).toEqual(['labels.0.id']);
    for (const labels of [
      [{ name: '' }],
      [{ name: 'c', color: 'red' }],
      [{ name: 'a', attributes: [{ name: 'x' }] }],
      [{ name: 'n'.repeat(65) }],
      'cat',
      [{ name: 'a', extra: 1 }],
    ]) {
      expectClientError(await api.patch(`/api/projects/${created.body.id}`, { labels }, { as: owner }), 400);
    }
    // A label renamed to a name freed in the same request is fine; nothing above was half-applied.
    expect(
      (await api.get(`/api/projects/${created.body.id}`, { as: owner })).body.labels.map(
        (l: { name: string }) => l.name,
      ),
    ).toEqual(['kitten', 'bird']);
  });

  it('validates assignee_id and owner_id and moves ownership', async () => {
    const [owner, helper, heir] = await Promise.all([createUser('po'), createUser('ph'), createUser('pr')]);
    const created = await api.post(
      '/api/projects',
      { name: 'P', assignee_id: helper.id, bug_tracker: 'http://bugs' },
      { as: owner },
    );
    expect(created.status).toBe(201);
    expect(created.body.assignee).toMatchObject({ id: helper.id, username: helper.username });
    expect(created.body.assignee_updated_date).toMatch(/Z$/);
    expect(created.body.bug_tracker).toBe('http://bugs');
    const id = created.body.id;
    for (const [body, field] of [
      [{ name: 'P', assignee_id: 2147483647 }, 'assignee_id'],
      [{ name: 'P', assignee_id: -1 }, 'assignee_id'],
      [{ name: 'P', assignee_id: 'me' }, 'assignee_id'],
      [{ name: 'P', assignee_id: 1e12 }, 'assignee_id'],
    ] as const) {
      const reply = await api.post('/api/projects', body, { as: owner });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body)).toEqual([field]);
    }
    const badOwner = await api.patch(`/api/projects/${id}`, { owner_id: 2147483647 }, { as: owner });
    expect(Object.keys(badOwner.body)).toEqual(['owner_id']);
    const nullOwner = await api.patch(`/api/projects/${id}`, { owner_id: null }, { as: owner });
    expectClientError(nullOwner, 400);
    const unassigned = await api.patch(
      `/api/projects/${id}`,
      { assignee_id: null, status: 'validation' },
      { as: owner },
    );
    expect(unassigned.body).toMatchObject({ assignee: null, status: 'validation' });
    expectClientError(await api.patch(`/api/projects/${id}`, { status: 'done' }, { as: owner }), 400);
    const moved = await api.patch(`/api/projects/${id}`, { owner_id: heir.id }, { as: owner });
    expect(moved.body.owner.id).toBe(heir.id);
    expectClientError(await api.get(`/api/projects/${id}`, { as: owner }), 403);
    expect((await api.delete(`/api/projects/${id}`, { as: heir })).status).toBe(204);
  });

  it('filters, searches, sorts and paginates with absolute links', async () => {
    const owner = await createUser('pag');
    const other = await createUser('pgo');
    const tag = unique('pg');
    const made: number[] = [];
    for (let i = 0; i < 5; i++) {
      const reply = await api.post(
        '/api/projects',
        { name: `${tag} ${String.fromCharCode(101 - i)}`, assignee_id: i === 0 ? other.id : null },
        { as: owner },
      );
      made.push(reply.body.id);
    }
    const first = await api.get(`/api/projects?search=${tag}&page_size=2`, { as: owner });
    expect(first.status).toBe(200);
    expect(first.body.count).toBe(5);
    expect(ids(first)).toEqual([made[4], made[3]]); // newest first by default
    expect(first.body.previous).toBeNull();
    expect(first.body.next).toBe(`http://herald.test/api/projects?search=${tag}&page_size=2&page=2`);
    const last = await api.get(`/api/projects?search=${tag}&page_size=2&page=3`, { as: owner });
    expect(ids(last)).toEqual([made[0]]);
    expect(last.body.next).toBeNull();
    expect(last.body.previous).toBe(`http://herald.test/api/projects?search=${tag}&page_size=2&page=2`);
    // X-Forwarded-Host/-Proto are a client's say unless a proxy of ours sets them (TRUST_PROXY=1, security.md).
    const proxied = {
      as: owner,
      headers: { 'x-forwarded-host': 'herald.example.com', 'x-forwarded-proto': 'https' },
    };
    const untrusted = await api.get(`/api/projects?search=${tag}&page_size=2`, proxied);
    expect(untrusted.body.next).toMatch(/^http:\/\/herald\.test\/api\/projects\?/);
    expect(untrusted.body.results[0].url).toBe(`http://herald.test/api/projects/${made[4]}`);
    process.env.TRUST_PROXY = '1';
    try {
      const forwarded = await api.get(`/api/projects?search=${tag}&page_size=2`, proxied);
      expect(forwarded.body.next).toMatch(/^https:\/\/herald\.example\.com\/api\/projects\?/);
      expect(forwarded.body.results[0].url).toBe(`https://herald.example.com/api/projects/${made[4]}`);
    } finally {
      delete process.env.TRUST_PROXY;
    }

    const all = await api.get(`/api/projects?search=${tag}&page_size=all&sort=name`, { as: owner });
    expect(all.body).toMatchObject({ count: 5, next: null, previous: null });
    expect(ids(all)).toEqual([...made].reverse());
    expect(ids(await api.get(`/api/projects?search=${tag}&page_size=all&sort=-name`, { as: owner }))).toEqual(
      made,
    );
    expect(ids(await api.get(`/api/projects?search=${tag}&page_size=100000`, { as: owner })).length).toBe(5);
    expect(ids(await api.get(`/api/projects?name=${encodeURIComponent(`${tag} c`)}`, { as: owner }))).toEqual(
      [made[2]],
    );
    expect(
      ids(await api.get(`/api/projects?search=${tag}&assignee=${other.username}`, { as: owner })),
    ).toEqual([made[0]]);
    expect(
      ids(await api.get(`/api/projects?search=${tag}&owner=${owner.username}&page_size=all`, { as: owner }))
        .length,
    ).toBe(5);
    expect(ids(await api.get(`/api/projects?id=${made[1]}`, { as: owner }))).toEqual([made[1]]);
    // The assignee sees the project they are assigned to, and only it.
    expect(ids(await api.get(`/api/projects?search=${tag}`, { as: other }))).toEqual([made[0]]);
    expect(
      ids(await api.get(`/api/projects?search=${encodeURIComponent('%')}${tag}`, { as: owner })),
    ).toEqual([]);

    for (const query of [
      'page=0',
      'page=-1',
      'page=abc',
      'page=1.5',
      'page_size=0',
      'page_size=-5',
      'page_size=abc',
      'sort=secret',
      'id=abc',
      'id=-1',
      `search=${'s'.repeat(300)}`,
    ]) {
      expectClientError(await api.get(`/api/projects?${query}`, { as: owner }), 400);
    }
    expectClientError(await api.get(`/api/projects?search=${tag}&page=9`, { as: owner }), 404);
  });
});

describe('projects: who may touch what', () => {
  it('in the personal workspace: owner everything, assignee view only, stranger nothing', async () => {
    const [owner, assignee, stranger] = await Promise.all([
      createUser('wo'),
      createUser('wa'),
      createUser('ws'),
    ]);
    const p = (await api.post('/api/projects', { name: 'mine', assignee_id: assignee.id }, { as: owner }))
      .body;
    expect((await api.get(`/api/projects/${p.id}`, { as: assignee })).status).toBe(200);
    // security.md: a personal project's assignee sees it; renaming, relabelling, re-assigning and deleting are the owner's.
    expectClientError(
      await api.patch(`/api/projects/${p.id}`, { name: 'by assignee' }, { as: assignee }),
      403,
    );
    expect((await api.patch(`/api/projects/${p.id}`, { name: 'by owner' }, { as: owner })).status).toBe(200);
    expectClientError(await api.delete(`/api/projects/${p.id}`, { as: assignee }), 403);
    // ...nor take it over to delete it afterwards: transferring ownership is the owner's (CVAT's update:owner).
    expectClientError(
      await api.patch(`/api/projects/${p.id}`, { owner_id: assignee.id }, { as: assignee }),
      403,
    );
    expectClientError(
      await api.patch(`/api/projects/${p.id}`, { name: 'both', owner_id: assignee.id }, { as: assignee }),
      403,
    );
    expect((await api.get(`/api/projects/${p.id}`, { as: owner })).body.owner.id).toBe(owner.id);
    expectClientError(await api.get(`/api/projects/${p.id}`, { as: stranger }), 403);
    expectClientError(await api.patch(`/api/projects/${p.id}`, { name: 'x' }, { as: stranger }), 403);
    expectClientError(await api.delete(`/api/projects/${p.id}`, { as: stranger }), 403);
    expect(ids(await api.get('/api/projects?page_size=all', { as: stranger }))).not.toContain(p.id);
    expect((await api.get(`/api/projects/${p.id}`, { as: owner })).body.name).toBe('by owner');
    expect((await api.delete(`/api/projects/${p.id}`, { as: owner })).status).toBe(204);
  });

  it('in an organization, per role', async () => {
    const t = await createTeam();
    const ctx = `?org=${t.org.slug}`;
    expectClientError(await api.post(`/api/projects${ctx}`, { name: 'by worker' }, { as: t.worker }), 403);
    const byOwner = (await api.post(`/api/projects${ctx}`, { name: 'owner' }, { as: t.owner })).body;
    const bySupervisor = (await api.post(`/api/projects${ctx}`, { name: 'supervisor' }, { as: t.supervisor }))
      .body;
    const assigned = (
      await api.post(
        `/api/projects${ctx}`,
        { name: 'for worker', assignee_id: t.worker.id },
        { as: t.maintainer },
      )
    ).body;
    expect([byOwner.organization, bySupervisor.organization, assigned.organization]).toEqual([
      t.org.id,
      t.org.id,
      t.org.id,
    ]);
    // Only members can be assigned.
    const outsider = await api.post(
      `/api/projects${ctx}`,
      { name: 'x', assignee_id: t.stranger.id },
      { as: t.owner },
    );
    expect(Object.keys(outsider.body)).toEqual(['assignee_id']);
    const outsiderOwner = await api.patch(
      `/api/projects/${byOwner.id}`,
      { owner_id: t.stranger.id },
      { as: t.owner },
    );
    expect(Object.keys(outsiderOwner.body)).toEqual(['owner_id']);

    const all = [byOwner.id, bySupervisor.id, assigned.id].sort();
    const seen = async (user: typeof t.owner) =>
      ids(await api.get(`/api/projects${ctx}&page_size=all`, { as: user })).sort();
    expect(await seen(t.owner)).toEqual(all);
    expect(await seen(t.maintainer)).toEqual(all);
    expect(await seen(t.supervisor)).toEqual(all);
    expect(await seen(t.worker)).toEqual([assigned.id]);
    expect(ids(await api.get('/api/projects?page_size=all', { as: t.stranger }))).not.toContain(byOwner.id);
    expectClientError(await api.get(`/api/projects/${byOwner.id}`, { as: t.stranger }), 403);

    // Maintainers change and delete anything.
    expect(
      (await api.patch(`/api/projects/${bySupervisor.id}`, { name: 'm' }, { as: t.maintainer })).status,
    ).toBe(200);
    // Supervisors see everything and change only their own.
    expect((await api.get(`/api/projects/${byOwner.id}`, { as: t.supervisor })).status).toBe(200);
    expectClientError(
      await api.patch(`/api/projects/${byOwner.id}`, { name: 's' }, { as: t.supervisor }),
      403,
    );
    expectClientError(await api.delete(`/api/projects/${byOwner.id}`, { as: t.supervisor }), 403);
    expect(
      (await api.patch(`/api/projects/${bySupervisor.id}`, { name: 's' }, { as: t.supervisor })).status,
    ).toBe(200);
    // Workers see and change what they are assigned to, nothing else.
    expect((await api.get(`/api/projects/${assigned.id}`, { as: t.worker })).status).toBe(200);
    expect((await api.patch(`/api/projects/${assigned.id}`, { name: 'w' }, { as: t.worker })).status).toBe(
      200,
    );
    expectClientError(await api.delete(`/api/projects/${assigned.id}`, { as: t.worker }), 403);
    expectClientError(
      await api.patch(`/api/projects/${assigned.id}`, { owner_id: t.worker.id }, { as: t.worker }),
      403,
    );
    expect(
      (await api.patch(`/api/projects/${bySupervisor.id}`, { owner_id: t.worker.id }, { as: t.supervisor }))
        .status,
    ).toBe(200);
    expect(
      (
        await api.patch(
          `/api/projects/${bySupervisor.id}`,
          { owner_id: t.supervisor.id },
          { as: t.maintainer },
        )
      ).status,
    ).toBe(200);
    expectClientError(await api.get(`/api/projects/${byOwner.id}`, { as: t.worker }), 403);
    expectClientError(await api.patch(`/api/projects/${byOwner.id}`, { name: 'w' }, { as: t.worker }), 403);
    expect((await api.delete(`/api/projects/${byOwner.id}`, { as: t.maintainer })).status).toBe(204);
    expect((await api.delete(`/api/projects/${bySupervisor.id}`, { as: t.supervisor })).status).toBe(204);
    expect(await seen(t.owner)).toEqual([assigned.id]);
  });

  it('an update that waited for another one starts from what that one saved', async () => {
    const owner = await createUser('racer');
    const project = (
      await api.post('/api/projects', { name: 'race', labels: [{ name: 'l0' }] }, { as: owner })
    ).body;
    // Outside any organization: a project webhook makes its events reach the outbox, where they are read.
    await listeners.project(owner, project.id);
    const events = await recordEvents(
      async () => {
        for (let i = 1; i <= 5; i++) {
          await Promise.all([
            api.patch(`/api/projects/${project.id}`, { labels: [{ name: `l${i}` }] }, { as: owner }),
            api.patch(`/api/projects/${project.id}`, { name: `race ${i}` }, { as: owner }),
          ]);
        }
      },
      { projectIds: [project.id] },
    );
    // The row lock orders them, and they are queued in that order: each starts from what the last one
    // saved, so its project with the old values of its before_update put back is the last one's project.
    const updates = events.filter((e) => e.event === 'update:project').map((e) => e.payload);
    expect(updates).toHaveLength(10);
    for (let k = 1; k < updates.length; k++) {
      const previous = updates[k - 1].project;
      expect({
        ...updates[k].project,
        ...updates[k].before_update,
        updated_date: previous.updated_date,
      }).toEqual(previous);
    }
    expect((await api.get(`/api/projects/${project.id}`, { as: owner })).body).toEqual(
      updates.at(-1)!.project,
    );
  });
});
