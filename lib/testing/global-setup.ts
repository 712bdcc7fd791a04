import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * Every suite runs on in-memory PGlite; with TEST_DATABASE_URL set, on a fresh PostgreSQL database
 * created for this run (and dropped after it) instead.
 */
export default async function setup() {
  // Uploaded images of this run go under their own directory (each test file takes a subdirectory of it,
  // see test-api.ts), removed at the end; runs started at the same time in one checkout do not meet.
  const runId = `run-${randomBytes(4).toString('hex')}`;
  process.env.HERALD_TEST_RUN_ID = runId;
  const removeMedia = () =>
    fs.rmSync(path.resolve('data', 'test-media', runId), { recursive: true, force: true });
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    process.env.HERALD_DATA_DIR = 'memory://';
    delete process.env.DATABASE_URL;
    const snapshot = await makePgliteSnapshot(runId);
    process.env.HERALD_PGLITE_SNAPSHOT = snapshot;
    return () => {
      removeMedia();
      fs.rmSync(snapshot, { force: true });
    };
  }
  const name = `herald_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  process.env.DATABASE_URL = target.toString();
  return async () => {
    removeMedia();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  };
}

/**
 * Every test file opens its own in-memory PGlite; a fresh one runs initdb (seconds on this machine).
 * Migrate one here and dump it: each file loads the dump instead (see db/client.ts), and still runs the
 * migrations, which find nothing left to do.
 */
async function makePgliteSnapshot(runId: string): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const client = await PGlite.create();
  await migrate(drizzle(client), { migrationsFolder: path.resolve('db', 'migrations') });
  const dump = await client.dumpDataDir('none');
  await client.close();
  const file = path.join(os.tmpdir(), `herald-${runId}.pglite.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  return file;
}
