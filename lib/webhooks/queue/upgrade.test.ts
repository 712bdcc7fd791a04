import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { queryRows } from '@/db/raw';
import { representAttempt, representSeries } from '../deliveries';
import { listAttempts, listSeries } from '.';

/**
 * Upgrading a database that holds the old one-table log (migrations 0000-0002) to the three tables:
 * every attempt keeps its id and what it showed, every series its webhook-id, a pending one its due date.
 * Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set (a database of its own).
 */
const MIGRATIONS = path.join(process.cwd(), 'db', 'migrations');
const all = { limit: null, offset: 0, page: 1, pageSize: 'all' as const };

/** The migrations folder as it was before the delivery core v2: the journal cut after `lastTag`. */
function migrationsUpTo(lastTag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-migrations-'));
  fs.cpSync(MIGRATIONS, dir, { recursive: true });
  const journalPath = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8'));
  const cut = journal.entries.findIndex((e: { tag: string }) => e.tag === lastTag);
  journal.entries = journal.entries.slice(0, cut + 1);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

type Opened = { db: Db; migrate: (folder: string) => Promise<void>; close: () => Promise<void> };

async function openFresh(): Promise<Opened> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = await PGlite.create();
    const db = drizzle(client) as unknown as Db;
    return {
      db,
      migrate: (folder) => migrate(db as never, { migrationsFolder: folder }),
      close: () => client.close(),
    };
  }
  const pg = (await import('pg')).default;
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const name = `herald_upgrade_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: target.toString(), max: 2 });
  // `drop database ... with (force)` may still find a client the pool is ending, and terminate it: its
  // FATAL reaches the pool as an 'error' event, which unheard is an unhandled error that fails the run.
  pool.on('error', () => {});
  const db = drizzle(pool) as unknown as Db;
  return {
    db,
    migrate: (folder) => migrate(db as never, { migrationsFolder: folder }),
    close: async () => {
      await pool.end();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

const SECRET = 'upgrade-secret';
const msgId = (n: number) => `msg_${Buffer.alloc(16, n).toString('base64url')}`;

/** The headers the old dispatcher stored for an attempt, signed as it signed them. */
function oldHeaders(body: string, id: string, timestamp: number) {
  return {
    'content-type': 'application/json',
    'user-agent': 'Herald-Webhooks/0.1.0',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'x-herald-event': 'update:project',
    'x-herald-webhook-id': '1',
    'x-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    'webhook-signature': `v1,${createHmac('sha256', SECRET).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
  };
}

let handle: Opened;
const t0 = Math.floor(Date.now() / 1000) - 3600;
const body = (name: string) =>
  `{"event":"update:project","project":{"id":1,"name":"${name}"},"before_update":{},"changes":{},"webhook_id":1,"sender":null}`;

beforeAll(async () => {
  handle = await openFresh();
  await handle.migrate(migrationsUpTo('0002_delivery_defaults'));
  const { db } = handle;
  await db.execute(
    sql`insert into users (id, username, email, password_hash) values (1, 'old', 'old@example.test', 'x')`,
  );
  await db.execute(sql`insert into projects (id, name, owner_id) values (1, 'p', 1)`);
  await db.execute(sql`insert into webhooks (id, target_url, type, secret, events, owner_id, project_id, consecutive_failures, failing_since, backoff_until)
    values (1, 'http://127.0.0.1:9/a', 'project', ${SECRET}, '{update:project}', 1, 1, 2, now() - interval '1 hour', null),
           (2, 'http://127.0.0.1:9/b', 'project', null, '{update:project}', 1, 1, 0, null, null)`);
  const at = (s: number) => new Date((t0 + s) * 1000).toISOString();
  const row = (r: Record<string, unknown>): Record<string, unknown> => ({
    trigger: 'event',
    redelivery: false,
    changed_fields: 'name',
    lease_until: null,
    response_headers: null,
    request_duration: 12,
    ...r,
  });
  const rows = [
    // A: failed once, then delivered.
    row({
      id: 10,
      webhook_id: 1,
      message_id: msgId(1),
      attempt: 1,
      state: 'failed',
      payload: body('a'),
      status_code: 500,
      response: 'boom',
      request_headers: oldHeaders(body('a'), msgId(1), t0),
      response_headers: { 'content-type': 'text/plain' },
      created_date: at(0),
      updated_date: at(0),
      next_attempt_date: at(5),
    }),
    row({
      id: 11,
      webhook_id: 1,
      message_id: msgId(1),
      attempt: 2,
      state: 'delivered',
      payload: body('a'),
      status_code: 200,
      response: 'ok',
      request_headers: oldHeaders(body('a'), msgId(1), t0 + 5),
      created_date: at(0),
      updated_date: at(5),
      next_attempt_date: at(5),
    }),
    // B: failed once, its retry pending (and leased by a process that is gone).
    row({
      id: 12,
      webhook_id: 1,
      message_id: msgId(2),
      attempt: 1,
      state: 'failed',
      payload: body('b'),
      status_code: 503,
      response: 'later',
      request_headers: oldHeaders(body('b'), msgId(2), t0 + 10),
      created_date: at(10),
      updated_date: at(10),
      next_attempt_date: at(7200),
    }),
    row({
      id: 13,
      webhook_id: 1,
      message_id: msgId(2),
      attempt: 2,
      state: 'pending',
      payload: body('b'),
      status_code: null,
      response: null,
      request_headers: null,
      created_date: at(10),
      updated_date: at(10),
      next_attempt_date: at(7200),
      lease_until: at(20),
    }),
    // A's redelivery: the same webhook-id, a series of its own.
    row({
      id: 14,
      webhook_id: 1,
      message_id: msgId(1),
      attempt: 1,
      state: 'delivered',
      trigger: 'redelivery',
      redelivery: true,
      payload: body('a'),
      status_code: 200,
      response: 'ok again',
      request_headers: oldHeaders(body('a'), msgId(1), t0 + 30),
      created_date: at(30),
      updated_date: at(30),
    }),
    // A refused attempt and a cancelled one, on the other webhook.
    row({
      id: 15,
      webhook_id: 2,
      message_id: msgId(3),
      attempt: 1,
      state: 'refused',
      payload: body('c'),
      status_code: null,
      response: 'refused: 127.0.0.9',
      request_headers: null,
      created_date: at(40),
      updated_date: at(40),
      request_duration: 0,
    }),
    row({
      id: 16,
      webhook_id: 2,
      message_id: msgId(4),
      attempt: 1,
      state: 'cancelled',
      payload: body('d'),
      status_code: null,
      response: 'Not sent',
      request_headers: null,
      created_date: at(50),
      updated_date: at(50),
      request_duration: null,
    }),
  ];
  for (const r of rows) {
    await db.execute(sql`insert into webhook_deliveries (id, webhook_id, message_id, event, trigger, redelivery, attempt, state, payload, changed_fields,
        next_attempt_date, lease_until, status_code, request_duration, request_headers, response_headers, response, created_date, updated_date)
      values (${r.id}, ${r.webhook_id}, ${r.message_id}, 'update:project', ${r.trigger}, ${r.redelivery}, ${r.attempt}, ${r.state}, ${r.payload}, ${r.changed_fields},
        ${r.next_attempt_date ?? null}::timestamptz, ${r.lease_until}::timestamptz, ${r.status_code}::int, ${r.request_duration}::int,
        ${r.request_headers ? JSON.stringify(r.request_headers) : null}::jsonb, ${r.response_headers ? JSON.stringify(r.response_headers) : null}::jsonb,
        ${r.response}, ${r.created_date}::timestamptz, ${r.updated_date}::timestamptz)`);
  }
  await handle.migrate(MIGRATIONS);
}, 120_000);

afterAll(async () => {
  await handle?.close();
});

describe('upgrading a database that holds deliveries', () => {
  it('keeps every attempt, with its id, outcome, request headers as sent and response', async () => {
    const { rows } = await listAttempts(handle.db, 1, {}, all);
    const shown = rows.map(representAttempt);
    expect(shown.map((a) => [a.id, a.attempt, a.status_code, a.trigger, a.redelivery])).toEqual([
      [14, 1, 200, 'redelivery', true],
      [12, 1, 503, 'event', false],
      [11, 2, 200, 'event', false],
      [10, 1, 500, 'event', false],
    ]);
    const first = shown.find((a) => a.id === 10)!;
    expect(first.request_headers).toEqual(oldHeaders(body('a'), msgId(1), t0));
    expect(first.response_headers).toEqual({ 'content-type': 'text/plain' });
    expect(first).toMatchObject({
      delivery_id: msgId(1),
      response: 'boom',
      state: 'delivered',
      request: JSON.parse(body('a')),
      changed_fields: 'name',
    });
    expect(shown.find((a) => a.id === 11)!.request_headers['webhook-timestamp']).toBe(String(t0 + 5));
    expect(shown.find((a) => a.id === 14)!.delivery_id).toBe(msgId(1));
    const other = (await listAttempts(handle.db, 2, {}, all)).rows.map(representAttempt);
    // The refused attempt is kept; the cancelled row was no attempt.
    expect(other.map((a) => [a.id, a.status_code, a.state])).toEqual([[15, null, 'failed']]);
    expect((await listAttempts(handle.db, 2, { status: { class: 'network' } }, all)).count).toBe(1);
  });

  it('keeps every series: the pending one still due when it was, its lease released', async () => {
    const series = (await listSeries(handle.db, 1, {}, all)).rows.map(representSeries);
    expect(series.map((s) => [s.delivery_id, s.trigger, s.state, s.attempts, s.last_status_code])).toEqual([
      [msgId(1), 'redelivery', 'delivered', 1, 200],
      [msgId(2), 'event', 'pending', 1, 503],
      [msgId(1), 'event', 'delivered', 2, 200],
    ]);
    expect(series[1].next_attempt_date).toBe(new Date((t0 + 7200) * 1000).toISOString());
    expect(series.every((s) => (s.request as { event: string }).event === 'update:project')).toBe(true);
    const [lease] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from webhook_deliveries where lease_until is not null`,
    );
    expect(lease.n).toBe(0);
    const cancelled = (await listSeries(handle.db, 2, {}, all)).rows.map(representSeries);
    expect(cancelled.map((s) => [s.delivery_id, s.state, s.attempts])).toEqual([
      [msgId(4), 'cancelled', 0],
      [msgId(3), 'failed', 1],
    ]);
  });

  it('moves endpoint health to its own table and keeps writing after the upgrade', async () => {
    const health = await queryRows<{
      webhook_id: number;
      consecutive_failures: number;
      last_status_code: number | null;
    }>(
      handle.db,
      sql`select webhook_id, consecutive_failures, last_status_code from webhook_health order by webhook_id`,
    );
    expect(health).toEqual([
      { webhook_id: 1, consecutive_failures: 2, last_status_code: 200 },
      { webhook_id: 2, consecutive_failures: 0, last_status_code: null },
    ]);
    // New rows take ids after the carried ones.
    const [fresh] = await queryRows<{ id: number }>(
      handle.db,
      sql`insert into webhook_attempts (delivery_id, webhook_id, attempt, sent_date) values (1, 1, 1, now()) returning id::int`,
    );
    expect(fresh.id).toBeGreaterThan(16);
    const [old] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from pg_class where relname = 'webhook_deliveries_v1'`,
    );
    expect(old.n).toBe(0);
  });
});
