import { integer, pgTable, smallint, timestamp } from 'drizzle-orm/pg-core';
import { webhooks } from './webhooks';

/**
 * How an endpoint is doing, one row per webhook, written by lib/webhooks/endpoint-health.ts only.
 * Apart from `webhooks` on purpose: the outbox reads webhooks `for share` in every change's
 * transaction, and a recorder that wrote failure counters there in another order deadlocked with it.
 */
export const webhookHealth = pgTable('webhook_health', {
  webhookId: integer('webhook_id')
    .primaryKey()
    .references(() => webhooks.id, { onDelete: 'cascade' }),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  /** First failure of the current failing streak; null while the endpoint answers. */
  failingSince: timestamp('failing_since', { withTimezone: true, precision: 6 }),
  /** The endpoint as a whole is backed off until then: no attempt to it before. */
  pausedUntil: timestamp('paused_until', { withTimezone: true, precision: 6 }),
  lastAttemptDate: timestamp('last_attempt_date', { withTimezone: true, precision: 6 }),
  lastStatusCode: smallint('last_status_code'),
  lastSuccessDate: timestamp('last_success_date', { withTimezone: true, precision: 6 }),
});
