import { z } from '@/lib/validation/zod';

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Enter a color as #rrggbb.');

const labelInput = z.strictObject({
  id: z.number().int().positive().optional(),
  name: z.string().trim().min(1).max(64),
  color: color.optional(),
  type: z.literal('any').optional(),
  attributes: z.array(z.unknown()).max(0, 'Attributes are not supported.').optional(),
  deleted: z.boolean().optional(),
});

export const labelsSchema = z.array(labelInput).max(500, 'At most 500 labels.');
export type LabelInput = z.input<typeof labelInput>;

export const PROJECT_STATUSES = ['annotation', 'validation', 'completed'] as const;

const userId = z.number().int().positive().max(2147483647);

export const createProjectSchema = z.strictObject({
  name: z.string().trim().min(1).max(256),
  labels: labelsSchema.optional().default([]),
  assignee_id: userId.nullable().optional(),
  bug_tracker: z.string().max(2000).optional().default(''),
});
export type CreateProjectInput = z.input<typeof createProjectSchema>;

export const updateProjectSchema = z.strictObject({
  name: z.string().trim().min(1).max(256).optional(),
  labels: labelsSchema.optional(),
  assignee_id: userId.nullable().optional(),
  owner_id: userId.optional(),
  bug_tracker: z.string().max(2000).optional(),
  status: z.enum(PROJECT_STATUSES).optional(),
});
export type UpdateProjectInput = z.input<typeof updateProjectSchema>;
