import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  request,
  startProductionServer,
  stopAllServers,
  type RawReply,
  type RunningServer,
} from '@/lib/testing/production-server';

/**
 * security.md's "Password guessing is throttled", against the production server: per account and client
 * address on every path that checks a password (the API login, HTTP Basic, the sign-in page), 429 with
 * Retry-After without computing the hash, a right password from another address still works, and the
 * counts are shared by every process on one database. Other loopback addresses are other clients.
 */
let server: RunningServer;
const json = { 'content-type': 'application/json' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function register(base: string, username: string, password = 'right-password-1') {
  const reply = await request(base, 'POST', '/api/auth/register', {
    headers: json,
    body: JSON.stringify({
      username,
      email: `${username}@example.test`,
      password1: password,
      password2: password,
    }),
  });
  expect(reply.status, reply.body).toBe(201);
  return { username, password };
}

const login = (base: string, username: string, password: string, localAddress: string) =>
  request(base, 'POST', '/api/auth/login', {
    headers: json,
    body: JSON.stringify({ username, password }),
    localAddress,
  });

async function timed(send: () => Promise<RawReply>) {
  const started = performance.now();
  const reply = await send();
  return { reply, ms: performance.now() - started };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

beforeAll(async () => {
  server = await startProductionServer({ env: { SIGN_IN_MAX_FAILURES_PER_ADDRESS: '30' } });
}, 120_000);
afterAll(() => stopAllServers());

describe('sign-in throttling', () => {
  it(
    'API login: 50 wrong passwords, then 429 with Retry-After and no hash; the right one from another address works',
    { timeout: 120_000 },
    async () => {
      const { username, password } = await register(server.url, 'guessed');
      const answers = [];
      for (let i = 0; i < 50; i++)
        answers.push(await timed(() => login(server.url, username, `wrong-${i}`, '127.0.0.2')));
      expect(answers.slice(0, 10).map((a) => a.reply.status)).toEqual(Array(10).fill(400));
      expect(answers.slice(10).map((a) => a.reply.status)).toEqual(Array(40).fill(429));
      const retryAfter = Number(answers[49].reply.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(answers[49].reply.json.detail).toMatch(/Too many failed sign-in attempts/);
      // Refused attempts compute no hash (scrypt takes tens of milliseconds): they are answered much faster.
      expect(median(answers.slice(10).map((a) => a.ms))).toBeLessThan(
        median(answers.slice(0, 10).map((a) => a.ms)) / 2,
      );
      // Even the right password is refused from there until the window ends...
      expect((await login(server.url, username, password, '127.0.0.2')).status).toBe(429);
      // ...and works from another address: the owner is not locked out.
      const elsewhere = await login(server.url, username, password, '127.0.0.3');
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.json.key).toMatch(/^[0-9a-f]{40}$/);
      // The same account by its email is the same account.
      expect((await login(server.url, `${username}@example.test`, 'wrong', '127.0.0.2')).status).toBe(429);
    },
  );

  it('HTTP Basic: throttled the same way, per account and address', { timeout: 60_000 }, async () => {
    const { username, password } = await register(server.url, 'basicguess');
    const statuses = [];
    for (let i = 0; i < 13; i++)
      statuses.push(
        (
          await request(server.url, 'GET', '/api/users/self', {
            headers: { authorization: basic(username, `wrong-${i}`) },
            localAddress: '127.0.0.4',
          })
        ).status,
      );
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429, 429]);
    const refused = await request(server.url, 'GET', '/api/users/self', {
      headers: { authorization: basic(username, password) },
      localAddress: '127.0.0.4',
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      (
        await request(server.url, 'GET', '/api/users/self', {
          headers: { authorization: basic(username, password) },
          localAddress: '127.0.0.5',
        })
      ).status,
    ).toBe(200);
  });

  it('the sign-in page: throttled the same way, and says so', { timeout: 60_000 }, async () => {
    const { username, password } = await register(server.url, 'pageguess');
    const signIn = async (pw: string, localAddress: string) => {
      const csrf = await request(server.url, 'GET', '/api/auth/csrf', { localAddress });
      const cookie = (csrf.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
      const body = new URLSearchParams({
        username,
        password: pw,
        csrfToken: csrf.json.csrfToken,
        callbackUrl: `${server.url}/projects`,
      }).toString();
      return request(server.url, 'POST', '/api/auth/callback/credentials', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-auth-return-redirect': '1',
          cookie,
          origin: server.url,
        },
        body,
        localAddress,
      });
    };
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await signIn(`wrong-${i}`, '127.0.0.6'));
    for (const a of answers.slice(0, 10)) expect(a.json.url).toMatch(/error=CredentialsSignin/);
    expect(answers.slice(10).map((a) => a.status)).toEqual([429, 429]);
    expect(answers[11].json.url).toMatch(/code=throttled/);
    expect(Number(answers[11].headers['retry-after'])).toBeGreaterThan(0);
    const right = await signIn(password, '127.0.0.7');
    expect(right.status).toBe(200);
    expect(right.json.url).not.toMatch(/error=/);
    expect(String(right.headers['set-cookie'])).toMatch(/authjs\.session-token=/);
  });

  it(
    'per address across accounts: spraying many accounts from one address is throttled too',
    { timeout: 60_000 },
    async () => {
      const statuses = [];
      for (let i = 0; i < 32; i++)
        statuses.push((await login(server.url, `nobody-${i}`, 'x', '127.0.0.8')).status);
      expect(statuses.slice(0, 30)).toEqual(Array(30).fill(400));
      expect(statuses.slice(30)).toEqual([429, 429]);
      expect((await login(server.url, 'nobody-99', 'x', '127.0.0.9')).status).toBe(400);
    },
  );
});

describe.runIf(process.env.DATABASE_URL)('sign-in throttling with two processes on one PostgreSQL', () => {
  it('shares the counts: more processes are not more guesses', { timeout: 180_000 }, async () => {
    const first = server;
    const second = await startProductionServer({ databaseUrl: first.databaseUrl });
    const { username } = await register(first.url, 'twoproc');
    const statuses = [];
    for (let i = 0; i < 10; i++)
      statuses.push(
        (await login(i % 2 ? first.url : second.url, username, `wrong-${i}`, '127.0.0.10')).status,
      );
    expect(statuses).toEqual(Array(10).fill(400));
    expect((await login(first.url, username, 'wrong', '127.0.0.10')).status).toBe(429);
    expect((await login(second.url, username, 'wrong', '127.0.0.10')).status).toBe(429);
  });
});
