import { beforeAll, describe, expect, it } from 'vitest';
import { createTeam, expectClientError } from '@/lib/testing/fixtures';
import { api, createUser, unique } from '@/lib/testing/test-api';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('invitations', () => {
  let team: Team;
  beforeAll(async () => {
    team = await createTeam();
  });

  it('invites by email; the invitee accepts and becomes an active member', async () => {
    const { org, owner, maintainer } = team;
    const invitee = await createUser('inv');
    const created = await api.post(
      `/api/invitations?org=${org.slug}`,
      { role: 'supervisor', email: invitee.email.toUpperCase() },
      { as: maintainer },
    );
    expect(created.status).toBe(201);
    for (const key of ['key', 'created_date', 'owner', 'role', 'user', 'organization', 'expired'])
      expect(created.body).toHaveProperty(key);
    expect(created.body).toMatchObject({ role: 'supervisor', organization: org.id, expired: false });
    expect(created.body.owner).toEqual({
      url: `http://herald.test/api/users/${maintainer.id}`,
      id: maintainer.id,
      username: maintainer.username,
      first_name: '',
      last_name: '',
    });
    // Who the email belongs to is not told to the inviter before the invitee accepts (security.md).
    expect(created.body.user).toBeNull();
    expect(created.body.email).toBe(invitee.email.toUpperCase());
    const key = created.body.key;
    // The invitee sees who it is for: them.
    const mine = (await api.get(`/api/invitations/${key}`, { as: invitee })).body;
    expect(mine.user).toMatchObject({ id: invitee.id, username: invitee.username });
    expect(Object.keys(mine.user).sort()).toEqual(['first_name', 'id', 'last_name', 'url', 'username']);

    expect((await api.get(`/api/invitations/${key}`, { as: invitee })).body.key).toBe(key);
    expect((await api.get(`/api/invitations/${key}`, { as: owner })).body.key).toBe(key);
    expect(
      (await api.get('/api/invitations', { as: invitee })).body.results.map((i: { key: string }) => i.key),
    ).toEqual([key]);
    expectClientError(await api.get(`/api/invitations/${key}`, { as: team.worker }), 403);

    // A pending invitation blocks a second one.
    expectClientError(
      await api.post(
        `/api/invitations?org=${org.slug}`,
        { role: 'worker', email: invitee.email },
        { as: owner },
      ),
      400,
    );

    expectClientError(
      await api.post(`/api/invitations/${key}/accept`, undefined, { as: team.stranger }),
      403,
    );
    expectClientError(await api.post(`/api/invitations/${key}/accept`, undefined, { as: owner }), 403);
    const accepted = await api.post(`/api/invitations/${key}/accept`, undefined, { as: invitee });
    expect(accepted.status).toBe(200);
    expect(accepted.body.membership).toMatchObject({
      user: { id: invitee.id },
      organization: org.id,
      role: 'supervisor',
      is_active: true,
      invitation: key,
    });
    expect((await api.get(`/api/memberships/${accepted.body.membership.id}`, { as: owner })).body).toEqual(
      accepted.body.membership,
    );
    expect((await api.get(`/api/organizations/${org.id}`, { as: invitee })).status).toBe(200);
    expectClientError(await api.post(`/api/invitations/${key}/accept`, undefined, { as: invitee }), 400);
    expectClientError(
      await api.post(
        `/api/invitations?org=${org.slug}`,
        { role: 'worker', email: invitee.email },
        { as: owner },
      ),
      400,
    );
    // Accepted, the invitation names its invitee to the organization's staff.
    expect((await api.get(`/api/invitations/${key}`, { as: owner })).body.user).toMatchObject({
      id: invitee.id,
    });
  });

  it('answers the same whether or not the email has an account; one without waits for its registration', async () => {
    const { org, owner } = team;
    const existing = await createUser('has');
    const nobody = `${unique('nobody')}@example.test`;
    const toExisting = await api.post(
      `/api/invitations?org=${org.slug}`,
      { role: 'worker', email: existing.email },
      { as: owner },
    );
    const toNobody = await api.post(
      `/api/invitations?org=${org.slug}`,
      { role: 'worker', email: nobody },
      { as: owner },
    );
    expect([toExisting.status, toNobody.status]).toEqual([201, 201]);
    const shape = (body: Record<string, unknown>) => ({ ...body, key: 'k', created_date: 'd', email: 'e' });
    expect(shape(toNobody.body)).toEqual(shape(toExisting.body));
    // Listed and read alike by the staff, and not findable by user id before it is accepted.
    const listed = (await api.get(`/api/invitations?org=${org.slug}&page_size=all`, { as: owner })).body
      .results;
    const [a, b] = [toExisting, toNobody].map((r) =>
      listed.find((i: { key: string }) => i.key === r.body.key),
    );
    expect(shape(b)).toEqual(shape(a));
    expect(
      (await api.get(`/api/invitations?org=${org.slug}&user_id=${existing.id}`, { as: owner })).body.count,
    ).toBe(0);
    // Whoever registers with the email finds it waiting, and accepts it.
    const password = 'long-enough-1';
    const username = unique('late');
    expect(
      (
        await api.post('/api/auth/register', {
          username,
          email: nobody.toUpperCase(),
          password1: password,
          password2: password,
        })
      ).status,
    ).toBe(201);
    const late = { auth: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } as never;
    const theirs = (await api.get('/api/invitations?accepted=false', { as: late })).body.results.map(
      (i: { key: string }) => i.key,
    );
    expect(theirs).toEqual([toNobody.body.key]);
    expect(
      (await api.post(`/api/invitations/${toNobody.body.key}/accept`, undefined, { as: late })).status,
    ).toBe(200);
    expect((await api.get(`/api/organizations/${org.id}`, { as: late })).status).toBe(200);
    expectClientError(
      await api.post(`/api/invitations/${toExisting.body.key}/accept`, undefined, { as: late }),
      403,
    );
  });

  it('is declined by the invitee or revoked by staff', async () => {
    const { org, owner, worker } = team;
    const [decliner, revoked] = await Promise.all([createUser('dec'), createUser('rev')]);
    const a = await api.post(
      `/api/invitations?org=${org.slug}`,
      { role: 'worker', email: decliner.email },
      { as: owner },
    );
    const b = await api.post(
      `/api/invitations?org_id=${org.id}`,
      { role: 'worker', email: revoked.email },
      { as: owner },
    );
    expect([a.status, b.status]).toEqual([201, 201]);

    expectClientError(
      await api.post(`/api/invitations/${a.body.key}/decline`, undefined, { as: revoked }),
      403,
    );
    expect(
      (await api.post(`/api/invitations/${a.body.key}/decline`, undefined, { as: decliner })).status,
    ).toBe(204);
    expectClientError(await api.get(`/api/invitations/${a.body.key}`, { as: owner }), 404);
    expectClientError(
      await api.post(`/api/invitations/${a.body.key}/accept`, undefined, { as: decliner }),
      404,
    );
    expectClientError(await api.get(`/api/organizations/${org.id}`, { as: decliner }), 403);

    expectClientError(await api.delete(`/api/invitations/${b.body.key}`, { as: worker }), 403);
    expectClientError(await api.delete(`/api/invitations/${b.body.key}`, { as: revoked }), 403);
    expect((await api.get(`/api/invitations/${b.body.key}`, { as: revoked })).status).toBe(200);
    expect((await api.delete(`/api/invitations/${b.body.key}`, { as: owner })).status).toBe(204);
    expectClientError(
      await api.post(`/api/invitations/${b.body.key}/accept`, undefined, { as: revoked }),
      404,
    );
    expectClientError(await api.get(`/api/organizations/${org.id}`, { as: revoked }), 403);
  });

  it('is sent by owners and maintainers only, in an organization context', async () => {
    const { org, owner, maintainer, supervisor, worker, stranger } = team;
    const target = await createUser('tgt');
    expectClientError(
      await api.post(
        `/api/invitations?org=${org.slug}`,
        { role: 'worker', email: target.email },
        { as: worker },
      ),
      403,
    );
    expectClientError(
      await api.post(
        `/api/invitations?org=${org.slug}`,
        { role: 'worker', email: target.email },
        { as: supervisor },
      ),
      403,
    );
    expectClientError(
      await api.post(
        `/api/invitations?org=${org.slug}`,
        { role: 'worker', email: target.email },
        { as: stranger },
      ),
      403,
    );
    expectClientError(
      await api.post(
        `/api/invitations?org=${org.slug}`,
        { role: 'maintainer', email: target.email },
        { as: maintainer },
      ),
      403,
    );
    const member = await api.post(
      `/api/invitations?org=${org.slug}`,
      { role: 'worker', email: worker.email },
      { as: owner },
    );
    expect(Object.keys(member.body)).toEqual(['email']);
    const noContext = await api.post(
      '/api/invitations',
      { role: 'worker', email: target.email },
      { as: owner },
    );
    expectClientError(noContext, 400);
    for (const [body, field] of [
      [{ role: 'owner', email: target.email }, 'role'],
      [{ role: 'worker', email: 'not-an-email' }, 'email'],
      [{ role: 'worker' }, 'email'],
      [{ role: 'worker', email: null }, 'email'],
      [{ role: 'worker', email: `${'x'.repeat(300)}@example.test` }, 'email'],
      [{ role: 'worker', email: target.email, key: 'mine' }, 'key'],
    ] as const) {
      const reply = await api.post(`/api/invitations?org=${org.slug}`, body, { as: owner });
      expectClientError(reply, 400);
      expect(Object.keys(reply.body)).toEqual([field]);
    }
    const pending = (
      await api.get(`/api/invitations?org=${org.slug}&page_size=all`, { as: owner })
    ).body.results.map((i: { email: string }) => i.email);
    expect(pending).not.toContain(target.email);
    for (const key of ['nope', 'x'.repeat(200), '%00', 'a b']) {
      expectClientError(await api.get(`/api/invitations/${encodeURIComponent(key)}`, { as: owner }), 404);
      expectClientError(
        await api.post(`/api/invitations/${encodeURIComponent(key)}/accept`, undefined, { as: owner }),
        404,
      );
    }
  });
});
