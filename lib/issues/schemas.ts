import { z } from '@/lib/validation/zod';

const id = z.number().int().positive().max(2147483647);
// A shape's points, x1, y1, x2, y2, …: CVAT places an issue with a rectangle or polygon.
const position = z
  .array(z.number().finite().min(-1e7).max(1e7))
  .min(2, 'Give at least one point (x, y).')
  .max(1000, 'At most 500 points.')
  .refine((p) => p.length % 2 === 0, 'Give the points as x, y pairs.');

export const MESSAGE_MAX = 4096;
export const message = z.string().trim().min(1).max(MESSAGE_MAX);

export const createIssueSchema = z.strictObject({
  job: id,
  frame: z.number().int().min(0).max(2147483647),
  position,
  message,
  assignee: id.nullable().optional(),
});
export type CreateIssueInput = z.input<typeof createIssueSchema>;

export const updateIssueSchema = z.strictObject({
  resolved: z.boolean().optional(),
  position: position.optional(),
  assignee: id.nullable().optional(),
});
export type UpdateIssueInput = z.input<typeof updateIssueSchema>;
