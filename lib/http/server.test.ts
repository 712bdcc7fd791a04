import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG_1X1 } from '@/lib/testing/test-api';
import {
  request,
  rssMb,
  startProductionServer,
  stopAllServers,
  streamChunkedBody,
  type RunningServer,
} from '@/lib/testing/production-server';

/**
 * security.md's "Requests", tried as an attacker would, against the production server (`npm start`,
 * scripts/start.mjs) on PGlite, or on PostgreSQL in the suite's PostgreSQL run.
 */
let server: RunningServer;
const ADMIN = `Basic ${Buffer.from('admin:server-test-admin').toString('base64')}`;
const MiB = 1024 * 1024;

beforeAll(async () => {
  server = await startProductionServer({
    env: { MAX_UPLOAD_BYTES: String(40 * MiB), JSON_BODY_TIMEOUT_MS: '3000' },
  });
  // Warm the routes the tests hit, so that what is measured is the bodies, not the first compilation.
  for (const p of ['/api/auth/login', '/api/tasks', '/api/projects'])
    await request(server.url, 'POST', p, {
      headers: { 'content-type': 'application/json', authorization: ADMIN },
      body: '{}',
    });
}, 120_000);
afterAll(() => stopAllServers());

/** Samples the server's resident memory every 20 ms while `run` goes on; gives the rise over the start. */
async function peakRiseMb<T>(run: () => Promise<T>): Promise<{ result: T; riseMb: number }> {
  const base = rssMb(server.pid);
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 20);
  try {
    const result = await run();
    return { result, riseMb: peak - base };
  } finally {
    clearInterval(timer);
  }
}

describe('bounded bodies', () => {
  it(
    'four parallel 300 MB chunked bodies to the login get 413 before any authentication, and RSS rises by less than 100 MB',
    { timeout: 120_000 },
    async () => {
      const { result, riseMb } = await peakRiseMb(() =>
        Promise.all(
          Array.from({ length: 4 }, () => streamChunkedBody(server.url, '/api/auth/login', 300 * MiB)),
        ),
      );
      expect(result.map((r) => r.status)).toEqual([413, 413, 413, 413]);
      // Refused as soon as the limit was crossed: far from all of it was sent.
      for (const r of result) expect(r.sent).toBeLessThan(100 * MiB);
      expect(riseMb).toBeLessThan(100);
    },
  );

  it('a declared length over the limit is refused before a byte of the body is sent', async () => {
    const reply = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/projects',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': String(300 * MiB),
            authorization: ADMIN,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(reply).toBe(413);
  });

  it(
    'an upload is streamed to disk and cut at MAX_UPLOAD_BYTES: 413, nothing kept, RSS bounded; a small one still works',
    { timeout: 120_000 },
    async () => {
      const task = (
        await request(server.url, 'POST', '/api/tasks', {
          headers: { 'content-type': 'application/json', authorization: ADMIN },
          body: JSON.stringify({ name: 'upload', labels: [{ name: 'a' }] }),
        })
      ).json;
      const boundary = 'herald-boundary';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="client_files[0]"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
      );
      const { result, riseMb } = await peakRiseMb(() =>
        streamChunkedBody(
          server.url,
          `/api/tasks/${task.id}/data`,
          300 * MiB,
          { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: ADMIN },
          head,
        ),
      );
      expect(result.status).toBe(413);
      expect(riseMb).toBeLessThan(100);
      const mediaDir = path.join(server.dataDir, 'media', 'tasks', String(task.id));
      expect(fs.existsSync(mediaDir) ? fs.readdirSync(mediaDir) : []).toEqual([]);

      const form = Buffer.concat([
        head,
        PNG_1X1,
        Buffer.from(
          `\r\n--${boundary}\r\nContent-Disposition: form-data; name="image_quality"\r\n\r\n80\r\n--${boundary}--\r\n`,
        ),
      ]);
      const small = await request(server.url, 'POST', `/api/tasks/${task.id}/data`, {
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: ADMIN },
        body: form,
      });
      expect(small.status, small.body).toBe(201);
      expect(
        (await request(server.url, 'GET', `/api/tasks/${task.id}`, { headers: { authorization: ADMIN } }))
          .json.size,
      ).toBe(1);
    },
  );

  it('a body trickled slower than JSON_BODY_TIMEOUT_MS is a 408', { timeout: 30_000 }, async () => {
    const status = await new Promise<number | string>((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/auth/login',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          clearInterval(timer);
          resolve(res.statusCode!);
        },
      );
      req.on('error', (e) => resolve(e.message));
      req.write('{');
      const timer = setInterval(() => req.write(' '), 500);
    });
    expect(status).toBe(408);
  });
});

describe('never a 500 for input', () => {
  it('answers paths, methods and bodies that used to be 500s with a 4xx that says so', async () => {
    const json = { 'content-type': 'application/json' };
    const cases: [string, string, Record<string, string>, string | undefined, number][] = [
      ['GET', '/api/projects/%ff', { authorization: ADMIN }, undefined, 404],
      ['GET', '/api/webhooks/%ff/deliveries', { authorization: ADMIN }, undefined, 404],
      ['GET', '/projects/%ff', {}, undefined, 404],
      ['GET', '/api/%e0%a4%a', {}, undefined, 404],
      ['TRACE', '/api/projects', { authorization: ADMIN }, undefined, 405],
      ['TRACE', '/', {}, undefined, 405],
      ['DELETE', '/api/projects', { authorization: ADMIN }, undefined, 405],
      ['PUT', '/api/auth/login', json, '{}', 405],
      ['PATCH', '/projects', {}, undefined, 405],
      [
        'POST',
        '/api/auth/login',
        json,
        JSON.stringify({ username: 'admin', password: 'x', constructor: 1 }),
        400,
      ],
      ['POST', '/api/auth/login', json, '{"username":"admin","password":"x","__proto__":{"a":1}}', 400],
      [
        'POST',
        '/api/auth/register',
        json,
        JSON.stringify({ toString: 1, hasOwnProperty: 2, valueOf: 3 }),
        400,
      ],
      [
        'POST',
        '/api/auth/login',
        json,
        `{"username":${'['.repeat(10_000)}${']'.repeat(10_000)},"password":"x"}`,
        400,
      ],
      [
        'POST',
        '/api/projects',
        { ...json, authorization: ADMIN },
        `{"name":"deep","labels":${'[{"name":"a","attributes":'.repeat(100)}[]${'}]'.repeat(100)}}`,
        400,
      ],
    ];
    const wrong: string[] = [];
    for (const [method, p, headers, body, expected] of cases) {
      const reply = await request(server.url, method, p, { headers, body });
      if (reply.status !== expected)
        wrong.push(`${method} ${p}: ${reply.status} (expected ${expected}) ${reply.body.slice(0, 200)}`);
      if (expected === 405 && !reply.headers.allow) wrong.push(`${method} ${p}: 405 without Allow`);
    }
    expect(wrong).toEqual([]);
    // Prototype keys are ordinary unknown fields, named.
    const named = await request(server.url, 'POST', '/api/auth/login', {
      headers: json,
      body: '{"username":"admin","password":"x","constructor":1,"__proto__":2,"valueOf":3}',
    });
    expect(Object.keys(named.json).sort()).toEqual(['__proto__', 'constructor', 'valueOf']);
    const allow = await request(server.url, 'DELETE', '/api/projects', { headers: { authorization: ADMIN } });
    expect(allow.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    expect(
      (await request(server.url, 'TRACE', '/api/webhooks/1/ping', { headers: { authorization: ADMIN } }))
        .headers.allow,
    ).toBe('OPTIONS, POST');
    // The server still answers as ever afterwards.
    expect(server.output()).not.toMatch(/unexpected error|Internal server error/);
  });
});

describe('security headers', () => {
  it('are on every answer: pages, API answers, errors, static files, refusals', async () => {
    const page = await request(server.url, 'GET', '/login');
    const script = /\/_next\/static\/[^"]+\.js/.exec(page.body)?.[0];
    expect(script).toBeTruthy();
    const answers = await Promise.all([
      Promise.resolve(page),
      request(server.url, 'GET', '/api/health'),
      request(server.url, 'GET', '/api/projects'),
      request(server.url, 'GET', '/api/projects', { headers: { authorization: ADMIN } }),
      request(server.url, 'GET', '/api/projects/999999', { headers: { authorization: ADMIN } }),
      request(server.url, 'GET', '/nowhere'),
      request(server.url, 'GET', script!),
      request(server.url, 'DELETE', '/api/projects', { headers: { authorization: ADMIN } }),
      request(server.url, 'GET', '/api/projects/%ff'),
      request(server.url, 'POST', '/api/projects', {
        headers: { 'content-type': 'application/json', 'content-length': String(2 * MiB) },
      }).catch(() => null),
      request(server.url, 'GET', '/projects'),
    ]);
    const missing: string[] = [];
    for (const reply of answers) {
      if (!reply) continue;
      const h = reply.headers;
      if (
        h['x-content-type-options'] !== 'nosniff' ||
        h['referrer-policy'] !== 'same-origin' ||
        h['x-frame-options'] !== 'DENY' ||
        !/frame-ancestors 'none'/.test(String(h['content-security-policy']))
      ) {
        missing.push(`${reply.status}: ${JSON.stringify(h)}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('connections', () => {
  it(
    'keeps answering other clients while 20,000 idle and trickling connections are held open against it',
    { timeout: 180_000 },
    async () => {
      // Four processes (one may not hold 20,000 sockets), from 80 loopback addresses, under the per-address cap.
      const floods = [0, 1, 2, 3].map((n) => {
        const child = spawn(process.execPath, [
          '--import',
          'tsx',
          'lib/testing/connection-flood.ts',
          String(server.port),
          String(2 + n * 20),
          '20',
          '5000',
          n % 2 ? 'trickle' : 'idle',
          '25',
        ]);
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
        return { child, done, output: () => out };
      });
      try {
        for (const f of floods)
          for (let i = 0; i < 600 && !/opened/.test(f.output()); i++)
            await new Promise((r) => setTimeout(r, 100));
        for (const f of floods) expect(f.output()).toMatch(/opened/);
        // Another client, meanwhile: every request answered, promptly.
        const slow: string[] = [];
        for (let i = 0; i < 20; i++) {
          const started = Date.now();
          const reply = await request(server.url, 'GET', '/api/projects', {
            headers: { authorization: ADMIN },
            timeoutMs: 10_000,
          });
          if (reply.status !== 200 || Date.now() - started > 3000)
            slow.push(`${reply.status} in ${Date.now() - started} ms`);
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(slow).toEqual([]);
        // The flood's own address is still served: a new connection takes the place of its oldest idle one.
        expect((await request(server.url, 'GET', '/api/health', { localAddress: '127.0.0.2' })).status).toBe(
          200,
        );
        // The server never held more connections than its cap, far below the file limit.
        const fds = fs.readdirSync(`/proc/${server.pid}/fd`).length;
        expect(fds).toBeLessThan(10_000 + 500);
        await Promise.all(floods.map((f) => f.done));
      } finally {
        for (const f of floods) f.child.kill('SIGKILL');
      }
    },
  );

  it(
    'cuts connections whose headers do not arrive within 10 s, idle or trickling a byte every 5 s',
    { timeout: 60_000 },
    async () => {
      const started = Date.now();
      const closes = await Promise.all(
        Array.from(
          { length: 60 },
          (_, i) =>
            new Promise<{ ms: number; answer: string }>((resolve) => {
              let answer = '';
              let timer: NodeJS.Timeout | undefined;
              const socket = net.connect({ host: '127.0.0.1', port: server.port }, () => {
                if (i % 2) return;
                socket.write('POST /api/auth/login HTTP/1.1\r\nHost: x\r\n');
                timer = setInterval(() => socket.write('X'), 5000);
              });
              socket.on('data', (d) => (answer += d));
              socket.on('error', () => {});
              socket.on('close', () => {
                clearInterval(timer);
                resolve({ ms: Date.now() - started, answer: answer.split('\r\n')[0] });
              });
            }),
        ),
      );
      for (const { ms, answer } of closes) {
        expect(answer).toBe('HTTP/1.1 408 Request Timeout');
        expect(ms).toBeGreaterThan(9_000);
        expect(ms).toBeLessThan(20_000);
      }
    },
  );
});
