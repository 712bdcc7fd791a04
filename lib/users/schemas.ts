import { z } from '@/lib/validation/zod';

export const username = z
  .string()
  .trim()
  .min(1)
  .max(150)
  .regex(
    /^[\w.@+-]+$/,
    'Enter a valid username. It may contain only letters, digits and @/./+/-/_ characters.',
  );

export const registerSchema = z
  .strictObject({
    username,
    email: z.email('Enter a valid email address.').max(254),
    password1: z
      .string()
      .min(8, 'This password is too short. It must contain at least 8 characters.')
      .max(128),
    password2: z.string().max(128),
    first_name: z.string().trim().max(150).optional().default(''),
    last_name: z.string().trim().max(150).optional().default(''),
    confirmations: z.array(z.unknown()).max(10).optional(),
  })
  .refine((v) => v.password1 === v.password2, {
    path: ['password2'],
    message: "The two password fields didn't match.",
  });
export type RegisterInput = z.input<typeof registerSchema>;

export const loginSchema = z
  .strictObject({
    username: z.string().max(254).optional(),
    email: z.string().max(254).optional(),
    password: z.string().min(1).max(128),
  })
  .refine((v) => v.username || v.email, {
    path: ['username'],
    message: 'Must include "username" or "email".',
  });
export type LoginInput = z.input<typeof loginSchema>;

/** PATCH /api/users/{id}: CVAT's writable user fields; the rest of the object may be sent back and is ignored. */
export const updateUserSchema = z.strictObject({
  first_name: z.string().trim().max(150).optional(),
  last_name: z.string().trim().max(150).optional(),
  is_active: z.boolean().optional(),
  is_superuser: z.boolean().optional(),
  id: z.unknown().optional(),
  url: z.unknown().optional(),
  username: z.unknown().optional(),
  email: z.unknown().optional(),
  is_staff: z.unknown().optional(),
  last_login: z.unknown().optional(),
  date_joined: z.unknown().optional(),
});
export type UpdateUserInput = z.output<typeof updateUserSchema>;
