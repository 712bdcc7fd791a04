import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { closeDb } from '@/db/client';

/**
 * Gives this test file a PostgreSQL database of its own (created from TEST_DATABASE_URL now, dropped by the
 * returned function), for suites that, as CVAT's do, compare the whole lists an administrator sees and
 * count on ids starting at 1. On PGlite every file already has an in-memory database of its own.
 * Call it before anything opens the database; each test file runs in a process of its own.
 */
export async function useOwnDatabase(): Promise<() => Promise<void>> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return async () => {};
  const name = `herald_own_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const previous = process.env.DATABASE_URL;
  const url = new URL(base);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  return async () => {
    await closeDb();
    process.env.DATABASE_URL = previous;
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  };
}
