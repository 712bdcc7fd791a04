/** The objects `GET /api/permissions` answers for, and its answer's shape (shared by the pages). */
export const PERMISSION_SUBJECTS = [
  'workspace',
  'organization',
  'project',
  'task',
  'job',
  'issue',
  'webhook',
] as const;
export type PermissionSubject = (typeof PERMISSION_SUBJECTS)[number];

/** One control: whether it is offered, and why not when it is not. */
export type Permission = { allowed: boolean; reason: string | null };
export type Permissions = Record<string, Permission>;
