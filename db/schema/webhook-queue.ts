import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { webhooks } from './webhooks';

/**
 * Webhook delivery in three tables with one job each (the model of Svix and Stripe). Every statement on
 * them lives in lib/webhooks/queue/: nothing else reads or writes them.
 */

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const timestamptz = (name: string) => timestamp(name, { withTimezone: true, precision: 6 });

export const SERIES_STATES = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export type SeriesState = (typeof SERIES_STATES)[number];
export const DELIVERY_TRIGGERS = ['event', 'ping', 'test', 'redelivery', 'recovery'] as const;
export type DeliveryTrigger = (typeof DELIVERY_TRIGGERS)[number];
/** Why an attempt got no HTTP answer; null when the receiver answered. */
export const ATTEMPT_ERRORS = ['network', 'timeout', 'refused'] as const;
export type AttemptError = (typeof ATTEMPT_ERRORS)[number];

/**
 * The token bucket of each rate-limited endpoint, shared by every delivering process: a claim takes
 * tokens for what it takes (lib/webhooks/queue/claim.ts, the only statement on it).
 */
export const webhookRateBuckets = pgTable('webhook_rate_buckets', {
  webhookId: integer('webhook_id')
    .primaryKey()
    .references(() => webhooks.id, { onDelete: 'cascade' }),
  tokens: doublePrecision('tokens').notNull(),
  refilledDate: timestamptz('refilled_date').notNull().defaultNow(),
});

/** One event (a change, or a ping/test): its payload stored once, however many webhooks receive it. */
export const webhookMessages = pgTable(
  'webhook_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    event: text('event').notNull(),
    resourceType: text('resource_type'),
    resourceId: text('resource_id'),
    organizationId: integer('organization_id'),
    projectId: integer('project_id'),
    senderId: integer('sender_id'),
    /**
     * The body around the webhook's id, packed by lib/webhooks/payloads.ts (compressed: a kilobyte of JSON
     * takes less than half). Each attempt unpacks the same bytes.
     */
    payload: bytea('payload').notNull(),
    changedFields: text('changed_fields'),
    createdDate: timestamptz('created_date').notNull().defaultNow(),
  },
  (t) => [index('webhook_messages_created_idx').on(t.createdDate)],
);

/** The queue: one series per message and webhook, until delivered, failed for good or cancelled. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => webhookMessages.id),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    /**
     * The `webhook-id` header (`msg_` + these 16 bytes in base64url); a redelivery keeps its series'.
     * The time of its making, then 80 random bits: unguessable, and its index grows at the right end
     * instead of splitting pages everywhere as a random uuid's does (half the size).
     */
    key: uuid('key')
      .notNull()
      .default(sql`herald_time_ordered_uuid()`),
    trigger: text('trigger').$type<DeliveryTrigger>().notNull().default('event'),
    redelivery: boolean('redelivery').notNull().default(false),
    state: text('state').$type<SeriesState>().notNull().default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    /** When the next attempt is due; null once the series has ended. */
    nextAttemptDate: timestamptz('next_attempt_date').defaultNow(),
    /** A dispatcher's claim: another may take the series once it has passed (the claimer died). */
    leaseUntil: timestamptz('lease_until'),
    /** When its latest attempt was sent: an ended series goes once that attempt has passed retention. */
    lastAttemptDate: timestamptz('last_attempt_date'),
    createdDate: timestamptz('created_date').notNull().defaultNow(),
  },
  (t) => [
    // Keyed by webhook first: the same index lists a webhook's series, newest first.
    primaryKey({ name: 'webhook_deliveries_pkey', columns: [t.webhookId, t.id] }),
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptDate, t.id)
      .where(sql`state = 'pending'`),
    // What each endpoint still owes, in commit order: a FIFO endpoint's head, the "waiting" counts.
    index('webhook_deliveries_pending_idx')
      .on(t.webhookId, t.id)
      .where(sql`state = 'pending'`),
    index('webhook_deliveries_message_idx').on(t.messageId),
    index('webhook_deliveries_key_idx').on(t.key),
  ],
);

/**
 * The log: one row per HTTP attempt actually made (or refused by the SSRF guard). Append-only and
 * partitioned by `sent_date`, one partition a day (db/migrations/0003), so that retention drops whole
 * partitions. The standard request headers are rebuilt from the row; only what cannot be (the
 * signatures) is kept.
 */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    deliveryId: bigint('delivery_id', { mode: 'number' }).notNull(),
    webhookId: integer('webhook_id').notNull(),
    attempt: smallint('attempt').notNull(),
    /** When the request left; its `webhook-timestamp` is this, in seconds. */
    sentDate: timestamptz('sent_date').notNull(),
    requestDuration: integer('request_duration'),
    statusCode: smallint('status_code'),
    errorKind: text('error_kind').$type<AttemptError>(),
    response: text('response'),
    /** `name: value` lines, as received. */
    responseHeaders: text('response_headers'),
    /** HMAC-SHA256 digests sent: CVAT's (32 bytes), then one per Standard Webhooks signature. */
    signatures: bytea('signatures'),
    /** The names of the webhook's custom headers the request carried, one a line; their values are never kept. */
    customHeaders: text('custom_headers'),
  },
  (t) => [
    index('webhook_attempts_webhook_idx').on(t.webhookId, t.id),
    index('webhook_attempts_delivery_idx').on(t.deliveryId),
  ],
);
