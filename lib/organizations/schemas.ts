import { z } from '@/lib/validation/zod';

const contact = z
  .record(z.string().max(64), z.string().max(256))
  .refine((v) => Object.keys(v).length <= 20, 'At most 20 entries.');

export const createOrganizationSchema = z.strictObject({
  slug: z
    .string()
    .trim()
    .min(1)
    .max(16, 'Ensure this field has no more than 16 characters.')
    .regex(/^[a-zA-Z0-9-]+$/, 'Only letters, digits and hyphens are allowed.'),
  name: z.string().trim().max(64).optional().default(''),
  description: z.string().max(2048).optional().default(''),
  contact: contact.optional().default({}),
});
export type CreateOrganizationInput = z.input<typeof createOrganizationSchema>;

export const updateOrganizationSchema = z
  .strictObject({
    name: z.string().trim().max(64).optional(),
    description: z.string().max(2048).optional(),
    contact: contact.optional(),
    slug: z.string().optional(),
  })
  .refine((v) => v.slug === undefined, {
    path: ['slug'],
    message: 'The slug of an organization cannot be changed.',
  });
export type UpdateOrganizationInput = z.input<typeof updateOrganizationSchema>;
