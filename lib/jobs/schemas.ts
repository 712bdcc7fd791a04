import { z } from '@/lib/validation/zod';
import { JOB_STAGES, JOB_STATES } from './constants';

export const updateJobSchema = z.strictObject({
  assignee: z.number().int().positive().max(2147483647).nullable().optional(),
  stage: z.enum(JOB_STAGES).optional(),
  state: z.enum(JOB_STATES).optional(),
});
export type UpdateJobInput = z.input<typeof updateJobSchema>;
