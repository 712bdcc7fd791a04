import { index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { segments, tasks } from './tasks';
import { JOB_STAGES, JOB_STATES } from './job-values';
import { users } from './users';

export { JOB_STAGES, JOB_STATES };

export const jobs = pgTable(
  'jobs',
  {
    id: serial('id').primaryKey(),
    segmentId: integer('segment_id')
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    assigneeUpdatedDate: timestamp('assignee_updated_date', { withTimezone: true, precision: 6 }),
    stage: text('stage').$type<(typeof JOB_STAGES)[number]>().notNull().default('annotation'),
    state: text('state').$type<(typeof JOB_STATES)[number]>().notNull().default('new'),
    type: text('type').notNull().default('annotation'),
    createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    updatedDate: timestamp('updated_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [index('jobs_task_idx').on(t.taskId), index('jobs_assignee_idx').on(t.assigneeId)],
);
