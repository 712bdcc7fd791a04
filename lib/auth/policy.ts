import type { Role } from '@/db/schema';
import type { UserRow } from '@/lib/users/representation';

/**
 * Who may do what outside webhooks (api.md, "Who may touch what"), in one place.
 * A resource is described by its organization and the people tied to it along its chain
 * (comment → issue → job → task → project): owners, and assignees.
 */
export type Involvement = {
  organizationId: number | null;
  owners: (number | null)[];
  assignees: (number | null)[];
  /** People who may see it without being able to change it (the assignee of a job sees its task). */
  viewers?: (number | null)[];
};

const STAFF: Role[] = ['owner', 'maintainer'];
const READERS: Role[] = ['owner', 'maintainer', 'supervisor'];

export type Action = 'view' | 'update' | 'delete';

/** `role` is the caller's role in the resource's organization (null when not a member). */
export function isAllowed(user: UserRow, role: Role | null, action: Action, r: Involvement): boolean {
  if (user.isSuperuser) return true;
  if (r.organizationId !== null) {
    if (!role) return false;
    if (STAFF.includes(role)) return true;
    if (action === 'view' && READERS.includes(role)) return true;
  }
  const isOwner = r.owners.includes(user.id);
  if (action === 'delete') return isOwner;
  if (isOwner || r.assignees.includes(user.id)) return true;
  return action === 'view' && (r.viewers ?? []).includes(user.id);
}

/** In an organization, owners, maintainers and supervisors create projects and tasks; workers do not. */
export function mayCreateInOrg(user: UserRow, role: Role | null): boolean {
  return user.isSuperuser || (role !== null && READERS.includes(role));
}

export function isOrgStaff(user: UserRow, role: Role | null): boolean {
  return user.isSuperuser || (role !== null && STAFF.includes(role));
}
