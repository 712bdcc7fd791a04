import { index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';
import { users } from './users';

/** CVAT's storage objects; every project and task has a source and a target one. */
export const storages = pgTable('storages', {
  id: serial('id').primaryKey(),
  location: text('location').notNull().default('local'),
  cloudStorageId: integer('cloud_storage_id'),
});

export const projects = pgTable(
  'projects',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    assigneeUpdatedDate: timestamp('assignee_updated_date', { withTimezone: true, precision: 6 }),
    bugTracker: text('bug_tracker').notNull().default(''),
    status: text('status').notNull().default('annotation'),
    organizationId: integer('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    sourceStorageId: integer('source_storage_id').references(() => storages.id),
    targetStorageId: integer('target_storage_id').references(() => storages.id),
    createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    updatedDate: timestamp('updated_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [
    index('projects_org_idx').on(t.organizationId),
    index('projects_owner_idx').on(t.ownerId),
    index('projects_assignee_idx').on(t.assigneeId),
  ],
);
