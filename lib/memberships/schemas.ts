import { z } from '@/lib/validation/zod';

/** Nobody is made owner by a role change: ownership comes with creating the organization. */
export const ASSIGNABLE_ROLES = ['maintainer', 'supervisor', 'worker'] as const;

export const updateMembershipSchema = z.strictObject({ role: z.enum(ASSIGNABLE_ROLES) });
export type UpdateMembershipInput = z.input<typeof updateMembershipSchema>;
