import type { Role } from '@/db/schema';
import type { UserRow } from '@/lib/users/representation';

/**
 * The organization a request works in: `any` when the client named none (lists show everything the caller
 * may see, creations go to the personal workspace), `personal` for `org_id=`, or one organization.
 */
export type OrgContext =
  { kind: 'any' } | { kind: 'personal' } | { kind: 'org'; id: number; slug: string; role: Role | null };

/** Who is acting, from where: every domain function gets one. */
export type Actor = { user: UserRow; baseUrl: string; org: OrgContext };
