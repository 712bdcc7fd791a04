import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { taskMediaDir } from '@/lib/tasks/media';
import { createTask, createTeam, expectClientError, ids } from '@/lib/testing/fixtures';
import { api, createUser, unique } from '@/lib/testing/test-api';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('organizations', () => {
  let team: Team;
  beforeAll(async () => {
    team = await createTeam();
  });

  it('creates an organization with the caller as owner and first member', async () => {
    const owner = await createUser('orgc');
    const slug = unique('Ab-');
    const created = await api.post(
      '/api/organizations',
      { slug, name: 'Acme', description: 'd', contact: { email: 'a@b.c' } },
      { as: owner },
    );
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(
      ['contact', 'created_date', 'description', 'id', 'name', 'owner', 'slug', 'updated_date', 'url'].sort(),
    );
    expect(created.body).toMatchObject({ slug, name: 'Acme', description: 'd', contact: { email: 'a@b.c' } });
    expect(created.body.owner).toEqual({
      url: `http://herald.test/api/users/${owner.id}`,
      id: owner.id,
      username: owner.username,
      first_name: '',
      last_name: '',
    });
    expect(created.body.url).toBe(`http://herald.test/api/organizations/${created.body.id}`);
    expect(created.body.created_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,6}Z$/);

    const members = await api.get(`/api/memberships?org=${slug}`, { as: owner });
    expect(members.body.results).toHaveLength(1);
    expect(members.body.results[0]).toMatchObject({
      user: { id: owner.id },
      role: 'owner',
      is_active: true,
      invitation: null,
    });

    expect((await api.get(`/api/organizations/${created.body.id}`, { as: owner })).body).toEqual(
      created.body,
    );

    // Slugs are unique regardless of case.
    const dup = await api.post(
      '/api/organizations',
      { slug: slug.toLowerCase() },
      { as: await createUser('dup') },
    );
    expectClientError(dup, 400);
    expect(Object.keys(dup.body)).toEqual(['slug']);
  });

  it('enforces the slug rules', async () => {
    const user = team.stranger;
    for (const slug of ['', 'has space', 'under_score', 'dots.no', 'x'.repeat(17), 'émoji']) {
      const reply = await api.post('/api/organizations', { slug }, { as: user });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body)).toEqual(['slug']);
    }
    for (const slug of [5, null, ['a'], { a: 1 }]) {
      const reply = await api.post('/api/organizations', { slug }, { as: user });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body)).toEqual(['slug']);
    }
    const missing = await api.post('/api/organizations', { name: 'x' }, { as: user });
    expect(missing.body).toEqual({ slug: ['This field is required.'] });
    const tooLong = await api.post(
      '/api/organizations',
      { slug: unique('s'), name: 'n'.repeat(65) },
      { as: user },
    );
    expect(Object.keys(tooLong.body)).toEqual(['name']);
    const badContact = await api.post(
      '/api/organizations',
      { slug: unique('s'), contact: 'me' },
      { as: user },
    );
    expect(Object.keys(badContact.body)).toEqual(['contact']);
    const unknown = await api.post('/api/organizations', { slug: unique('s'), owner: 1 }, { as: user });
    expect(unknown.body).toEqual({ owner: ['Unknown field.'] });
    expect(ids(await api.get('/api/organizations?page_size=all', { as: user }))).toEqual([]);
  });

  it('shows an organization to its members only', async () => {
    const { org, owner, worker, stranger } = team;
    for (const member of [owner, worker]) {
      expect((await api.get(`/api/organizations/${org.id}`, { as: member })).status).toBe(200);
      expect(ids(await api.get('/api/organizations', { as: member }))).toContain(org.id);
    }
    expectClientError(await api.get(`/api/organizations/${org.id}`, { as: stranger }), 403);
    expect(ids(await api.get('/api/organizations', { as: stranger }))).not.toContain(org.id);
    expect(ids(await api.get(`/api/organizations?slug=${org.slug}`, { as: owner }))).toEqual([org.id]);
    expect(ids(await api.get(`/api/organizations?search=${org.slug.slice(1)}`, { as: owner }))).toEqual([
      org.id,
    ]);
    // Search is free text: % and _ are not wildcards.
    expect(ids(await api.get('/api/organizations?search=%25', { as: owner }))).toEqual([]);
    expect(ids(await api.get('/api/organizations?search=_', { as: owner }))).toEqual([]);
    for (const bad of ['0', '-3', 'abc', '99999999999', '2147483647']) {
      expectClientError(await api.get(`/api/organizations/${bad}`, { as: owner }), 404);
    }
  });

  it('is changed by owners and maintainers only; the slug stays', async () => {
    const { org, owner, maintainer, supervisor, worker, stranger } = team;
    const byOwner = await api.patch(`/api/organizations/${org.id}`, { name: 'Renamed' }, { as: owner });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body.name).toBe('Renamed');
    const byMaintainer = await api.patch(
      `/api/organizations/${org.id}`,
      { description: 'by maintainer' },
      { as: maintainer },
    );
    expect(byMaintainer.status).toBe(200);
    expect(byMaintainer.body).toMatchObject({ name: 'Renamed', description: 'by maintainer' });
    expectClientError(
      await api.patch(`/api/organizations/${org.id}`, { name: 'no' }, { as: supervisor }),
      403,
    );
    expectClientError(await api.patch(`/api/organizations/${org.id}`, { name: 'no' }, { as: worker }), 403);
    expectClientError(await api.patch(`/api/organizations/${org.id}`, { name: 'no' }, { as: stranger }), 403);
    const slug = await api.patch(`/api/organizations/${org.id}`, { slug: 'other' }, { as: owner });
    expectClientError(slug, 400);
    expect(Object.keys(slug.body)).toEqual(['slug']);
    const wrongType = await api.patch(`/api/organizations/${org.id}`, { name: 3 }, { as: owner });
    expect(Object.keys(wrongType.body)).toEqual(['name']);
    expect((await api.get(`/api/organizations/${org.id}`, { as: worker })).body).toMatchObject({
      slug: org.slug,
      name: 'Renamed',
    });
  });

  it('is deleted by its owner only, with everything in it', async () => {
    const t = await createTeam();
    const project = await api.post(
      `/api/projects?org=${t.org.slug}`,
      { name: 'in org', labels: [{ name: 'a' }] },
      { as: t.owner },
    );
    expect(project.body.organization).toBe(t.org.id);
    const task = await createTask(
      t.owner,
      { name: 'with images', project_id: project.body.id },
      { frames: 2 },
    );
    const loose = await createTask(
      t.owner,
      { name: 'outside a project' },
      { frames: 1, query: `?org=${t.org.slug}` },
    );
    expect(fs.existsSync(taskMediaDir(task.id))).toBe(true);
    expect(fs.existsSync(taskMediaDir(loose.id))).toBe(true);
    expectClientError(await api.delete(`/api/organizations/${t.org.id}`, { as: t.maintainer }), 403);
    expectClientError(await api.delete(`/api/organizations/${t.org.id}`, { as: t.worker }), 403);
    expectClientError(await api.delete(`/api/organizations/${t.org.id}`, { as: t.stranger }), 403);
    expect((await api.get(`/api/projects/${project.body.id}`, { as: t.owner })).status).toBe(200);
    expect((await api.delete(`/api/organizations/${t.org.id}`, { as: t.owner })).status).toBe(204);
    expectClientError(await api.get(`/api/organizations/${t.org.id}`, { as: t.owner }), 404);
    expectClientError(await api.get(`/api/projects/${project.body.id}`, { as: t.owner }), 404);
    expectClientError(await api.get(`/api/tasks/${loose.id}`, { as: t.owner }), 404);
    // The images go with it (removed once the deletion has committed).
    await expect.poll(() => fs.existsSync(taskMediaDir(task.id)), { timeout: 5000 }).toBe(false);
    await expect.poll(() => fs.existsSync(taskMediaDir(loose.id)), { timeout: 5000 }).toBe(false);
    expect(ids(await api.get('/api/memberships?page_size=all', { as: t.worker }))).toEqual([]);
  });
});

describe('organization context', () => {
  let team: Team;
  beforeAll(async () => {
    team = await createTeam();
  });

  it('puts new resources in the organization named by org, org_id or X-Organization', async () => {
    const { org, owner } = team;
    const bySlug = await api.post(`/api/projects?org=${org.slug}`, { name: 'by slug' }, { as: owner });
    const byId = await api.post(`/api/projects?org_id=${org.id}`, { name: 'by id' }, { as: owner });
    const byHeader = await api.post(
      '/api/projects',
      { name: 'by header' },
      { as: owner, headers: { 'x-organization': org.slug } },
    );
    const personal = await api.post('/api/projects', { name: 'personal' }, { as: owner });
    const personalExplicit = await api.post(
      '/api/projects?org_id=',
      { name: 'personal explicit' },
      { as: owner },
    );
    for (const reply of [bySlug, byId, byHeader]) {
      expect(reply.status).toBe(201);
      expect(reply.body.organization).toBe(org.id);
    }
    expect(personal.body.organization).toBeNull();
    expect(personalExplicit.body.organization).toBeNull();

    const inOrg = [bySlug.body.id, byId.body.id, byHeader.body.id];
    const mine = [personal.body.id, personalExplicit.body.id];
    const listOrg = ids(await api.get(`/api/projects?org=${org.slug}&page_size=all`, { as: owner }));
    expect(listOrg.sort()).toEqual([...inOrg].sort());
    expect(ids(await api.get(`/api/projects?org_id=${org.id}&page_size=all`, { as: owner })).sort()).toEqual(
      [...inOrg].sort(),
    );
    expect(
      ids(
        await api.get('/api/projects?page_size=all', { as: owner, headers: { 'x-organization': org.slug } }),
      ).sort(),
    ).toEqual([...inOrg].sort());
    expect(ids(await api.get('/api/projects?org_id=&page_size=all', { as: owner })).sort()).toEqual(
      [...mine].sort(),
    );
    // No context: everything the caller may see.
    expect(ids(await api.get('/api/projects?page_size=all', { as: owner })).sort()).toEqual(
      [...inOrg, ...mine].sort(),
    );
  });

  it('answers 404 for an unknown organization and 403 for a non-member', async () => {
    const { org, stranger, owner } = team;
    expectClientError(await api.get(`/api/projects?org=${unique('nope')}`, { as: owner }), 404);
    expectClientError(await api.get('/api/projects?org_id=2147483647', { as: owner }), 404);
    expectClientError(await api.get('/api/projects?org_id=4000000000', { as: owner }), 404);
    expectClientError(await api.get('/api/projects?org_id=99999999999', { as: owner }));
    expectClientError(await api.get('/api/projects?org=%00', { as: owner }), 400);
    expectClientError(await api.get('/api/projects?org_id=abc', { as: owner }), 400);
    expectClientError(
      await api.get('/api/projects', { as: owner, headers: { 'x-organization': unique('nope') } }),
      404,
    );
    expectClientError(await api.get(`/api/projects?org=${org.slug}`, { as: stranger }), 403);
    expectClientError(await api.get(`/api/projects?org_id=${org.id}`, { as: stranger }), 403);
    expectClientError(
      await api.get('/api/tasks', { as: stranger, headers: { 'x-organization': org.slug } }),
      403,
    );
    const refused = await api.post(`/api/projects?org=${org.slug}`, { name: 'intruder' }, { as: stranger });
    expectClientError(refused, 403);
    expect(ids(await api.get(`/api/projects?org=${org.slug}&search=intruder`, { as: owner }))).toEqual([]);
  });
});
