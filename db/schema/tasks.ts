import { index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { organizations } from './organizations';
import { projects, storages } from './projects';
import { users } from './users';

export const taskData = pgTable('task_data', {
  id: serial('id').primaryKey(),
  chunkSize: integer('chunk_size').notNull(),
  compressedChunkType: text('compressed_chunk_type').notNull().default('imageset'),
  originalChunkType: text('original_chunk_type').notNull().default('imageset'),
  size: integer('size').notNull(),
  imageQuality: integer('image_quality').notNull(),
});

export const tasks = pgTable(
  'tasks',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    projectId: integer('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    mode: text('mode').notNull().default(''),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    assigneeUpdatedDate: timestamp('assignee_updated_date', { withTimezone: true, precision: 6 }),
    bugTracker: text('bug_tracker').notNull().default(''),
    overlap: integer('overlap'),
    segmentSize: integer('segment_size').notNull().default(0),
    subset: text('subset').notNull().default(''),
    organizationId: integer('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    sourceStorageId: integer('source_storage_id').references(() => storages.id),
    targetStorageId: integer('target_storage_id').references(() => storages.id),
    dataId: integer('data_id').references(() => taskData.id),
    createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    updatedDate: timestamp('updated_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [
    index('tasks_project_idx').on(t.projectId),
    index('tasks_org_idx').on(t.organizationId),
    index('tasks_owner_idx').on(t.ownerId),
  ],
);

/** One row per uploaded image; `frame` is its position in the task. */
export const frames = pgTable(
  'frames',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    frame: integer('frame').notNull(),
    name: text('name').notNull(),
    path: text('path').notNull(),
    mimeType: text('mime_type').notNull(),
    width: integer('width'),
    height: integer('height'),
  },
  (t) => [uniqueIndex('frames_task_frame_idx').on(t.taskId, t.frame)],
);

export const segments = pgTable(
  'segments',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    startFrame: integer('start_frame').notNull(),
    stopFrame: integer('stop_frame').notNull(),
  },
  (t) => [index('segments_task_idx').on(t.taskId)],
);
