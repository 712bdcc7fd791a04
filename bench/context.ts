// What every figure of `npm run bench` shares: the database, a user and an organization, receivers in
// their own process, and small measuring helpers. The bench reads the delivery tables directly to
// measure them; Herald's own code goes through lib/webhooks/queue/.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const log = (...args: unknown[]) => console.error('[bench]', ...args);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runPool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Peak resident memory of this process while a figure runs, in MB. */
export function sampleRss() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  return {
    stop: () => (clearInterval(timer), Math.round(Math.max(peak, process.memoryUsage.rss()) / 1048576)),
  };
}

/**
 * CPU seconds used so far by the PostgreSQL backends serving the bench's database, and by PostgreSQL's
 * own processes (WAL writer, checkpointer...), on this machine (Linux /proc; null elsewhere).
 */
function postgresCpuSeconds(): Map<number, number> | null {
  if (!fs.existsSync('/proc/self/stat')) return null;
  const database = new URL(process.env.DATABASE_URL!).pathname.slice(1);
  const ticks = new Map<number, number>();
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      // Backends name their database in their title; another database's clients are not the bench's.
      const title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const isBackend = /\(\d+\)|\[local\]/.test(title);
      if (isBackend && !title.includes(` ${database} `)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(Number(pid), (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks;
}

/**
 * CPU spent per delivery while a figure runs: this process's (the deliverer's) and PostgreSQL's, in µs.
 * On a machine whose cores are all busy, a drain rate is bounded by this sum, so it tells two designs
 * apart even when other work disturbs the rates.
 */
export function meterCpu() {
  const node = process.cpuUsage();
  const pgBefore = postgresCpuSeconds();
  return {
    stop(deliveries: number) {
      const used = process.cpuUsage(node);
      const pgAfter = postgresCpuSeconds();
      let pgSeconds: number | null = null;
      if (pgBefore && pgAfter) {
        pgSeconds = 0;
        for (const [pid, seconds] of pgAfter) pgSeconds += seconds - (pgBefore.get(pid) ?? 0);
      }
      return {
        node_cpu_us_per_delivery: round((used.user + used.system) / deliveries),
        postgres_cpu_us_per_delivery: pgSeconds === null ? null : round((pgSeconds * 1e6) / deliveries),
      };
    },
  };
}

export type Receiver = {
  port: number;
  url: string;
  child: ChildProcess;
  ask: <T>(message: string) => Promise<T>;
  close: () => void;
};

/** bench/receiver.mjs in its own process, as a real receiver would be. */
export async function startReceiver(env: Record<string, string>): Promise<Receiver> {
  const child = fork(path.join(import.meta.dirname, 'receiver.mjs'), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  const ask = <T>(message: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(message);
    });
  return { port, url: `http://127.0.0.1:${port}/hook`, child, ask, close: () => child.kill('SIGKILL') };
}

export async function waitForCount(receiver: Receiver, target: number, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await receiver.ask<{ count: number }>('count');
    if (count >= target) return;
    if (Date.now() > deadline) throw new Error(`receiver got ${count} of ${target}`);
    await sleep(20);
  }
}

/** The database and Herald's domain, opened once for every figure. */
export async function openBench() {
  const { getDb, closeDb } = await import('@/db/client');
  const { transaction } = await import('@/db/transaction');
  const { registerUser } = await import('@/lib/users/register-user');
  const { createProject } = await import('@/lib/projects/projects');
  const { createOrganization } = await import('@/lib/organizations/organizations');
  const { createWebhook } = await import('@/lib/webhooks/webhooks');
  const { sql } = await import('drizzle-orm');
  const { idArray, queryRows } = await import('@/db/raw');
  const db = await getDb();

  const user = await transaction(db, (tx) =>
    registerUser(tx, { username: 'bench', email: 'bench@example.test', passwordHash: 'x' }),
  );
  const actor = { user, baseUrl: 'http://herald.bench', org: { kind: 'personal' as const } };
  const org = await transaction(db, (tx) => createOrganization(tx, actor, { slug: 'bench' }));
  const orgActor = {
    ...actor,
    org: { kind: 'org' as const, id: org.id, slug: org.slug, role: 'owner' as const },
  };

  const count = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db, query))[0].n;
  return {
    db,
    sql,
    queryRows,
    closeDb,
    transaction,
    actor,
    orgActor,
    newProject: (name: string) =>
      transaction(db, (tx) =>
        createProject(tx, actor, { name, labels: [{ name: 'car' }, { name: 'person' }] }),
      ),
    /** Projects of the organization: events from concurrent writers touch different rows. */
    async orgProjects(prefix: string, n: number) {
      const out = [];
      for (let i = 0; i < n; i++)
        out.push(await transaction(db, (tx) => createProject(tx, orgActor, { name: `${prefix}-${i}` })));
      return out;
    },
    async addOrgWebhooks(target: string, n: number, events: string[]) {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(
          (
            await transaction(db, (tx) =>
              createWebhook(tx, orgActor, {
                target_url: target,
                type: 'organization',
                events,
                secret: `bench-secret-${i}`,
              }),
            )
          ).id,
        );
      }
      return ids;
    },
    async addWebhooks(projectId: number, target: string, n: number, events: string[]) {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(
          (
            await transaction(db, (tx) =>
              createWebhook(tx, actor, {
                target_url: target,
                type: 'project',
                project_id: projectId,
                events,
                secret: `bench-secret-${i}`,
              }),
            )
          ).id,
        );
      }
      return ids;
    },
    removeWebhooks: async (ids: number[]) => {
      await db.execute(sql`delete from webhook_attempts where webhook_id = any(${idArray(ids)})`);
      await db.execute(sql`delete from webhook_deliveries where webhook_id = any(${idArray(ids)})`);
      await db.execute(sql`delete from webhooks where id = any(${idArray(ids)})`);
    },
    /**
     * Each figure starts from empty delivery tables: the rows a figure leaves are removed and vacuumed,
     * so that the next one does not measure an autovacuum of the last one's rows.
     */
    async emptyQueue() {
      await db.execute(sql`truncate webhook_attempts, webhook_deliveries, webhook_messages`);
      await db.execute(sql`vacuum analyze webhook_attempts`);
      await db.execute(sql`vacuum analyze webhook_deliveries`);
      await db.execute(sql`vacuum analyze webhook_messages`);
    },
    /** The body a series of the latest message sends to this webhook. */
    async sampleBody(webhookId: number) {
      const { buildBody, unpackPayload } = await import('@/lib/webhooks/payloads');
      const [{ payload }] = await queryRows<{ payload: Uint8Array }>(
        db,
        sql`select payload from webhook_messages order by id desc limit 1`,
      );
      return buildBody(unpackPayload(payload), webhookId);
    },
    pending: () => count(sql`select count(*)::int as n from webhook_deliveries where state = 'pending'`),
    attemptsOf: (ids: number[]) =>
      count(sql`select count(*)::int as n from webhook_attempts where webhook_id = any(${idArray(ids)})`),
    /**
     * A backlog: `messages` copies of a real event, each queued to every one of `webhookIds`, due now
     * (the state a receiver outage leaves behind). Written in bulk.
     */
    async seedBacklog(webhookIds: number[], messages: number, due = 'now()') {
      const [{ id: template }] = await queryRows<{ id: number }>(
        db,
        sql`select max(id)::int as id from webhook_messages where event = 'update:project'`,
      );
      await db.execute(sql`
        insert into webhook_messages (event, resource_type, resource_id, payload, created_date)
        select 'update:project', 'project', '1', t.payload, now() from generate_series(1, ${messages}) cross join (select payload from webhook_messages where id = ${template}) t`);
      await db.execute(sql`
        insert into webhook_deliveries (message_id, webhook_id, next_attempt_date)
        select m.id, w.id, ${sql.raw(due)} from (select id from webhook_messages where id > ${template} order by id desc limit ${messages}) m
        cross join unnest(${idArray(webhookIds)}) as w(id)
        order by m.id, w.id`);
      await db.execute(sql`analyze webhook_deliveries`);
    },
  };
}

export type Bench = Awaited<ReturnType<typeof openBench>>;
