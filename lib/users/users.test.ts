import { beforeAll, describe, expect, it } from 'vitest';
import { expectClientError, ids } from '@/lib/testing/fixtures';
import { api, createUser, unique, type TestUser } from '@/lib/testing/test-api';

const register = (body: Record<string, unknown>) => api.post('/api/auth/register', body);
const valid = () => {
  const username = unique('reg');
  return {
    username,
    email: `${username}@example.test`,
    password1: 'correct-horse',
    password2: 'correct-horse',
  };
};
const withToken = (key: string) => ({ as: { auth: `Token ${key}` } as TestUser });
const basic = (login: string, password: string) => ({
  as: { auth: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` } as TestUser,
});

describe('auth: register', () => {
  it('registers a user and answers the CVAT shape', async () => {
    const body = { ...valid(), first_name: 'Ada', last_name: 'Lovelace' };
    const reply = await register(body);
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      username: body.username,
      email: body.email,
      first_name: 'Ada',
      last_name: 'Lovelace',
    });
  });

  it('refuses duplicates, mismatched or short passwords and bad emails, naming the field', async () => {
    const first = valid();
    expect((await register(first)).status).toBe(201);

    const sameName = await register({ ...valid(), username: first.username.toUpperCase() });
    expectClientError(sameName, 400);
    expect(Object.keys(sameName.body)).toEqual(['username']);

    const sameEmail = await register({ ...valid(), email: first.email.toUpperCase() });
    expectClientError(sameEmail, 400);
    expect(Object.keys(sameEmail.body)).toEqual(['email']);

    const mismatch = await register({ ...valid(), password2: 'something-else' });
    expectClientError(mismatch, 400);
    expect(Object.keys(mismatch.body)).toEqual(['password2']);

    const short = await register({ ...valid(), password1: 'short', password2: 'short' });
    expectClientError(short, 400);
    expect(short.body.password1[0]).toMatch(/too short/);

    const badEmail = await register({ ...valid(), email: 'not-an-email' });
    expectClientError(badEmail, 400);
    expect(Object.keys(badEmail.body)).toEqual(['email']);

    const badName = await register({ ...valid(), username: 'has space' });
    expectClientError(badName, 400);
    expect(Object.keys(badName.body)).toEqual(['username']);

    const missing = await register({});
    expectClientError(missing, 400);
    expect(Object.keys(missing.body).sort()).toEqual(['email', 'password1', 'password2', 'username']);

    const unknown = await register({ ...valid(), is_superuser: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ is_superuser: ['Unknown field.'] });

    const huge = await register({ ...valid(), first_name: 'x'.repeat(151) });
    expectClientError(huge, 400);
    expect(Object.keys(huge.body)).toEqual(['first_name']);

    // None of the refused registrations left a user behind.
    const someone = await createUser('look');
    const found = await api.get(`/api/users?search=${first.username.slice(3)}&page_size=all`, {
      as: someone,
    });
    expect(found.body.results.map((u: { username: string }) => u.username)).toEqual([first.username]);
  });
});

describe('auth: login, tokens, Basic', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser('login');
  });

  it('logs in by username or email and the token works until logout', async () => {
    const login = await api.post('/api/auth/login', { username: user.username, password: user.password });
    expect(login.status).toBe(200);
    expect(Object.keys(login.body)).toEqual(['key']);
    expect(login.body.key).toMatch(/^[0-9a-f]{40}$/);

    const self = await api.get('/api/users/self', withToken(login.body.key));
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({
      id: user.id,
      username: user.username,
      email: user.email,
      is_superuser: false,
    });
    expect(self.body.url).toBe(`http://herald.test/api/users/${user.id}`);

    const byEmail = await api.post('/api/auth/login', { email: user.email, password: user.password });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.key).not.toBe(login.body.key);

    expect((await api.post('/api/auth/logout', undefined, withToken(login.body.key))).status).toBe(200);
    const after = await api.get('/api/users/self', withToken(login.body.key));
    expect(after.status).toBe(401);
    // The other token is untouched.
    expect((await api.get('/api/users/self', withToken(byEmail.body.key))).status).toBe(200);
  });

  it('refuses wrong passwords and missing credentials', async () => {
    const wrong = await api.post('/api/auth/login', { username: user.username, password: 'wrong-password' });
    expectClientError(wrong, 400);
    expect(wrong.body.non_field_errors).toBeDefined();
    const nobody = await api.post('/api/auth/login', { username: unique('ghost'), password: 'whatever-1' });
    expectClientError(nobody, 400);
    const noLogin = await api.post('/api/auth/login', { password: 'x' });
    expectClientError(noLogin, 400);
    expect(Object.keys(noLogin.body)).toEqual(['username']);

    expect((await api.get('/api/users/self', basic(user.username, user.password))).status).toBe(200);
    expect((await api.get('/api/users/self', basic(user.email, user.password))).status).toBe(200);
    expectClientError(await api.get('/api/users/self', basic(user.username, 'wrong-password')), 401);
    expectClientError(await api.get('/api/users/self', basic('', '')), 401);
    expectClientError(await api.get('/api/users/self', basic(`${user.username}\u0000`, user.password)), 401);
    expectClientError(await api.get('/api/users/self', basic('x'.repeat(300), user.password)), 401);
    const nul = await api.post('/api/auth/login', {
      username: `${user.username}\u0000`,
      password: user.password,
    });
    expectClientError(nul, 400);
    expect(nul.body).toEqual({ username: ['Null characters are not allowed.'] });
    expectClientError(
      await api.get('/api/users/self', { as: { auth: 'Basic %%%not-base64' } as TestUser }),
      401,
    );
    expectClientError(await api.get('/api/users/self', withToken('0'.repeat(40))), 401);
    expectClientError(await api.get('/api/users/self', { as: { auth: 'Token' } as TestUser }), 401);
    expectClientError(await api.get('/api/users/self'), 401);
    expectClientError(await api.get('/api/users'), 401);
  });
});

describe('users', () => {
  it('lists users with search on username; email only for oneself', async () => {
    const tag = unique('srch');
    const [me, other] = await Promise.all([
      createUser(`${tag}a`, { first_name: 'Me' }),
      createUser(`${tag}b`),
    ]);
    const list = await api.get(`/api/users?search=${tag}&sort=username`, { as: me });
    expect(list.status).toBe(200);
    expect(list.body.count).toBe(2);
    expect(ids(list)).toEqual([me.id, other.id]);
    const [mine, theirs] = list.body.results;
    expect(mine.email).toBe(me.email);
    expect(mine.first_name).toBe('Me');
    expect(theirs).not.toHaveProperty('email');
    expect(theirs).toMatchObject({ id: other.id, username: other.username, is_superuser: false });

    const got = await api.get(`/api/users/${other.id}`, { as: me });
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('email');
    expect((await api.get(`/api/users/${me.id}`, { as: me })).body.email).toBe(me.email);

    const exact = await api.get(`/api/users?username=${other.username}`, { as: me });
    expect(ids(exact)).toEqual([other.id]);

    for (const bad of ['0', '-1', 'abc', '99999999999', '1.5'])
      expectClientError(await api.get(`/api/users/${bad}`, { as: me }), 404);
    expectClientError(await api.get('/api/users/2147483647', { as: me }), 404);
    expectClientError(await api.get('/api/users?sort=password_hash', { as: me }), 400);
    expectClientError(await api.get('/api/users?id=abc', { as: me }), 400);
  });
});
