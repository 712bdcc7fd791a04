import { describe, expect, it } from 'vitest';
import { api, createUser } from '@/lib/testing/test-api';

describe('projects API', () => {
  it('creates, reads, lists, renames and deletes a project', async () => {
    const owner = await createUser('owner');
    const created = await api.post('/api/projects', { name: 'Cats', labels: [{ name: 'cat' }, { name: 'dog', color: '#ff0000' }] }, { as: owner });
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
    expect(created.body.labels[1]).toMatchObject({ color: '#ff0000', attributes: [], type: 'any', sublabels: [], has_parent: false });
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
    expect((await api.get('/api/projects', { as: stranger })).body.results.map((p: { id: number }) => p.id)).not.toContain(id);

    expect((await api.delete(`/api/projects/${id}`, { as: owner })).status).toBe(204);
    expect((await api.get(`/api/projects/${id}`, { as: owner })).status).toBe(404);
  });

  it('refuses bad input with a message naming the field', async () => {
    const owner = await createUser();
    const noName = await api.post('/api/projects', {}, { as: owner });
    expect(noName.status).toBe(400);
    expect(noName.body.name).toEqual(['This field is required.']);
    const malformed = await api.post('/api/projects', undefined, { as: owner, raw: '{"name":', contentType: 'application/json' });
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
