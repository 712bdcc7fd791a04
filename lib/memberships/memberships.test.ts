import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, createTeam, expectClientError, ids } from '@/lib/testing/fixtures';
import { api, createUser } from '@/lib/testing/test-api';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('memberships', () => {
  let team: Team;
  let ownerMembershipId: number;
  beforeAll(async () => {
    team = await createTeam();
    const list = await api.get(`/api/memberships?org=${team.org.slug}&role=owner`, { as: team.owner });
    ownerMembershipId = list.body.results[0].id;
  });

  it('lists members in the organization context with user and role filters', async () => {
    const { org, owner, maintainer, supervisor, worker, stranger, memberships } = team;
    const all = await api.get(`/api/memberships?org=${org.slug}&sort=id`, { as: worker });
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(4);
    expect(all.body.results.map((m: { user: { id: number } }) => m.user.id)).toEqual([
      owner.id,
      maintainer.id,
      supervisor.id,
      worker.id,
    ]);
    const m = all.body.results[3];
    expect(Object.keys(m).sort()).toEqual(
      ['id', 'invitation', 'is_active', 'joined_date', 'organization', 'role', 'url', 'user'].sort(),
    );
    expect(m).toMatchObject({
      id: memberships.worker.id,
      organization: org.id,
      role: 'worker',
      is_active: true,
    });
    expect(m.invitation).toMatch(/^[0-9a-f]+$/);
    expect(Object.keys(m.user).sort()).toEqual(['first_name', 'id', 'last_name', 'url', 'username']);

    expect(ids(await api.get(`/api/memberships?org=${org.slug}&role=supervisor`, { as: owner }))).toEqual([
      memberships.supervisor.id,
    ]);
    expect(
      ids(await api.get(`/api/memberships?org=${org.slug}&user=${worker.username}`, { as: owner })),
    ).toEqual([memberships.worker.id]);
    expect(ids(await api.get(`/api/memberships?org=${org.slug}&user=${worker.id}`, { as: owner }))).toEqual([
      memberships.worker.id,
    ]);
    expectClientError(await api.get(`/api/memberships?org=${org.slug}&role=king`, { as: owner }), 400);
    const huge = await api.get(`/api/memberships?org=${org.slug}&user=99999999999`, { as: owner });
    expectClientError(huge, 400);
    expect(Object.keys(huge.body)).toEqual(['user']);
    expectClientError(await api.get(`/api/memberships?org=${org.slug}`, { as: stranger }), 403);
    expect(ids(await api.get('/api/memberships?page_size=all', { as: stranger }))).toEqual([]);
    expectClientError(await api.get(`/api/memberships/${memberships.worker.id}`, { as: stranger }), 403);
    expect((await api.get(`/api/memberships/${memberships.worker.id}`, { as: worker })).body).toEqual(m);
  });

  it('changes roles by owner or maintainer; never the owner, never to owner', async () => {
    const { owner, maintainer, supervisor, worker, memberships } = team;
    const up = await api.patch(
      `/api/memberships/${memberships.worker.id}`,
      { role: 'supervisor' },
      { as: owner },
    );
    expect(up.status).toBe(200);
    expect(up.body.role).toBe('supervisor');
    const down = await api.patch(
      `/api/memberships/${memberships.worker.id}`,
      { role: 'worker' },
      { as: maintainer },
    );
    expect(down.status).toBe(200);
    expect(down.body.role).toBe('worker');

    expectClientError(
      await api.patch(
        `/api/memberships/${memberships.worker.id}`,
        { role: 'supervisor' },
        { as: supervisor },
      ),
      403,
    );
    expectClientError(
      await api.patch(
        `/api/memberships/${memberships.supervisor.id}`,
        { role: 'maintainer' },
        { as: worker },
      ),
      403,
    );
    expectClientError(
      await api.patch(`/api/memberships/${ownerMembershipId}`, { role: 'worker' }, { as: owner }),
      403,
    );
    expectClientError(
      await api.patch(`/api/memberships/${ownerMembershipId}`, { role: 'worker' }, { as: maintainer }),
      403,
    );
    const toOwner = await api.patch(
      `/api/memberships/${memberships.worker.id}`,
      { role: 'owner' },
      { as: owner },
    );
    expectClientError(toOwner, 400);
    expect(Object.keys(toOwner.body)).toEqual(['role']);
    for (const body of [{}, { role: null }, { role: 5 }, { role: 'worker', user: 1 }]) {
      expectClientError(
        await api.patch(`/api/memberships/${memberships.worker.id}`, body, { as: owner }),
        400,
      );
    }
    // Maintainers manage supervisors and workers only; making or changing maintainers is the owner's.
    expectClientError(
      await api.patch(
        `/api/memberships/${memberships.worker.id}`,
        { role: 'maintainer' },
        { as: maintainer },
      ),
      403,
    );
    expectClientError(
      await api.patch(
        `/api/memberships/${memberships.maintainer.id}`,
        { role: 'worker' },
        { as: maintainer },
      ),
      403,
    );
    expect((await api.get(`/api/memberships/${memberships.worker.id}`, { as: owner })).body.role).toBe(
      'worker',
    );
    expect((await api.get(`/api/memberships/${memberships.maintainer.id}`, { as: owner })).body.role).toBe(
      'maintainer',
    );
    expect((await api.get(`/api/memberships/${ownerMembershipId}`, { as: owner })).body.role).toBe('owner');
    expectClientError(
      await api.patch('/api/memberships/99999999999', { role: 'worker' }, { as: owner }),
      404,
    );
    expectClientError(await api.patch('/api/memberships/2147483647', { role: 'worker' }, { as: owner }), 404);
  });

  it('removes members; a member may leave; the owner may not', async () => {
    const { org, owner, maintainer } = team;
    const [leaver, removed, other] = await Promise.all([
      createUser('lv'),
      createUser('rm'),
      createUser('ot'),
    ]);
    const leaving = await addMember(org, leaver, 'worker');
    const removing = await addMember(org, removed, 'worker');
    const staying = await addMember(org, other, 'worker');

    expectClientError(await api.delete(`/api/memberships/${staying.id}`, { as: leaver }), 403);
    expect((await api.delete(`/api/memberships/${leaving.id}`, { as: leaver })).status).toBe(204);
    expectClientError(await api.get(`/api/organizations/${org.id}`, { as: leaver }), 403);
    expect((await api.delete(`/api/memberships/${removing.id}`, { as: maintainer })).status).toBe(204);
    expectClientError(await api.get(`/api/projects?org=${org.slug}`, { as: removed }), 403);
    expectClientError(await api.delete(`/api/memberships/${ownerMembershipId}`, { as: owner }), 403);
    expectClientError(await api.delete(`/api/memberships/${ownerMembershipId}`, { as: maintainer }), 403);
    expectClientError(await api.delete(`/api/memberships/${leaving.id}`, { as: owner }), 404);
    const left = ids(await api.get(`/api/memberships?org=${org.slug}&page_size=all`, { as: owner }));
    expect(left).toContain(staying.id);
    expect(left).not.toContain(leaving.id);
    expect(left).not.toContain(removing.id);
  });
});
