import { index, integer, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { projects } from './projects';
import { tasks } from './tasks';

/** A label belongs to a project, or to a task that has no project. */
export const labels = pgTable(
  'labels',
  {
    id: serial('id').primaryKey(),
    projectId: integer('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    taskId: integer('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    color: text('color').notNull(),
    type: text('type').notNull().default('any'),
  },
  (t) => [index('labels_project_idx').on(t.projectId), index('labels_task_idx').on(t.taskId)],
);
