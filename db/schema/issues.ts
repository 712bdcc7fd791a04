import { boolean, index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { jobs } from './jobs';
import { users } from './users';

export const issues = pgTable(
  'issues',
  {
    id: serial('id').primaryKey(),
    jobId: integer('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    frame: integer('frame').notNull(),
    position: jsonb('position').$type<number[]>().notNull(),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    resolved: boolean('resolved').notNull().default(false),
    createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    updatedDate: timestamp('updated_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [index('issues_job_idx').on(t.jobId)],
);

export const comments = pgTable(
  'comments',
  {
    id: serial('id').primaryKey(),
    issueId: integer('issue_id')
      .notNull()
      .references(() => issues.id, { onDelete: 'cascade' }),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
    message: text('message').notNull(),
    createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    updatedDate: timestamp('updated_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [index('comments_issue_idx').on(t.issueId)],
);
