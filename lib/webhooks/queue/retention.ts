import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { queryRows } from '@/db/raw';

/** Partitions are made this many days ahead, so that a day never starts without one. */
export const PARTITION_DAYS_AHEAD = 7;
/** Messages looked at per cleanup statement: each holds its locks only briefly. */
const CLEANUP_BATCH = 1000;
const DAY_MS = 24 * 3600 * 1000;

/** Makes the attempt log's partitions from yesterday to a week ahead (UTC days); idempotent. */
export async function ensureAttemptPartitions(db: Db, daysAhead = PARTITION_DAYS_AHEAD): Promise<number> {
  const rows = await queryRows<{ created: boolean }>(
    db,
    sql`
    select herald_create_attempt_partition(d::date) as created
    from generate_series((now() at time zone 'UTC')::date - 1, (now() at time zone 'UTC')::date + ${daysAhead}::int, interval '1 day') d`,
  );
  return rows.filter((r) => r.created).length;
}

/** The day partitions of the attempt log, oldest first, with the start of the day each holds. */
export async function listAttemptPartitions(db: Db): Promise<{ name: string; day: Date }[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'webhook_attempts'::regclass and c.relname ~ '^webhook_attempts_[0-9]{8}$'
    order by c.relname`,
  );
  return rows.map(({ name }) => {
    const ymd = name.slice(-8);
    return { name, day: new Date(`${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6)}T00:00:00Z`) };
  });
}

/**
 * Retention of the log: every day partition that ended before `cutoff` is dropped whole, and the few
 * rows the default partition holds are deleted. Returns the partitions dropped.
 */
export async function dropExpiredAttempts(db: Db, cutoff: Date): Promise<string[]> {
  const expired = (await listAttemptPartitions(db)).filter(
    (p) => p.day.getTime() + DAY_MS <= cutoff.getTime(),
  );
  for (const { name } of expired) {
    // A drop waits for readers of the log; give up rather than queue every later reader behind it.
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local lock_timeout = '5s'`);
      await tx.execute(sql.raw(`drop table if exists "${name}"`));
    });
  }
  await db.execute(
    sql`delete from webhook_attempts_default where sent_date < ${cutoff.toISOString()}::timestamptz`,
  );
  return expired.map((p) => p.name);
}

/**
 * The rest of retention: series that ended and whose latest attempt is older than `cutoff` (so none of
 * their attempts is left), then messages with no series left. Pending series are never removed.
 * Walks the old messages in batches by id. Returns the numbers removed.
 */
export async function removeEndedSeries(db: Db, cutoff: Date): Promise<{ series: number; messages: number }> {
  const before = cutoff.toISOString();
  const [{ last }] = await queryRows<{ last: string | null }>(
    db,
    sql`
    select max(id)::text as last from (select id from webhook_messages where created_date < ${before}::timestamptz order by created_date desc limit 1) m`,
  );
  let series = 0;
  let messages = 0;
  if (last === null) return { series, messages };
  for (let after = '0'; ;) {
    const [batch] = await queryRows<{ upto: string | null; series: number }>(
      db,
      sql`
      with old as (
        select id from webhook_messages where id > ${after}::bigint and id <= ${last}::bigint order by id limit ${CLEANUP_BATCH}
      ), ended as (
        delete from webhook_deliveries d using old
        where d.message_id = old.id and d.state <> 'pending' and coalesce(d.last_attempt_date, d.created_date) < ${before}::timestamptz
        returning d.id
      )
      select (select max(id)::text from old) as upto, (select count(*)::int from ended) as series`,
    );
    if (batch.upto === null) break;
    const [gone] = await queryRows<{ n: number }>(
      db,
      sql`
      with gone as (
        delete from webhook_messages m
        where m.id > ${after}::bigint and m.id <= ${batch.upto}::bigint and m.created_date < ${before}::timestamptz
          and not exists (select 1 from webhook_deliveries d where d.message_id = m.id)
        returning 1
      ) select count(*)::int as n from gone`,
    );
    series += batch.series;
    messages += gone.n;
    after = batch.upto;
  }
  return { series, messages };
}

/** Everything recorded for a webhook, before the webhook itself is deleted (the log has no foreign keys). */
export async function deleteWebhookRecords(tx: Tx, webhookId: number): Promise<void> {
  await tx.execute(sql`delete from webhook_attempts where webhook_id = ${webhookId}`);
  await tx.execute(sql`
    with gone as (delete from webhook_deliveries where webhook_id = ${webhookId} returning message_id)
    delete from webhook_messages m
    where m.id in (select message_id from gone)
      and not exists (select 1 from webhook_deliveries d where d.message_id = m.id and d.webhook_id <> ${webhookId})`);
}

/** Retired webhooks (of deleted projects) that have nothing left to deliver. */
export async function listFinishedRetiredWebhooks(db: Db): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`
    select w.id from webhooks w where w.retired_date is not null
      and not exists (select 1 from webhook_deliveries d where d.webhook_id = w.id and d.state = 'pending')`,
  );
  return rows.map((r) => r.id);
}
