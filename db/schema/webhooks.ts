import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';
import { projects } from './projects';
import { users } from './users';

export type StoredHeader = { name: string; value: string };

export const webhooks = pgTable(
  'webhooks',
  {
    id: serial('id').primaryKey(),
    targetUrl: text('target_url').notNull(),
    description: text('description').notNull().default(''),
    /** `server`: an administrator's, outside any organization, for the installation's users and organizations. */
    type: text('type').$type<'project' | 'organization' | 'server'>().notNull(),
    contentType: text('content_type').notNull().default('application/json'),
    /** Write-only: used to sign, never returned. */
    secret: text('secret'),
    /** The secret before the last rotation, still signed with until `previous_secret_expires`. */
    previousSecret: text('previous_secret'),
    previousSecretExpires: timestamp('previous_secret_expires', { withTimezone: true, precision: 6 }),
    /**
     * Custom headers sent with every request, in the order given: names as written, values sealed like the
     * secret (lib/crypto/secret-box.ts), opened only where an attempt is sent.
     */
    headers: jsonb('headers').$type<StoredHeader[]>().notNull().default([]),
    isActive: boolean('is_active').notNull().default(true),
    enableSsl: boolean('enable_ssl').notNull().default(true),
    events: text('events')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
    // Set null rather than cascade: a deleted project's webhooks still deliver its delete events (see `retiredDate`).
    projectId: integer('project_id').references(() => projects.id, { onDelete: 'set null' }),
    organizationId: integer('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    /** Requests per second the receiver accepts, from every delivering process together; null: no limit. */
    rateLimit: integer('rate_limit'),
    /** `fifo`: one request at a time, each series waiting for the one before it to end. */
    ordering: text('ordering').$type<'unordered' | 'fifo'>().notNull().default('unordered'),
    /** Why the system turned the webhook off (410 Gone, failing for days); cleared when a person turns it on. */
    disabledReason: text('disabled_reason'),
    /** Set when its project was deleted: it only finishes delivering what was queued, then goes. */
    retiredDate: timestamp('retired_date', { withTimezone: true, precision: 6 }),
    createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    updatedDate: timestamp('updated_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [
    index('webhooks_org_idx').on(t.organizationId),
    index('webhooks_project_idx').on(t.projectId),
    index('webhooks_owner_idx').on(t.ownerId),
  ],
);
