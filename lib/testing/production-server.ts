import type { UntypedJson } from './untyped-json';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * Herald as `npm start` runs it (scripts/start.mjs: the production build on Herald's HTTP server), in a
 * process of its own, for the attacks that need the real server: body limits, connection caps, timeouts,
 * headers, methods, paths, throttling across processes. On PGlite in a fresh data directory, or, when the
 * suite runs on PostgreSQL (DATABASE_URL set by the test setup), in a fresh database of that server.
 *
 * Needs the production build: `npm test` builds before the vitest suites; alone, run `npx next build`.
 */
export type ServerOptions = {
  env?: Record<string, string>;
  dataDir?: string;
  databaseUrl?: string | null;
  waitFor?: string | null;
};
export type RunningServer = Awaited<ReturnType<typeof startProductionServer>>;

const started = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

export function hasProductionBuild(): boolean {
  return fs.existsSync(path.resolve('.next', 'BUILD_ID'));
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A database of its own on the suite's PostgreSQL server, dropped by stopAllServers. */
export async function createPrivateDatabase(): Promise<string> {
  const base = new URL(process.env.DATABASE_URL!);
  const name = `herald_srv_${randomBytes(4).toString('hex')}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
  base.pathname = `/${name}`;
  return base.toString();
}

export function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-srv-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function startProductionServer(options: ServerOptions = {}) {
  if (!hasProductionBuild())
    throw new Error(
      'The production build is missing: run `npx next build` first (`npm test` builds before the vitest suites).',
    );
  const port = await freePort();
  const databaseUrl =
    options.databaseUrl === undefined
      ? process.env.DATABASE_URL
        ? await createPrivateDatabase()
        : null
      : options.databaseUrl;
  const dataDir = options.dataDir ?? tempDataDir();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    NODE_ENV: 'production',
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    HERALD_DATA_DIR: dataDir,
    AUTH_SECRET: 'server-test-secret-server-test-secret',
    HERALD_ENCRYPTION_KEY: 'c2VydmVyLXRlc3Qta2V5LXNlcnZlci10ZXN0LWtleS0',
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: 'server-test-admin',
    WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
    NEXT_TELEMETRY_DISABLED: '1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === '') delete env[k];
  // Its own process group, so that stopping it stops everything it started.
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // Without stack lines: vitest reads those as its own and fails on the build's source maps.
  const tail = () => out.slice(-3000).replace(/^\s+at .*$/gm, '');
  const waitFor = async (text: string, timeoutMs = 90_000) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      if (out.includes(text)) return;
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`server exited before printing "${text}":\n${tail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`server never printed "${text}":\n${tail()}`);
  };
  const wait = options.waitFor === undefined ? 'Listening on' : options.waitFor;
  if (wait) {
    await waitFor(wait);
    await waitFor('Herald is ready');
  }
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // gone
      }
    }
    await exited;
    started.delete(child);
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    dataDir,
    databaseUrl,
    output: () => out,
    waitFor,
    exited,
    stop,
  };
}

export async function stopAllServers() {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
  started.clear();
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
}

/** Resident memory of a process, in MiB. */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export type RawReply = { status: number; headers: http.IncomingHttpHeaders; body: string; json: UntypedJson };

/** One request over a fresh connection, from `localAddress` when given (another loopback address is another client). */
export function request(
  base: string,
  method: string,
  pathname: string,
  options: {
    headers?: Record<string, string>;
    body?: string | Buffer;
    localAddress?: string;
    timeoutMs?: number;
  } = {},
): Promise<RawReply> {
  const url = new URL(pathname, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        headers: options.headers,
        localAddress: options.localAddress,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(body);
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode!, headers: res.headers, body, json });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () =>
      req.destroy(new Error(`${method} ${pathname} timed out`)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Streams `totalBytes` to `pathname` as a chunked body (no Content-Length), as fast as the server takes
 * it, and stops sending once the answer comes. Resolves with the status, or the error that ended it.
 */
export function streamChunkedBody(
  base: string,
  pathname: string,
  totalBytes: number,
  headers: Record<string, string> = {},
  prefix?: Buffer,
) {
  const url = new URL(pathname, base);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return new Promise<{ status: number | null; sent: number; error?: string }>((resolve) => {
    let sent = 0;
    let status: number | null = null;
    let isDone = false;
    const finish = (error?: string) => {
      if (isDone) return;
      isDone = true;
      resolve({ status, sent, error });
      req.destroy();
    };
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers },
      },
      (res) => {
        status = res.statusCode!;
        res.resume();
        res.on('end', () => finish());
      },
    );
    req.on('error', (error) => finish(status === null ? error.message : undefined));
    if (prefix) {
      req.write(prefix);
      sent += prefix.length;
    }
    const write = () => {
      while (status === null && !isDone && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      if (status === null && !isDone) req.end();
    };
    write();
  });
}
