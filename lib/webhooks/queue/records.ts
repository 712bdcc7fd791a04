import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';
import type { AttemptError, DeliveryTrigger, SeriesState } from '@/db/schema';
import { rowLimit, type Page } from '@/lib/http/pagination';
import type { RecordFilters } from '../delivery-filters';

/** An attempt as the deliveries API shows it: the log row with its series and message. */
export type AttemptRecord = {
  id: number;
  webhookId: number;
  attempt: number;
  sentDate: Date;
  requestDuration: number | null;
  statusCode: number | null;
  errorKind: AttemptError | null;
  response: string | null;
  responseHeaders: string | null;
  signatures: Uint8Array | null;
  /** Names of the custom headers sent, one a line. */
  customHeaders: string | null;
  key: string;
  state: SeriesState;
  nextAttemptDate: Date | null;
  trigger: DeliveryTrigger;
  redelivery: boolean;
  event: string;
  /** Packed: see lib/webhooks/payloads.ts. */
  payload: Uint8Array;
  changedFields: string | null;
};

/** A series as the messages API shows it, with its latest attempt's outcome. */
export type SeriesRecord = {
  id: number;
  webhookId: number;
  key: string;
  trigger: DeliveryTrigger;
  redelivery: boolean;
  state: SeriesState;
  attempts: number;
  nextAttemptDate: Date | null;
  createdDate: Date;
  event: string;
  payload: Uint8Array;
  changedFields: string | null;
  resourceType: string | null;
  resourceId: string | null;
  lastAttemptId: number | null;
  lastStatusCode: number | null;
  lastSentDate: Date | null;
};

const ATTEMPT_COLUMNS = sql`a.id::float8 as id, a.webhook_id as "webhookId", a.attempt, a.sent_date as "sentDate", a.request_duration as "requestDuration",
  a.status_code as "statusCode", a.error_kind as "errorKind", a.response, a.response_headers as "responseHeaders", a.signatures, a.custom_headers as "customHeaders",
  d.key, d.state, d.next_attempt_date as "nextAttemptDate", d.trigger, d.redelivery,
  m.event, m.payload, m.changed_fields as "changedFields"`;
const ATTEMPT_FROM = sql`webhook_attempts a join webhook_deliveries d on d.webhook_id = a.webhook_id and d.id = a.delivery_id join webhook_messages m on m.id = d.message_id`;

// Attempts never precede their series: the bound lets PostgreSQL skip the log's older partitions.
const LAST_ATTEMPT = sql`left join lateral (
    select a.id, a.status_code, a.error_kind, a.sent_date from webhook_attempts a
    where a.delivery_id = d.id and a.sent_date >= d.created_date order by a.id desc limit 1
  ) last on true`;

/** An attempt that got a 2xx answer. */
const IS_SUCCESS = sql`(coalesce(a.status_code between 200 and 299, false) and a.error_kind is null)`;

function statusWhere(column: SQL, errorColumn: SQL, status: NonNullable<RecordFilters['status']>): SQL {
  if ('code' in status) return sql`${column} = ${status.code}`;
  if (status.class === 'network') return sql`${errorColumn} is not null`;
  const floor = Number(status.class[0]) * 100;
  return sql`(${column} >= ${floor} and ${column} < ${floor + 100} and ${errorColumn} is null)`;
}

/** The conditions both lists share: on the series and its message. */
function seriesWhere(f: RecordFilters): SQL[] {
  const where: SQL[] = [];
  if (f.event) where.push(sql`m.event = ${f.event}`);
  if (f.state) where.push(sql`d.state = ${f.state}`);
  if (f.trigger) where.push(sql`d.trigger = ${f.trigger}`);
  if (f.key) where.push(sql`d.key = ${f.key}::uuid`);
  if (f.resourceType) where.push(sql`m.resource_type = ${f.resourceType}`);
  if (f.resourceId) where.push(sql`m.resource_id = ${f.resourceId}`);
  return where;
}

function attemptWhere(webhookId: number, f: RecordFilters): SQL {
  const where = [sql`a.webhook_id = ${webhookId}`, ...seriesWhere(f)];
  if (f.status) where.push(statusWhere(sql`a.status_code`, sql`a.error_kind`, f.status));
  if (f.outcome) where.push(f.outcome === 'success' ? IS_SUCCESS : sql`not ${IS_SUCCESS}`);
  if (f.since) where.push(sql`a.sent_date >= ${f.since.toISOString()}::timestamptz`);
  if (f.until) where.push(sql`a.sent_date <= ${f.until.toISOString()}::timestamptz`);
  return sql.join(where, sql` and `);
}

function limitOffset(page: Page): SQL {
  return sql`limit ${rowLimit(page)} offset ${page.offset}`;
}

/** Attempts actually made to a webhook, newest first: never a series that has not been tried. */
export async function listAttempts(db: Db, webhookId: number, f: RecordFilters, page: Page) {
  const where = attemptWhere(webhookId, f);
  const [{ total }] = await queryRows<{ total: number }>(
    db,
    sql`select count(*)::int as total from ${ATTEMPT_FROM} where ${where}`,
  );
  const rows = await queryRows<AttemptRecord>(
    db,
    sql`select ${ATTEMPT_COLUMNS} from ${ATTEMPT_FROM} where ${where} order by a.id desc ${limitOffset(page)}`,
  );
  return { count: total, rows };
}

export async function findAttempt(
  db: Db,
  webhookId: number,
  attemptId: number,
): Promise<AttemptRecord | undefined> {
  const [row] = await queryRows<AttemptRecord>(
    db,
    sql`select ${ATTEMPT_COLUMNS} from ${ATTEMPT_FROM} where a.webhook_id = ${webhookId} and a.id = ${attemptId}`,
  );
  return row;
}

/** The latest attempt of one series (a ping's, once sent). */
export async function findLatestAttempt(
  db: Db,
  webhookId: number,
  seriesId: number,
): Promise<AttemptRecord | undefined> {
  const [row] = await queryRows<AttemptRecord>(
    db,
    sql`select ${ATTEMPT_COLUMNS} from ${ATTEMPT_FROM}
    where a.webhook_id = ${webhookId} and a.delivery_id = ${seriesId} order by a.id desc limit 1`,
  );
  return row;
}

/** Every attempt that carried this `webhook-id` to the webhook (its series and their redeliveries), newest first. */
export async function listAttemptsOfKey(db: Db, webhookId: number, key: string): Promise<AttemptRecord[]> {
  return queryRows<AttemptRecord>(
    db,
    sql`select ${ATTEMPT_COLUMNS} from ${ATTEMPT_FROM} where a.webhook_id = ${webhookId} and d.key = ${key}::uuid order by a.id desc`,
  );
}

const SERIES_COLUMNS = sql`d.id::float8 as id, d.webhook_id as "webhookId", d.key, d.trigger, d.redelivery, d.state, d.attempts,
  d.next_attempt_date as "nextAttemptDate", d.created_date as "createdDate", m.event, m.payload,
  m.changed_fields as "changedFields", m.resource_type as "resourceType", m.resource_id as "resourceId",
  last.id::float8 as "lastAttemptId", last.status_code as "lastStatusCode", last.sent_date as "lastSentDate"`;

function seriesListWhere(webhookId: number, f: RecordFilters): SQL {
  const where = [sql`d.webhook_id = ${webhookId}`, ...seriesWhere(f)];
  if (f.status) where.push(statusWhere(sql`last.status_code`, sql`last.error_kind`, f.status));
  if (f.outcome) where.push(sql`d.state = ${f.outcome === 'success' ? 'delivered' : 'failed'}`);
  if (f.since) where.push(sql`d.created_date >= ${f.since.toISOString()}::timestamptz`);
  if (f.until) where.push(sql`d.created_date <= ${f.until.toISOString()}::timestamptz`);
  return sql.join(where, sql` and `);
}

/** A webhook's series, newest first, each with its latest attempt's outcome. */
export async function listSeries(db: Db, webhookId: number, f: RecordFilters, page: Page) {
  const where = seriesListWhere(webhookId, f);
  const from = sql`webhook_deliveries d join webhook_messages m on m.id = d.message_id ${LAST_ATTEMPT}`;
  const [{ total }] = await queryRows<{ total: number }>(
    db,
    sql`select count(*)::int as total from ${from} where ${where}`,
  );
  const rows = await queryRows<SeriesRecord>(
    db,
    sql`select ${SERIES_COLUMNS} from ${from} where ${where} order by d.id desc ${limitOffset(page)}`,
  );
  return { count: total, rows };
}

/** The newest series of the webhook with this `webhook-id`. */
export async function findSeriesByKey(
  db: Db,
  webhookId: number,
  key: string,
): Promise<SeriesRecord | undefined> {
  const [row] = await queryRows<SeriesRecord>(
    db,
    sql`
    select ${SERIES_COLUMNS} from webhook_deliveries d join webhook_messages m on m.id = d.message_id ${LAST_ATTEMPT}
    where d.webhook_id = ${webhookId} and d.key = ${key}::uuid order by d.id desc limit 1`,
  );
  return row;
}

/** Attempts per time bucket that succeeded (2xx) and failed, oldest first: the webhook page's chart. */
export async function countAttemptsByBucket(
  db: Db,
  webhookId: number,
  bucketSeconds: number,
  buckets: number,
) {
  return queryRows<{ bucket: string | Date; success: number; failure: number }>(
    db,
    sql`
    select to_timestamp(floor(extract(epoch from a.sent_date) / ${bucketSeconds}) * ${bucketSeconds}) as bucket,
      count(*) filter (where ${IS_SUCCESS})::int as success,
      count(*) filter (where not ${IS_SUCCESS})::int as failure
    from webhook_attempts a
    where a.webhook_id = ${webhookId} and a.sent_date > now() - make_interval(secs => ${bucketSeconds * buckets})
    group by 1 order by 1`,
  );
}

export type RecentAttemptCounts = { webhookId: number; attempts: number; successes: number };

/**
 * Attempts (pings and tests included) and successes per webhook since `since`, for a page of webhooks
 * in one statement. Bounded by `sent_date`, the log's partition key, so only the partitions of that
 * span are read.
 */
export async function countRecentAttempts(
  db: Db,
  webhookIds: number[],
  since: Date,
): Promise<Map<number, RecentAttemptCounts>> {
  if (webhookIds.length === 0) return new Map();
  const rows = await queryRows<RecentAttemptCounts>(
    db,
    sql`
    select a.webhook_id as "webhookId", count(*)::int as attempts, count(*) filter (where ${IS_SUCCESS})::int as successes
    from webhook_attempts a
    where a.webhook_id = any(${idArray(webhookIds)}) and a.sent_date >= ${since.toISOString()}::timestamptz
    group by a.webhook_id`,
  );
  return new Map(rows.map((r) => [r.webhookId, r]));
}

/**
 * Series not yet ended (delivered, failed for good or cancelled), and how long the oldest has waited
 * since it was queued, by the database's clock: the metrics' queue gauges, read at each scrape.
 */
export async function measureWaitingSeries(db: Db): Promise<{ count: number; oldestSeconds: number }> {
  const [row] = await queryRows<{ count: number; oldest: number | null }>(
    db,
    sql`
    select count(*)::int as count, extract(epoch from clock_timestamp() - min(created_date))::float8 as oldest
    from webhook_deliveries where state = 'pending'`,
  );
  return { count: Number(row.count), oldestSeconds: Math.max(0, Number(row.oldest ?? 0)) };
}

/** A message as the outbox holds it, with the first webhook it was queued for (its body names that webhook). */
export type MessageRecord = {
  id: number;
  event: string;
  resourceType: string | null;
  resourceId: string | null;
  organizationId: number | null;
  projectId: number | null;
  /** Packed: see lib/webhooks/payloads.ts. */
  payload: Uint8Array;
  changedFields: string | null;
  webhookId: number | null;
};

/** The newest message's id (0 when there is none): a mark to read later messages from. */
export async function findLastMessageId(db: Db): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`select coalesce(max(id), 0)::float8 as id from webhook_messages`,
  );
  return Number(row.id);
}

/**
 * Messages written after `afterId`, oldest first; with a scope, only those of its organizations or
 * projects. What a test reads to see which events a change queued, as receivers will get them.
 */
export async function listMessagesAfter(
  db: Db,
  afterId: number,
  scope: { organizationIds: number[]; projectIds: number[] } | null,
): Promise<MessageRecord[]> {
  const inScope = scope
    ? sql`and (m.organization_id = any(${idArray(scope.organizationIds)}) or m.project_id = any(${idArray(scope.projectIds)}))`
    : sql``;
  return queryRows<MessageRecord>(
    db,
    sql`
    select m.id::float8 as id, m.event, m.resource_type as "resourceType", m.resource_id as "resourceId",
      m.organization_id as "organizationId", m.project_id as "projectId", m.payload, m.changed_fields as "changedFields",
      (select min(d.webhook_id) from webhook_deliveries d where d.message_id = m.id) as "webhookId"
    from webhook_messages m
    where m.id > ${afterId} ${inScope}
    order by m.id`,
  );
}
