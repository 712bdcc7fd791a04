import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { acquireDirectoryLock } from './directory-lock';
import { databaseSettings as settings } from './settings';

export { acquireDirectoryLock, DataDirectoryInUseError } from './directory-lock';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction is a Db too; domain functions take either and never open their own. */
export type Tx = Db;

type Listen = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>;
type Handle = {
  db: Db;
  deliveryDb: Db;
  kind: 'pglite' | 'postgres';
  close: () => Promise<void>;
  /** NOTIFYs of other processes on one PostgreSQL; PGlite has no other process to hear from. */
  listen: Listen;
};

const MIGRATIONS = path.join(process.cwd(), 'db', 'migrations');

// Next.js may load this module more than once (instrumentation, route bundles): keep one handle per process.
const state = globalThis as unknown as { __heraldDb?: Promise<Handle> };

export function getDb(): Promise<Db> {
  state.__heraldDb ??= openDatabase().catch((error) => {
    state.__heraldDb = undefined;
    throw error;
  });
  return state.__heraldDb.then((h) => h.db);
}

/**
 * The connections webhook delivery uses: on PostgreSQL a small pool of its own, so that a burst of
 * user requests queued for connections never holds up sending, and the reverse. PGlite has one.
 */
export function getDeliveryDb(): Promise<Db> {
  return getDb().then(() => state.__heraldDb!.then((h) => h.deliveryDb));
}

/**
 * Calls `onPayload` with each NOTIFY on `channel`, on a connection of its own that comes back after the
 * server went away. Resolves, with what stops it, once the first LISTEN has taken (or failed: it is then
 * retried), so that a caller knows what is sent afterwards reaches it.
 */
export async function listenOnDatabase(
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  await getDb();
  return (await state.__heraldDb!).listen(channel, onPayload);
}

export async function getDbKind(): Promise<Handle['kind']> {
  return (await (state.__heraldDb ?? Promise.reject(new Error('database not open')))).kind;
}

export async function closeDb(): Promise<void> {
  const handle = state.__heraldDb;
  state.__heraldDb = undefined;
  if (handle) await (await handle).close();
}

async function openDatabase(): Promise<Handle> {
  const url = settings.databaseUrl;
  return url ? openPostgres(url) : openPglite(settings.dataDir);
}

async function openPostgres(connectionString: string): Promise<Handle> {
  const { Client, Pool } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  // JIT off: every statement here is short, and on a large backlog the planner's estimates crossed
  // jit_above_cost, so that one claim spent 370 ms compiling itself and 30 ms running.
  const options = '-c jit=off';
  const pool = new Pool({
    connectionString,
    options,
    max: settings.databasePoolSize,
    Client: preparing(Client),
  });
  surviveServerLoss(pool, 'client');
  const db = drizzle(pool, { schema }) as unknown as Db;
  await migrateOnce(() => migrate(db as never, { migrationsFolder: MIGRATIONS }));
  // The delivery loop's writes (leases, attempt records) commit without waiting for the WAL's flush: a
  // PostgreSQL crash may forget the last fraction of a second of them, and those series are then sent
  // again with the same webhook-id once their lease passes (at least once, as delivery.md promises). A
  // user's change and its outbox rows are written on the other pool, flushed as always.
  const deliveryPool = new Pool({
    connectionString,
    options: `${options} -c synchronous_commit=off`,
    max: settings.deliveryPoolSize,
  });
  surviveServerLoss(deliveryPool, 'delivery client');
  const deliveryDb = drizzle(deliveryPool, { schema }) as unknown as Db;
  return {
    db,
    deliveryDb,
    kind: 'postgres',
    close: async () => void (await Promise.all([pool.end(), deliveryPool.end()])),
    listen: (channel, onPayload) =>
      listenWith(() => new Client({ connectionString, options }), channel, onPayload),
  };
}

const RELISTEN_DELAY_MS = 1000;

function listenWith(
  connect: () => import('pg').Client,
  channel: string,
  onPayload: (payload: string) => void,
) {
  let client: import('pg').Client | null = null;
  let isStopped = false;
  let retry: NodeJS.Timeout | undefined;
  let settle: () => void = () => {};
  const first = new Promise<void>((resolve) => (settle = resolve));
  const start = () => {
    if (isStopped) return;
    const c = connect();
    client = c;
    const again = () => {
      if (client !== c) return;
      client = null;
      c.end().catch(() => {});
      if (!isStopped) retry = setTimeout(start, RELISTEN_DELAY_MS).unref();
    };
    c.on('error', again);
    c.on('end', again);
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
    });
    c.connect()
      .then(() => c.query(`listen "${channel.replace(/"/g, '')}"`))
      .catch(again)
      .finally(() => settle());
  };
  start();
  return first.then(() => async () => {
    isStopped = true;
    clearTimeout(retry);
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  });
}

/**
 * A connection whose server goes away (restart, failover) emits 'error'. In the pool, the pool relays it;
 * checked out, between two statements of a transaction, nobody listened and Node ended the process (a
 * PostgreSQL restart took the web process down with it). Every connection now has a listener: the error is
 * logged once, the statement in flight fails, the pool drops the connection and the next one reconnects.
 */
function surviveServerLoss(pool: import('pg').Pool, name: string) {
  pool.on('connect', (client) =>
    client.on('error', (error) => console.error(`[db] ${name} lost its connection:`, error.message)),
  );
  pool.on('error', () => {}); // the connection's own listener has logged it
}

/**
 * A client that prepares each parameterized statement once per connection, named by its text's hash
 * (as postgres.js does). Parsing and planning were a third of the database's time on the path of
 * every change; statements without parameters (transaction control, migrations) go as they are.
 * Long parameter lists (`in ($1 ... $n)`, multi-row inserts) are not kept: each length would be a
 * statement of its own for the life of the connection. DATABASE_PREPARE=0 turns it off, for a
 * transaction-mode pooler (PgBouncer) in front of PostgreSQL.
 */
const MAX_PREPARED_PARAMETERS = 32;
function preparing(Base: typeof import('pg').Client): typeof import('pg').Client {
  if (!settings.databasePrepare) return Base;
  return class PreparingClient extends Base {
    // pg's overloads are many; every form reaches here as (config or text, values, callback).
    query(config: unknown, values?: unknown, callback?: unknown): never {
      const args = [config, values, callback].filter((a) => a !== undefined);
      const isParameterized =
        Array.isArray(values) && values.length > 0 && values.length <= MAX_PREPARED_PARAMETERS;
      if (
        isParameterized &&
        config &&
        typeof config === 'object' &&
        'text' in config &&
        !(config as { name?: string }).name
      ) {
        const { text } = config as { text: string };
        args[0] = { ...config, name: `h_${createHash('sha1').update(text).digest('base64url')}` };
      }
      return (Base.prototype.query as (...a: unknown[]) => never).apply(this, args);
    }
  };
}

async function openPglite(dataDir: string): Promise<Handle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const isMemory = dataDir.startsWith('memory://');
  const releaseLock = isMemory ? () => {} : await acquireDirectoryLock(dataDir);
  try {
    // The database files get their own folder: the data directory also holds media and the auth secret.
    const client = await (isMemory
      ? PGlite.create(memoryOptions())
      : PGlite.create(path.join(/*turbopackIgnore: true*/ dataDir, 'pglite')));
    const db = drizzle(client, { schema }) as unknown as Db;
    await migrate(db as never, { migrationsFolder: MIGRATIONS });
    return {
      db,
      deliveryDb: db,
      kind: 'pglite',
      close: async () => {
        await client.close();
        releaseLock();
      },
      listen: async () => async () => {},
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * An in-memory database starts from HERALD_PGLITE_SNAPSHOT when set (a dumped, migrated data directory the
 * test setup makes once per run): loading it takes a fraction of a fresh initdb, which each test file pays.
 */
function memoryOptions() {
  const snapshot = settings.pgliteSnapshot;
  return snapshot && fs.existsSync(snapshot)
    ? { loadDataDir: new Blob([fs.readFileSync(snapshot)]) }
    : undefined;
}

/** Several processes starting at once against one PostgreSQL must not race on the migration table. */
async function migrateOnce(run: () => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      // 23505/42P07: another process created the same table or row first; its migration is ours.
      if (attempt >= 5 || (code !== '23505' && code !== '42P07')) throw error;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
