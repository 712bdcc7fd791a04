import { asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { memberships, ROLES, type Role } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { isOrgStaff, orgContextWhere, orgIdsWhere } from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { forbidden, notFound } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import { defineList } from '@/lib/lists/define-list';
import { simpleFilter } from '@/lib/lists/simple-filters';
import { findActorRole } from '@/lib/organizations/roles';
import { usernameOf } from '@/lib/users/username-of';
import { representMemberships, type MembershipRepresentation, type MembershipRow } from './representation';
import type { UpdateMembershipInput } from './schemas';

const SORTABLE = {
  id: memberships.id,
  role: memberships.role,
  joined_date: memberships.joinedDate,
  user: usernameOf(memberships.userId),
};

/** GET /api/memberships (CVAT's `filter_fields`). */
export const membershipList = defineList({
  table: memberships,
  scope: (actor) => [
    actor.user.isSuperuser ? undefined : inArray(memberships.organizationId, orgIdsWhere(actor.user)),
    orgContextWhere(actor.org, memberships.organizationId),
  ],
  filterFields: {
    user: filterField.string(SORTABLE.user),
    role: filterField.string(memberships.role),
    id: filterField.integer(memberships.id),
  },
  filters: {
    user: simpleFilter.user(memberships.userId),
    role: simpleFilter.choice(memberships.role, ROLES),
    user_id: simpleFilter.integer(memberships.userId),
  },
  search: [SORTABLE.user],
  sortable: SORTABLE,
  defaultOrder: [asc(memberships.id)],
  represent: (db, rows, actor) => representMemberships(db, rows, actor.baseUrl),
});

async function loadMembership(tx: Tx, actor: Actor, id: number, lock = false) {
  const query = tx.select().from(memberships).where(eq(memberships.id, id));
  const [membership] = lock ? await query.for('update') : await query;
  if (!membership) throw notFound();
  const role = await findActorRole(tx, actor, membership.organizationId);
  if (!role && !actor.user.isSuperuser) throw forbidden();
  return { membership, role };
}

export async function getMembership(tx: Tx, actor: Actor, id: number) {
  const { membership } = await loadMembership(tx, actor, id);
  return (await representMemberships(tx, [membership], actor.baseUrl))[0];
}

/** Owners change anyone's role but their own; maintainers change supervisors' and workers'. */
function mayManage(actor: Actor, actorRole: Role | null, target: MembershipRow): boolean {
  if (target.role === 'owner') return false;
  if (actor.user.isSuperuser || actorRole === 'owner') return true;
  return actorRole === 'maintainer' && target.role !== 'maintainer';
}

export async function updateMembership(tx: Tx, actor: Actor, id: number, input: UpdateMembershipInput) {
  const { membership, role } = await loadMembership(tx, actor, id, true);
  if (membership.role === 'owner') throw forbidden("Nobody changes the owner's role.");
  if (!isOrgStaff(actor.user, role) || !mayManage(actor, role, membership)) throw forbidden();
  if (role === 'maintainer' && !actor.user.isSuperuser && input.role === 'maintainer')
    throw forbidden('Only the owner may make maintainers.');
  const [before] = await representMemberships(tx, [membership], actor.baseUrl);
  const [updated] = await tx
    .update(memberships)
    .set({ role: input.role })
    .where(eq(memberships.id, id))
    .returning();
  const [after] = await representMemberships(tx, [updated], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'update',
    resource: 'membership',
    organizationId: membership.organizationId,
    projectId: null,
    before,
    after,
  });
  return after;
}

/** Removes a member; a member may also leave. The owner stays. */
export async function deleteMembership(tx: Tx, actor: Actor, id: number) {
  const { membership, role } = await loadMembership(tx, actor, id, true);
  if (membership.role === 'owner')
    throw forbidden('The owner cannot leave or be removed from the organization.');
  const isSelf = membership.userId === actor.user.id;
  if (!isSelf && !mayManage(actor, role, membership)) throw forbidden();
  const [before] = await representMemberships(tx, [membership], actor.baseUrl);
  await recordMembershipGone(tx, actor, membership, before);
  await tx.delete(memberships).where(eq(memberships.id, id));
}

function recordMembershipGone(
  tx: Tx,
  actor: Actor,
  membership: MembershipRow,
  before: MembershipRepresentation,
) {
  return recordChange(tx, actor, {
    action: 'delete',
    resource: 'membership',
    organizationId: membership.organizationId,
    projectId: null,
    before,
    after: null,
  });
}

/**
 * The memberships of a user whose account goes: each leaves its organization's webhooks a
 * `delete:membership`, as a removal does, before the rows go with the user.
 */
export async function deleteMembershipsOfUser(tx: Tx, actor: Actor, userId: number) {
  const rows = await tx
    .select()
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.id))
    .for('update');
  const represented = await representMemberships(tx, rows, actor.baseUrl);
  for (const [i, membership] of rows.entries())
    await recordMembershipGone(tx, actor, membership, represented[i]);
  await tx.delete(memberships).where(eq(memberships.userId, userId));
}
