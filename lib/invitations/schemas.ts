import { z } from '@/lib/validation/zod';
import { ASSIGNABLE_ROLES } from '@/lib/memberships/schemas';

export const createInvitationSchema = z.strictObject({
  role: z.enum(ASSIGNABLE_ROLES),
  email: z.email('Enter a valid email address.').max(254),
});
export type CreateInvitationInput = z.input<typeof createInvitationSchema>;
