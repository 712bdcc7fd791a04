// `npm run bench`: Herald's delivery path measured beside raw baselines taken in the same run.
// Prints one JSON document (one object per figure). See bench/README.md for the latest results.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { plotThroughput } from './plot';

const baseUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `herald_bench_${randomBytes(3).toString('hex')}`;
const benchUrl = new URL(baseUrl);
benchUrl.pathname = `/${dbName}`;
Object.assign(process.env, {
  DATABASE_URL: benchUrl.toString(),
  WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
  AUTH_SECRET: 'bench-secret-bench-secret-bench-secret',
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE || '20',
});
const quick = process.env.BENCH_QUICK === '1';
// BENCH_ONLY=throughput,latency runs some figures only.
const only = process.env.BENCH_ONLY?.split(',');
const runs = (figure: string) => !only || only.includes(figure);
const log = (...args: unknown[]) => console.error('[bench]', ...args);

// ---------------------------------------------------------------- helpers
type Receiver = { port: number; url: string; child: ChildProcess; ask: <T>(message: string) => Promise<T>; close: () => void };

async function startReceiver(env: Record<string, string>): Promise<Receiver> {
  const child = fork(path.join(import.meta.dirname, 'receiver.mjs'), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const ask = <T,>(message: string) => new Promise<T>((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message);
  });
  return { port, url: `http://127.0.0.1:${port}/hook`, child, ask, close: () => child.kill('SIGKILL') };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runPool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function waitForCount(receiver: Receiver, target: number, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await receiver.ask<{ count: number }>('count');
    if (count >= target) return;
    if (Date.now() > deadline) throw new Error(`receiver got ${count} of ${target}`);
    await sleep(20);
  }
}

function sampleRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(timer), Math.round(Math.max(peak, process.memoryUsage().rss) / 1048576)) };
}

// ---------------------------------------------------------------- main
async function main() {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  log('database', dbName);

  const { getDb, closeDb } = await import('@/db/client');
  const { transaction } = await import('@/db/transaction');
  const { registerUser } = await import('@/lib/users/register-user');
  const { createProject, updateProject } = await import('@/lib/projects/projects');
  const { createTask } = await import('@/lib/tasks/tasks');
  const { attachTaskData } = await import('@/lib/tasks/attach-data');
  const { createWebhook } = await import('@/lib/webhooks/webhooks');
  const { startDispatcher, stopDispatcher } = await import('@/lib/webhooks/dispatcher');
  const { createApiToken } = await import('@/lib/auth/credentials');
  const { sql } = await import('drizzle-orm');
  const { idArray, queryRows } = await import('@/db/raw');
  const db = await getDb();

  const user = await transaction(db, (tx) => registerUser(tx, { username: 'bench', email: 'bench@example.test', passwordHash: 'x' }));
  const actor = { user, baseUrl: 'http://herald.bench', org: { kind: 'personal' as const } };
  const newProject = (name: string) => transaction(db, (tx) => createProject(tx, actor, { name, labels: [{ name: 'car' }, { name: 'person' }] }));
  // Organization webhooks over many projects: events from concurrent users touch different rows.
  const { createOrganization } = await import('@/lib/organizations/organizations');
  const org = await transaction(db, (tx) => createOrganization(tx, actor, { slug: 'bench' }));
  const orgActor = { ...actor, org: { kind: 'org' as const, id: org.id, slug: org.slug, role: 'owner' as const } };
  const orgProjects = async (prefix: string, n: number) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await transaction(db, (tx) => createProject(tx, orgActor, { name: `${prefix}-${i}` })));
    return out;
  };
  const addOrgWebhooks = async (target: string, n: number, events: string[]) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      ids.push((await transaction(db, (tx) => createWebhook(tx, orgActor, { target_url: target, type: 'organization', events, secret: `bench-secret-${i}` }))).id);
    }
    return ids;
  };
  const removeWebhooks = (ids: number[]) => db.execute(sql`delete from webhooks where id = any(${idArray(ids)})`);
  const addWebhooks = async (projectId: number, target: string, n: number, events: string[]) => {
    for (let i = 0; i < n; i++) {
      await transaction(db, (tx) => createWebhook(tx, actor, { target_url: target, type: 'project', project_id: projectId, events, secret: `bench-secret-${i}` }));
    }
  };
  // Each figure starts from an empty queue table: the rows a figure leaves are removed and vacuumed,
  // so that the next one does not measure an autovacuum of the last one's rows.
  const emptyQueue = async () => {
    await db.execute(sql`delete from webhook_deliveries`);
    await db.execute(sql`vacuum analyze webhook_deliveries`);
  };
  const drained = async () => {
    const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from webhook_deliveries where state = 'pending'`);
    return n === 0;
  };
  const results: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    date: new Date().toISOString(),
  };

  // 1. Throughput: events through the domain functions, fanned out to 10 webhooks, beside a bare undici
  // Pool at the same concurrency (the per-endpoint in-flight cap times the fan-out).
  const fanout = 10;
  const measureThroughput = async (perEndpoint: number, events: number) => {
    process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT = String(perEndpoint);
    const concurrency = perEndpoint * fanout;
    const receiver = await startReceiver({});
    const projects = await orgProjects(`throughput-${perEndpoint}`, 16);
    const hookIds = await addOrgWebhooks(receiver.url, fanout, ['update:project']);
    await startDispatcher();
    const started = performance.now();
    await runPool([...Array(events).keys()], 8, (i) =>
      transaction(db, (tx) => updateProject(tx, orgActor, projects[i % projects.length].id, { name: `tp-${i}` })).then(() => undefined),
    );
    const producedMs = performance.now() - started;
    await waitForCount(receiver, events * fanout);
    while (!(await drained())) await sleep(10);
    const seconds = (performance.now() - started) / 1000;
    await stopDispatcher();

    // The baseline: the same receiver, the same body, a bare undici Pool at the same concurrency.
    const [sample] = await queryRows<{ payload: string }>(db, sql`select payload from webhook_deliveries limit 1`);
    await receiver.ask('reset');
    const pool = new Pool(`http://127.0.0.1:${receiver.port}`, { connections: concurrency });
    const total = events * fanout;
    const baseStarted = performance.now();
    await runPool([...Array(total).keys()], concurrency, async () => {
      const response = await pool.request({ path: '/hook', method: 'POST', body: sample.payload, headers: { 'content-type': 'application/json' } });
      await response.body.text();
    });
    const baseSeconds = (performance.now() - baseStarted) / 1000;
    await pool.close();
    receiver.close();
    await removeWebhooks(hookIds);
    await emptyQueue();
    delete process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT;
    return {
      deliveries: total,
      fanout,
      concurrency,
      deliveries_per_s: round(total / seconds),
      baseline_per_s: round(total / baseSeconds),
      ratio: round(total / seconds / (total / baseSeconds), 2),
      events_per_s_produced: round(events / (producedMs / 1000)),
    };
  };
  if (runs('throughput')) {
    // A short run first, not counted: the JIT, the prepared statements and PostgreSQL's caches warm up.
    await measureThroughput(16, quick ? 50 : 300);
    results.throughput = await measureThroughput(16, quick ? 300 : 2000);
    log('throughput', results.throughput);
  }
  // The same at other concurrencies, for the plot in bench/README.md (bench/throughput.svg).
  if (runs('concurrency')) {
    const points = [];
    for (const perEndpoint of [1, 2, 4, 8, 16, 32, 64]) {
      const { concurrency, deliveries_per_s, baseline_per_s } = await measureThroughput(perEndpoint, quick ? 200 : 800);
      points.push({ concurrency, deliveries_per_s, baseline_per_s });
      log('concurrency', points.at(-1));
    }
    results.throughput_by_concurrency = points;
    fs.writeFileSync(path.join(import.meta.dirname, 'throughput.svg'), plotThroughput(points));
  }

  // 2. What a user waits for: PATCH /api/jobs/{id} through the route, with 10 webhooks whose receiver never answers.
  if (runs('user_wait')) {
    const hanging = await startReceiver({ DELAY_MS: 'hang' });
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');
    const { stageTaskImages } = await import('@/lib/tasks/attach-data');
    const jobFor = async (name: string) => {
      const project = await newProject(name);
      const task = await transaction(db, (tx) => createTask(tx, actor, { name, project_id: project.id }));
      const staged = await stageTaskImages(task.id, [{ field: 'client_files[0]', name: 'a.png', bytes: png }]);
      const withData = await transaction(db, (tx) => attachTaskData(tx, actor, task.id, staged, 70));
      return { project, jobId: withData.segments[0].jobs[0].id as number };
    };
    const hooked = await jobFor('user-wait-hooked');
    await addWebhooks(hooked.project.id, hanging.url, 10, ['update:job']);
    const plain = await jobFor('user-wait-plain');
    await startDispatcher();
    const key = await transaction(db, (tx) => createApiToken(tx, user.id));
    const { PATCH } = await import('@/app/api/jobs/[id]/route');
    const patch = async (jobId: number, state: string) => {
      const started = performance.now();
      const response = await PATCH(
        new Request(`http://herald.bench/api/jobs/${jobId}`, {
          method: 'PATCH',
          headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ state }),
        }),
        { params: Promise.resolve({ id: String(jobId) }) },
      );
      await response.text();
      if (response.status !== 200) throw new Error(`PATCH answered ${response.status}`);
      return performance.now() - started;
    };
    const rounds = quick ? 60 : 300;
    const withHooks: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const state = i % 2 ? 'in progress' : 'new';
      without.push(await patch(plain.jobId, state));
      withHooks.push(await patch(hooked.jobId, state));
    }
    const skip = Math.floor(rounds / 10); // warm-up
    results.user_wait = {
      p50_ms: round(percentile(withHooks.slice(skip), 50), 2),
      baseline_p50_ms: round(percentile(without.slice(skip), 50), 2),
      p99_ms: round(percentile(withHooks.slice(skip), 99), 2),
      baseline_p99_ms: round(percentile(without.slice(skip), 99), 2),
      webhooks: 10,
      receiver: 'never answers',
    };
    await stopDispatcher();
    hanging.close();
    // Those deliveries are retried for days: clear them so later figures start from an empty queue.
    await emptyQueue();
    log('user_wait', results.user_wait);
  }

  // 3. Commit-to-first-attempt latency at a fixed event rate.
  if (runs('latency')) {
    const rate = 500;
    const seconds = quick ? 2 : 6;
    const receiver = await startReceiver({ RECORD_ARRIVALS: '1' });
    const projects = await orgProjects('latency', 16);
    const hookIds = await addOrgWebhooks(receiver.url, 1, ['update:project']);
    await startDispatcher();
    const committedAt = new Map<number, number>();
    const total = rate * seconds;
    const started = performance.now();
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      inFlight.push(
        transaction(db, (tx) => updateProject(tx, orgActor, projects[i % projects.length].id, { name: `lat-${i}` })).then(() =>
          committedAt.set(i, performance.timeOrigin + performance.now()),
        ),
      );
    }
    await Promise.all(inFlight);
    await waitForCount(receiver, total);
    const { arrivals } = await receiver.ask<{ arrivals: [number, number][] }>('arrivals');
    const latencies = arrivals.map(([i, at]) => at - committedAt.get(i)!).filter((v) => Number.isFinite(v));
    results.latency = { events_per_s: rate, events: total, p50_ms: round(percentile(latencies, 50), 2), p99_ms: round(percentile(latencies, 99), 2) };
    await stopDispatcher();
    receiver.close();
    await removeWebhooks(hookIds);
    log('latency', results.latency);
  }

  // 4. A receiver that answers after 200 ms: deliveries/s from one process, and its memory.
  if (runs('slow_receiver')) {
    const receiver = await startReceiver({ DELAY_MS: '200' });
    const project = await newProject('slow');
    const webhooks = 100;
    await addWebhooks(project.id, receiver.url, webhooks, ['update:project']);
    // 40,000 deliveries, about 10 s at the target: the ramp-up and the last answers weigh little.
    const events = quick ? 40 : 400;
    for (let i = 0; i < events; i++) await transaction(db, (tx) => updateProject(tx, actor, project.id, { name: `slow-${i}` }));
    const rss = sampleRss();
    const started = performance.now();
    await startDispatcher();
    await waitForCount(receiver, events * webhooks);
    while (!(await drained())) await sleep(10);
    const seconds = (performance.now() - started) / 1000;
    await stopDispatcher();
    receiver.close();
    results.slow_receiver = {
      receiver_delay_ms: 200,
      webhooks,
      deliveries: events * webhooks,
      max_in_flight: Number(process.env.WEBHOOK_MAX_IN_FLIGHT || 1000),
      deliveries_per_s: round((events * webhooks) / seconds),
      rss_mb: rss.stop(),
    };
    log('slow_receiver', results.slow_receiver);
  }

  // 5. A backlog of pending deliveries drained by one process, with its peak memory.
  if (runs('backlog')) {
    const pending = quick ? 20_000 : 200_000;
    const receiver = await startReceiver({});
    const project = await newProject('backlog');
    await addWebhooks(project.id, receiver.url, 20, ['update:project']);
    await transaction(db, (tx) => updateProject(tx, actor, project.id, { name: 'backlog-template' }));
    // Copies of a real delivery, written in bulk: the state a long receiver outage leaves behind.
    await db.execute(sql`
      insert into webhook_deliveries (webhook_id, message_id, event, payload, next_attempt_date)
      select w.id, 'msg_backlog_' || g || '_' || w.id, 'update:project', t.payload, now()
      from generate_series(1, ${pending / 20}) g
      cross join (select id from webhooks where project_id = ${project.id}) w
      cross join (select payload from webhook_deliveries d join webhooks w2 on w2.id = d.webhook_id where w2.project_id = ${project.id} limit 1) t`);
    await db.execute(sql`delete from webhook_deliveries where message_id not like 'msg_backlog_%'`);
    await db.execute(sql`analyze webhook_deliveries`);
    const rss = sampleRss();
    const started = performance.now();
    await startDispatcher();
    await waitForCount(receiver, pending, 1_200_000);
    while (!(await drained())) await sleep(20);
    const seconds = (performance.now() - started) / 1000;
    await stopDispatcher();
    receiver.close();
    results.backlog = { pending, seconds: round(seconds), deliveries_per_s: round(pending / seconds), peak_rss_mb: rss.stop() };
    log('backlog', results.backlog);
  }

  // 6. Two worker processes and this (web) process share the database: each attempt is made once.
  if (runs('exactly_once')) {
    const receiver = await startReceiver({ RECORD_IDS: '1' });
    const projects = await orgProjects('once', 16);
    const hookIds = await addOrgWebhooks(receiver.url, 10, ['update:project']);
    const workers = [0, 1].map(() =>
      spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    log('waiting for the workers');
    await Promise.all(workers.map((w) => new Promise((resolve) => w.stdout!.on('data', (d) => String(d).includes('delivering') && resolve(null)))));
    log('workers ready');
    await startDispatcher();
    const events = quick ? 300 : 2000;
    await runPool([...Array(events).keys()], 8, (i) =>
      transaction(db, (tx) => updateProject(tx, orgActor, projects[i % projects.length].id, { name: `once-event-${i}` })).then(() => undefined),
    );
    await waitForCount(receiver, events * 10);
    while (!(await drained())) await sleep(20);
    await sleep(500);
    const { arrivals } = await receiver.ask<{ arrivals: string[] }>('arrivals');
    const seen = new Map<string, number>();
    for (const id of arrivals) seen.set(id, (seen.get(id) ?? 0) + 1);
    const [{ attempts }] = await queryRows<{ attempts: number }>(
      db,
      sql`select count(*)::int as attempts from webhook_deliveries where webhook_id = any(${idArray(hookIds)}) and state <> 'pending'`,
    );
    results.exactly_once = {
      processes: 3,
      events,
      attempts,
      arrivals: arrivals.length,
      duplicates: [...seen.values()].filter((n) => n > 1).length,
    };
    workers.forEach((w) => w.kill('SIGTERM'));
    await stopDispatcher();
    receiver.close();
    log('exactly_once', results.exactly_once);
  }

  await closeDb();
  const cleanup = new pg.Client({ connectionString: baseUrl });
  await cleanup.connect();
  await cleanup.query(`drop database if exists ${dbName} with (force)`);
  await cleanup.end();
  console.log(JSON.stringify(results, null, 2));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
