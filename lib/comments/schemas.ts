import { z } from '@/lib/validation/zod';
import { message } from '@/lib/issues/schemas';

export const createCommentSchema = z.strictObject({
  issue: z.number().int().positive().max(2147483647),
  message,
});
export type CreateCommentInput = z.input<typeof createCommentSchema>;

export const updateCommentSchema = z.strictObject({ message });
export type UpdateCommentInput = z.input<typeof updateCommentSchema>;
