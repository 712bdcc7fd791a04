import { randomBytes } from 'node:crypto';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  request,
  startProductionServer,
  stopAllServers,
  type RunningServer,
} from '@/lib/testing/production-server';
import { receiverPool, waitUntil } from '@/lib/testing/webhook-helpers';

/**
 * The production server's output (`npm start`): JSON log lines with request ids, an access line per
 * request, a wrong password as one warning without a stack trace, and never a password, a secret or a
 * token, while a webhook with a secret delivers and the metrics (read with METRICS_TOKEN) count it:
 * the dispatcher and the route share one registry although Next.js bundles them apart.
 */
const pool = receiverPool();
const random = () => randomBytes(18).toString('base64url');
const metricsToken = random();
const adminPassword = `adm-${random()}`;
const wrongPassword = `wrong-${random()}`;
const userPassword = `usr-${random()}`;
const secret = `whsec-${random()}`;
const admin = `Basic ${Buffer.from(`admin:${adminPassword}`).toString('base64')}`;
const json = { 'content-type': 'application/json' };
let server: RunningServer;

beforeAll(async () => {
  server = await startProductionServer({
    env: { ADMIN_PASSWORD: adminPassword, METRICS_TOKEN: metricsToken, LOG_LEVEL: 'info' },
  });
}, 120_000);
afterAll(async () => {
  await stopAllServers();
  await pool.closeAll();
});

type Entry = { level: string; msg: string; request_id?: string; [key: string]: unknown };
/** The JSON lines the server wrote; the human start-up banner ("Listening on", "Herald is ready") is not one. */
function entries(): Entry[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Entry);
}

describe('request ids', () => {
  it('keep a sane X-Request-Id, replace anything else, and mark the access line', async () => {
    const kept = await request(server.url, 'GET', '/api/health', {
      headers: { 'x-request-id': 'trace-abc-123' },
    });
    expect(kept.headers['x-request-id']).toBe('trace-abc-123');
    for (const bad of ['has spaces in it', 'x'.repeat(200), '<script>']) {
      const replaced = await request(server.url, 'GET', '/api/health', { headers: { 'x-request-id': bad } });
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const fresh = await request(server.url, 'GET', '/api/server/about?token=should-not-be-logged');
    const id = fresh.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await waitUntil(() => entries().some((e) => e.request_id === id), 5000, 'access line');
    const line = entries().find((e) => e.request_id === id)!;
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      path: '/api/server/about',
      status: 200,
      component: 'http',
    });
    expect(entries().find((e) => e.request_id === 'trace-abc-123')).toMatchObject({
      path: '/api/health',
      status: 200,
    });
    expect(server.output()).not.toContain('should-not-be-logged');
  });
});

describe('a wrong password', () => {
  it('is one warning line, with the request id, without a stack trace or the password', async () => {
    const register = await request(server.url, 'POST', '/api/auth/register', {
      headers: json,
      body: JSON.stringify({
        username: 'logged',
        email: 'logged@example.test',
        password1: userPassword,
        password2: userPassword,
      }),
    });
    expect(register.status).toBe(201);
    const before = server.output().length;
    const login = await request(server.url, 'POST', '/api/auth/login', {
      headers: { ...json, 'x-request-id': 'login-attempt-1' },
      body: JSON.stringify({ username: 'logged', password: wrongPassword }),
    });
    expect(login.status).toBe(400);
    const basic = await request(server.url, 'GET', '/api/users/self', {
      headers: {
        authorization: `Basic ${Buffer.from(`logged:${wrongPassword}`).toString('base64')}`,
        'x-request-id': 'basic-attempt-1',
      },
    });
    expect(basic.status).toBe(401);
    // The sign-in page's form, as a browser posts it.
    const csrf = await request(server.url, 'GET', '/api/auth/csrf');
    const jar = (csrf.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    const page = await request(server.url, 'POST', '/api/auth/callback/credentials', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-auth-return-redirect': '1',
        cookie: jar,
        origin: server.url,
        'x-request-id': 'page-attempt-1',
      },
      body: new URLSearchParams({
        username: 'logged',
        password: wrongPassword,
        csrfToken: csrf.json.csrfToken,
        callbackUrl: `${server.url}/projects`,
      }).toString(),
    });
    expect(page.json?.url ?? '', page.body).toMatch(/error=CredentialsSignin/);
    await waitUntil(
      () =>
        ['basic-attempt-1', 'page-attempt-1'].every(
          (id) => entries().filter((e) => e.request_id === id).length >= 2,
        ),
      5000,
      'log lines',
    );
    for (const id of ['login-attempt-1', 'basic-attempt-1', 'page-attempt-1']) {
      const lines = entries().filter((e) => e.request_id === id && e.msg !== 'request');
      expect(lines, JSON.stringify(lines)).toEqual([
        expect.objectContaining({
          level: 'warn',
          msg: 'sign-in refused: wrong credentials',
          component: 'auth',
        }),
      ]);
    }
    const written = server.output().slice(before);
    expect(written).not.toMatch(/^\s+at /m);
    expect(written).not.toContain(wrongPassword);
  });
});

describe('a webhook with a secret', () => {
  it('delivers, is counted by the metrics, and its secret, the passwords and the token appear in no log line', async () => {
    const receiver = await pool.start();
    const project = await request(server.url, 'POST', '/api/projects', {
      headers: { ...json, authorization: admin },
      body: JSON.stringify({ name: 'observed' }),
    });
    expect(project.status).toBe(201);
    const hook = await request(server.url, 'POST', '/api/webhooks', {
      headers: { ...json, authorization: admin },
      body: JSON.stringify({
        target_url: receiver.url,
        type: 'project',
        project_id: project.json.id,
        events: ['update:project'],
        secret,
      }),
    });
    expect(hook.status, hook.body).toBe(201);
    const patched = await request(server.url, 'PATCH', `/api/projects/${project.json.id}`, {
      headers: { ...json, authorization: admin },
      body: JSON.stringify({ name: 'observed again' }),
    });
    expect(patched.status).toBe(200);
    await receiver.waitFor(1);
    expect(receiver.received[0].headers['x-signature-256']).toBeTruthy();
    expect(
      (
        await request(server.url, 'POST', `/api/webhooks/${hook.json.id}/ping`, {
          headers: { authorization: admin },
        })
      ).status,
    ).toBe(200);

    const scrape = async () => {
      const reply = await request(server.url, 'GET', '/api/metrics', {
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(reply.status).toBe(200);
      const family = parsePrometheusTextFormat(reply.body).find(
        (f) => f.name === 'herald_webhook_attempts_total',
      );
      return Number(
        family?.metrics.find((m) => m.labels?.outcome === 'delivered' && m.labels?.status_class === '2xx')
          ?.value ?? 0,
      );
    };
    await waitUntil(async () => (await scrape()) === 2, 10_000, 'two delivered attempts counted');
    expect((await request(server.url, 'GET', '/api/metrics')).status).toBe(401);
    expect(
      (
        await request(server.url, 'GET', '/api/metrics', {
          headers: { authorization: `Basic ${Buffer.from(`logged:${userPassword}`).toString('base64')}` },
        })
      ).status,
    ).toBe(403);
    expect(
      (await request(server.url, 'GET', '/api/metrics', { headers: { authorization: admin } })).status,
    ).toBe(200);

    const output = server.output();
    // Every line but the start-up banner (and Next.js's own line about its config) is a JSON log line.
    const others = output
      .split('\n')
      .filter(
        (l) =>
          l.trim() &&
          !l.startsWith('{') &&
          !/^\s+(Listening on|Herald is ready|Database:|Admin login:)|^✓ Running next\.config/.test(l),
      );
    expect(others).toEqual([]);
    expect(entries().length).toBeGreaterThan(10);
    const basics = [admin, `Basic ${Buffer.from(`logged:${userPassword}`).toString('base64')}`].map((b) =>
      b.slice(6),
    );
    for (const needle of [secret, adminPassword, userPassword, wrongPassword, metricsToken, ...basics])
      expect(output).not.toContain(needle);
  });
});
