import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Every suite runs on in-memory PGlite; with TEST_DATABASE_URL set, on a fresh PostgreSQL database
 * created for this run (and dropped after it) instead.
 */
export default async function setup() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    process.env.HERALD_DATA_DIR = 'memory://';
    delete process.env.DATABASE_URL;
    return;
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
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  };
}
