import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';
import { projects } from './projects';
import { users } from './users';

export const webhooks = pgTable('webhooks', {
  id: serial('id').primaryKey(),
  targetUrl: text('target_url').notNull(),
  description: text('description').notNull().default(''),
  type: text('type').$type<'project' | 'organization'>().notNull(),
  contentType: text('content_type').notNull().default('application/json'),
  /** Write-only: used to sign, never returned. */
  secret: text('secret'),
  /** The secret before the last rotation, still signed with until `previous_secret_expires`. */
  previousSecret: text('previous_secret'),
  previousSecretExpires: timestamp('previous_secret_expires', { withTimezone: true, precision: 6 }),
  isActive: boolean('is_active').notNull().default(true),
  enableSsl: boolean('enable_ssl').notNull().default(true),
  events: text('events').array().notNull().default(sql`'{}'::text[]`),
  ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
  // Set null rather than cascade: a deleted project's webhooks still deliver its delete events (see `retiredDate`).
  projectId: integer('project_id').references(() => projects.id, { onDelete: 'set null' }),
  organizationId: integer('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
  /** Why the system turned the webhook off (410 Gone, failing for days); cleared when a person turns it on. */
  disabledReason: text('disabled_reason'),
  /** First failure of the current failing streak; null while the endpoint answers. */
  failingSince: timestamp('failing_since', { withTimezone: true, precision: 6 }),
  /** The endpoint as a whole is backed off until then after repeated failures. */
  backoffUntil: timestamp('backoff_until', { withTimezone: true, precision: 6 }),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  /** Set when its project was deleted: it only finishes delivering what was queued, then goes. */
  retiredDate: timestamp('retired_date', { withTimezone: true, precision: 6 }),
  createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  updatedDate: timestamp('updated_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
}, (t) => [
  index('webhooks_org_idx').on(t.organizationId),
  index('webhooks_project_idx').on(t.projectId),
  index('webhooks_owner_idx').on(t.ownerId),
]);

export const DELIVERY_STATES = ['pending', 'delivered', 'failed', 'refused', 'cancelled'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
export const DELIVERY_TRIGGERS = ['event', 'ping', 'redelivery'] as const;

/**
 * The outbox and the delivery log in one table: one row per attempt. A row is written `pending`
 * (in the transaction of the change, for events), claimed by a dispatcher, then completed with the
 * attempt's outcome; a retry is a new row of the same series (`messageId`, the `webhook-id` header).
 */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  webhookId: integer('webhook_id').notNull().references(() => webhooks.id, { onDelete: 'cascade' }),
  /** The series id, `msg_` and 16 random bytes in base64url; made by the database so an insert from a select gets one per row. */
  messageId: text('message_id')
    .notNull()
    .default(sql`'msg_' || rtrim(translate(encode(decode(replace(gen_random_uuid()::text, '-', ''), 'hex'), 'base64'), '+/', '-_'), '=')`),
  event: text('event').notNull(),
  trigger: text('trigger').$type<(typeof DELIVERY_TRIGGERS)[number]>().notNull().default('event'),
  redelivery: boolean('redelivery').notNull().default(false),
  attempt: integer('attempt').notNull().default(1),
  state: text('state').$type<DeliveryState>().notNull().default('pending'),
  /** The exact bytes sent (and signed). */
  payload: text('payload').notNull(),
  changedFields: text('changed_fields'),
  /** When a pending row is due; on a failed attempt, when its retry is due (null: no retry). */
  nextAttemptDate: timestamp('next_attempt_date', { withTimezone: true, precision: 6 }).defaultNow(),
  /** A dispatcher's claim: another may take the row once it has passed (the claimer died). */
  leaseUntil: timestamp('lease_until', { withTimezone: true, precision: 6 }),
  statusCode: integer('status_code'),
  requestDuration: integer('request_duration'),
  requestHeaders: jsonb('request_headers').$type<Record<string, string>>(),
  responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
  response: text('response'),
  createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  updatedDate: timestamp('updated_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
}, (t) => [
  index('webhook_deliveries_due_idx').on(t.nextAttemptDate, t.id).where(sql`state = 'pending' and status_code is null`),
  index('webhook_deliveries_webhook_idx').on(t.webhookId, t.id),
  index('webhook_deliveries_created_idx').on(t.createdDate),
]);
