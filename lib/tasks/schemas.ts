import { z } from '@/lib/validation/zod';
import { labelsSchema } from '@/lib/projects/schemas';

const id = z.number().int().positive().max(2147483647);

export const createTaskSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(256),
    project_id: id.nullable().optional(),
    labels: labelsSchema.optional(),
    segment_size: z.number().int().min(0).max(1_000_000).optional(),
    overlap: z.number().int().min(0).max(1_000_000).nullable().optional(),
    assignee_id: id.nullable().optional(),
    bug_tracker: z.string().max(2000).optional(),
    subset: z.string().max(64).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.project_id == null && !v.labels?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['labels'],
        message: 'Labels are required for a task without a project.',
      });
    }
    if (v.project_id != null && v.labels?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['labels'],
        message: "A task in a project uses the project's labels.",
      });
    }
    if (v.overlap != null && v.segment_size && v.overlap >= v.segment_size) {
      ctx.addIssue({
        code: 'custom',
        path: ['overlap'],
        message: 'Overlap must be smaller than the segment size.',
      });
    }
  });
export type CreateTaskInput = z.input<typeof createTaskSchema>;

export const updateTaskSchema = z.strictObject({
  name: z.string().trim().min(1).max(256).optional(),
  labels: labelsSchema.optional(),
  assignee_id: id.nullable().optional(),
  owner_id: id.optional(),
  bug_tracker: z.string().max(2000).optional(),
  subset: z.string().max(64).optional(),
});
export type UpdateTaskInput = z.input<typeof updateTaskSchema>;

export const attachDataSchema = z.strictObject({
  image_quality: z.coerce.number().int().min(1).max(100).default(70),
});
