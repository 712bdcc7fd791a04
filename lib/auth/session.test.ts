import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  request,
  startProductionServer,
  stopAllServers,
  type RunningServer,
} from '@/lib/testing/production-server';

/**
 * Browser sessions against the production server (security.md, "Sign-in" and "Cross-site requests"):
 * redirects after sign-in stay on Herald, sign-out ends the session (a cookie kept from before is
 * refused) and lands on the host the person came in on, and a change made with the cookie must come
 * from Herald's own origin, while Token and Basic clients are unaffected.
 */
let server: RunningServer;
const json = { 'content-type': 'application/json' };
const user = { username: 'browser', password: 'browser-password-1' };

beforeAll(async () => {
  server = await startProductionServer();
  const reply = await request(server.url, 'POST', '/api/auth/register', {
    headers: json,
    body: JSON.stringify({
      username: user.username,
      email: 'browser@example.test',
      password1: user.password,
      password2: user.password,
    }),
  });
  expect(reply.status).toBe(201);
}, 120_000);
afterAll(() => stopAllServers());

const cookiesOf = (headers: Record<string, unknown>) =>
  ((headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]);

/** Signs in through the sign-in page's endpoint (next-auth's credentials callback), as the form does. */
async function signIn(callbackUrl = `${server.url}/projects`, headers: Record<string, string> = {}) {
  const csrf = await request(server.url, 'GET', '/api/auth/csrf', { headers });
  const jar = cookiesOf(csrf.headers);
  const reply = await request(server.url, 'POST', '/api/auth/callback/credentials', {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-auth-return-redirect': '1',
      cookie: jar.join('; '),
      origin: server.url,
      ...headers,
    },
    body: new URLSearchParams({ ...user, csrfToken: csrf.json.csrfToken, callbackUrl }).toString(),
  });
  expect(reply.status, reply.body).toBe(200);
  const session = cookiesOf(reply.headers).find((c) => c.startsWith('authjs.session-token='));
  expect(session).toBeTruthy();
  return {
    url: reply.json.url as string,
    cookie: [...jar.filter((c) => !c.startsWith('authjs.session-token=')), session!].join('; '),
  };
}

describe('redirects after sign-in', () => {
  it('go only to paths of Herald itself', { timeout: 60_000 }, async () => {
    for (const target of [
      '/\\evil.example',
      '//evil.example',
      '\\\\evil.example',
      '/\\/evil.example',
      'https://evil.example/x',
      'javascript:alert(1)',
      'http://127.0.0.1:1/x',
    ]) {
      expect((await signIn(target)).url, target).toBe(`${server.url}/projects`);
    }
    expect((await signIn('/tasks?page=2')).url).toBe(`${server.url}/tasks?page=2`);
    expect((await signIn(`${server.url}/jobs`)).url).toBe(`${server.url}/jobs`);
  });
});

describe('sign-out', () => {
  it(
    'ends the session: the cookie from before is refused by the API and the pages',
    { timeout: 60_000 },
    async () => {
      const { cookie } = await signIn();
      expect((await request(server.url, 'GET', '/api/users/self', { headers: { cookie } })).status).toBe(200);
      expect((await request(server.url, 'GET', '/projects', { headers: { cookie } })).status).toBe(200);
      const csrf = await request(server.url, 'GET', '/api/auth/csrf', { headers: { cookie } });
      const out = await request(server.url, 'POST', '/api/auth/signout', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-auth-return-redirect': '1',
          cookie: `${cookie}; ${cookiesOf(csrf.headers).join('; ')}`,
          origin: server.url,
        },
        body: new URLSearchParams({ csrfToken: csrf.json.csrfToken, callbackUrl: '/login' }).toString(),
      });
      expect(out.status).toBe(200);
      expect(out.json.url).toBe(`${server.url}/login`);
      // The same cookie, replayed as an attacker who copied it would.
      expect((await request(server.url, 'GET', '/api/users/self', { headers: { cookie } })).status).toBe(401);
      const page = await request(server.url, 'GET', '/projects', { headers: { cookie } });
      expect(page.status).toBe(307);
      expect(page.headers.location).toMatch(/\/login/);
    },
  );

  it('through POST /api/auth/logout ends the browser session too', { timeout: 60_000 }, async () => {
    const { cookie } = await signIn();
    expect(
      (await request(server.url, 'POST', '/api/auth/logout', { headers: { cookie, origin: server.url } }))
        .status,
    ).toBe(200);
    expect((await request(server.url, 'GET', '/api/users/self', { headers: { cookie } })).status).toBe(401);
  });

  it(
    'lands on the host the person came in on, whatever X-Forwarded-Host says',
    { timeout: 60_000 },
    async () => {
      const host = `localhost:${server.port}`;
      const { cookie } = await signIn(`http://${host}/projects`, {
        host,
        'x-forwarded-host': 'evil.example',
      });
      const csrf = await request(server.url, 'GET', '/api/auth/csrf', { headers: { cookie, host } });
      const out = await request(server.url, 'POST', '/api/auth/signout', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-auth-return-redirect': '1',
          cookie: `${cookie}; ${cookiesOf(csrf.headers).join('; ')}`,
          host,
          'x-forwarded-host': 'evil.example',
          origin: `http://${host}`,
        },
        body: new URLSearchParams({ csrfToken: csrf.json.csrfToken, callbackUrl: '/login' }).toString(),
      });
      expect(out.json.url).toBe(`http://${host}/login`);
    },
  );
});

describe('cross-site requests', () => {
  it(
    'a change made with the cookie must come from Herald\u2019s own origin; Token and Basic clients are unaffected',
    { timeout: 60_000 },
    async () => {
      const { cookie } = await signIn();
      const otherPort = await freePort();
      const create = (headers: Record<string, string>) =>
        request(server.url, 'POST', '/api/projects', {
          headers: { ...json, cookie, ...headers },
          body: JSON.stringify({ name: 'from a form' }),
        });
      const refused = [
        await create({ origin: `http://127.0.0.1:${otherPort}`, 'sec-fetch-site': 'same-site' }),
        await create({ origin: `http://127.0.0.1:${otherPort}` }),
        await create({ origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }),
        await create({ 'sec-fetch-site': 'same-site' }),
        await create({ origin: 'null' }),
        await create({}),
        // An empty body of any type, as a ping or a redelivery takes.
        await request(server.url, 'POST', '/api/webhooks/1/ping', {
          headers: { cookie, 'content-type': 'text/plain', origin: `http://127.0.0.1:${otherPort}` },
        }),
        await request(server.url, 'POST', '/api/auth/logout', {
          headers: { cookie, origin: `http://127.0.0.1:${otherPort}` },
        }),
      ];
      expect(refused.map((r) => r.status)).toEqual(refused.map(() => 403));
      expect(refused[0].json.detail).toMatch(/Cross-site request refused/);
      // Nothing was made, and the session is still good (the refused logout did not end it).
      const listed = await request(server.url, 'GET', '/api/projects?search=from%20a%20form', {
        headers: { cookie },
      });
      expect(listed.status).toBe(200);
      expect(listed.json.count).toBe(0);
      // From Herald's own pages it works.
      expect((await create({ origin: server.url, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
      // API clients carry their own credentials: no Origin check.
      const token = (
        await request(server.url, 'POST', '/api/auth/login', { headers: json, body: JSON.stringify(user) })
      ).json.key;
      const byToken = await request(server.url, 'POST', '/api/projects', {
        headers: { ...json, authorization: `Token ${token}`, origin: 'http://evil.example' },
        body: JSON.stringify({ name: 'by token' }),
      });
      expect(byToken.status).toBe(201);
      const byBasic = await request(server.url, 'POST', '/api/projects', {
        headers: {
          ...json,
          authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
          'sec-fetch-site': 'cross-site',
        },
        body: JSON.stringify({ name: 'by basic' }),
      });
      expect(byBasic.status).toBe(201);
    },
  );
});
