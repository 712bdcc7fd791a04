import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, type Db } from '@/db/client';
import { queryRows } from '@/db/raw';
import { createUser, api } from '@/lib/testing/test-api';
import {
  dropExpiredAttempts,
  ensureAttemptPartitions,
  listAttemptPartitions,
  PARTITION_DAYS_AHEAD,
} from './retention';

const DAY = 24 * 3600 * 1000;
const utcDay = (offsetDays: number) => new Date(Math.floor(Date.now() / DAY) * DAY + offsetDays * DAY);
const partitionName = (d: Date) => `webhook_attempts_${d.toISOString().slice(0, 10).replaceAll('-', '')}`;

let db: Db;
let webhookId: number;

beforeAll(async () => {
  db = await getDb();
  const owner = await createUser('partitions');
  const project = (await api.post('/api/projects', { name: 'partitions' }, { as: owner })).body;
  webhookId = (
    await api.post(
      '/api/webhooks',
      {
        target_url: 'http://127.0.0.1:9/p',
        type: 'project',
        project_id: project.id,
        events: ['update:project'],
      },
      { as: owner },
    )
  ).body.id;
});
afterAll(async () => {
  await db.execute(sql`delete from webhook_attempts where webhook_id = ${webhookId}`);
});

async function insertAttempt(sentDate: Date) {
  await db.execute(
    sql`insert into webhook_attempts (delivery_id, webhook_id, attempt, sent_date, status_code) values (0, ${webhookId}, 1, ${sentDate.toISOString()}::timestamptz, 200)`,
  );
}

async function partitionOf(sentDate: Date): Promise<string> {
  const [row] = await queryRows<{ name: string }>(
    db,
    sql`select tableoid::regclass::text as name from webhook_attempts
    where webhook_id = ${webhookId} and sent_date = ${sentDate.toISOString()}::timestamptz`,
  );
  return row?.name;
}

describe('the attempt log, partitioned by day', () => {
  it('has a partition for each day from yesterday to a week ahead', async () => {
    await ensureAttemptPartitions(db);
    const names = (await listAttemptPartitions(db)).map((p) => p.name);
    for (let d = -1; d <= PARTITION_DAYS_AHEAD; d++) expect(names).toContain(partitionName(utcDay(d)));
    // Making them again changes nothing.
    expect(await ensureAttemptPartitions(db)).toBe(0);
    const now = new Date();
    await insertAttempt(now);
    expect(await partitionOf(now)).toBe(partitionName(utcDay(0)));
  });

  it('keeps a row whose day has no partition yet in the default one, and moves it once the day gets one', async () => {
    const far = new Date(utcDay(60).getTime() + 3600_000);
    await insertAttempt(far);
    expect(await partitionOf(far)).toBe('webhook_attempts_default');
    await db.execute(sql`select herald_create_attempt_partition(${far.toISOString().slice(0, 10)}::date)`);
    expect(await partitionOf(far)).toBe(partitionName(utcDay(60)));
    await db.execute(sql.raw(`drop table ${partitionName(utcDay(60))}`));
  });

  it('drops the partitions of days past retention whole, and old rows of the default one, and nothing newer', async () => {
    const old = [utcDay(-400), utcDay(-399)];
    for (const day of old) {
      await db.execute(sql`select herald_create_attempt_partition(${day.toISOString().slice(0, 10)}::date)`);
      await insertAttempt(new Date(day.getTime() + 60_000));
    }
    const stray = utcDay(-500);
    await insertAttempt(stray);
    expect(await partitionOf(stray)).toBe('webhook_attempts_default');
    const dropped = await dropExpiredAttempts(db, utcDay(-300));
    expect(dropped.sort()).toEqual(old.map(partitionName).sort());
    const names = (await listAttemptPartitions(db)).map((p) => p.name);
    expect(names).not.toContain(partitionName(old[0]));
    expect(names).toContain(partitionName(utcDay(0)));
    expect(await partitionOf(stray)).toBeUndefined();
    const [left] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from webhook_attempts where webhook_id = ${webhookId}`,
    );
    expect(left.n).toBe(1);
  });
});
