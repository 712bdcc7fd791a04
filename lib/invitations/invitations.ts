import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { invitations, memberships, users } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { isOrgStaff, orgContextWhere, orgIdsWhere, STAFF_ROLES } from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { forbidden, invalid, notFound } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import { defineList } from '@/lib/lists/define-list';
import { parseIntegerFilter, simpleFilter } from '@/lib/lists/simple-filters';
import { representMemberships } from '@/lib/memberships/representation';
import { findActorRole } from '@/lib/organizations/roles';
import { usernameOf } from '@/lib/users/username-of';
import { isExpired, representInvitations, type InvitationRow } from './representation';
import type { CreateInvitationInput } from './schemas';

/** Addressed to the user: linked to their account, or sent to their email before it existed (see registerUser). */
function addressedTo(actor: Actor): SQL {
  return or(
    eq(invitations.userId, actor.user.id),
    and(isNull(invitations.userId), sql`lower(${invitations.email}) = lower(${actor.user.email})`),
  )!;
}

/** Staff see their organizations' invitations; everyone sees the ones addressed to them. */
function visibleTo(actor: Actor): SQL | undefined {
  if (actor.user.isSuperuser) return undefined;
  return or(addressedTo(actor), inArray(invitations.organizationId, orgIdsWhere(actor.user, STAFF_ROLES)));
}

function isAddressedTo(invitation: InvitationRow, actor: Actor): boolean {
  return (
    invitation.userId === actor.user.id ||
    (invitation.userId === null && invitation.email.toLowerCase() === actor.user.email.toLowerCase())
  );
}

/** GET /api/invitations (CVAT's `filter_fields`; `accepted`: the invitee's membership is active). */
export const invitationList = defineList({
  table: invitations,
  scope: (actor) => [visibleTo(actor), orgContextWhere(actor.org, invitations.organizationId)],
  filterFields: {
    owner: filterField.string(usernameOf(invitations.ownerId)),
    user_id: filterField.integer(invitations.userId),
    accepted: filterField.boolean(sql`(${invitations.acceptedDate} is not null)`),
  },
  filters: {
    user_id: {
      where: (value, { name, actor }) => {
        const userId = parseIntegerFilter(name, value);
        // Whose email an invitation went to is not told before they accept it (security.md): others filter on accepted ones only.
        if (userId === actor.user.id) return addressedTo(actor);
        return and(
          eq(invitations.userId, userId),
          actor.user.isSuperuser ? undefined : sql`${invitations.acceptedDate} is not null`,
        );
      },
    },
    role: simpleFilter.text(invitations.role),
    // Any other value is no filter, not a 400.
    accepted: {
      where: (value) => {
        if (value === 'false') return isNull(invitations.acceptedDate);
        if (value === 'true') return sql`${invitations.acceptedDate} is not null`;
        return undefined;
      },
    },
  },
  sortable: { created_date: invitations.createdDate, role: invitations.role },
  defaultOrder: [desc(invitations.createdDate)],
  represent: (db, rows, actor) => representInvitations(db, rows, actor),
});

async function loadInvitation(tx: Tx, key: string) {
  const [invitation] =
    key.length <= 128
      ? await tx.select().from(invitations).where(eq(invitations.key, key)).for('update')
      : [];
  if (!invitation) throw notFound();
  return invitation;
}

export async function getInvitation(tx: Tx, actor: Actor, key: string) {
  const invitation = await loadInvitation(tx, key);
  const role = await findActorRole(tx, actor, invitation.organizationId);
  if (!isAddressedTo(invitation, actor) && !isOrgStaff(actor.user, role)) throw forbidden();
  return (await representInvitations(tx, [invitation], actor))[0];
}

export async function createInvitation(tx: Tx, actor: Actor, input: CreateInvitationInput) {
  if (actor.org.kind !== 'org')
    throw invalid('non_field_errors', 'Invitations are sent from an organization: give org or org_id.');
  const organizationId = actor.org.id;
  if (!isOrgStaff(actor.user, actor.org.role))
    throw forbidden('Only the owner or a maintainer may invite people.');
  if (actor.org.role === 'maintainer' && input.role === 'maintainer' && !actor.user.isSuperuser) {
    throw forbidden('Only the owner may invite maintainers.');
  }
  // The same answer whether or not the email has an account (security.md): an invitation to an email
  // without one waits, and is linked to the account registered with it later (registerUser).
  const [invitee] = await tx
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${input.email})`);
  if (invitee) {
    const [member] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.userId, invitee.id), eq(memberships.organizationId, organizationId)));
    if (member) throw invalid('email', 'This user is already a member of the organization.');
  }
  const [pending] = await tx
    .select({
      key: invitations.key,
      createdDate: invitations.createdDate,
      acceptedDate: invitations.acceptedDate,
    })
    .from(invitations)
    .where(
      and(
        sql`lower(${invitations.email}) = lower(${input.email})`,
        eq(invitations.organizationId, organizationId),
        isNull(invitations.acceptedDate),
      ),
    );
  if (pending && !isExpired(pending as never))
    throw invalid('email', 'An invitation to this email is already pending.');
  const [invitation] = await tx
    .insert(invitations)
    .values({
      key: randomBytes(32).toString('hex'),
      ownerId: actor.user.id,
      userId: invitee?.id ?? null,
      email: input.email,
      organizationId,
      role: input.role,
    })
    .returning();
  const [after] = await representInvitations(tx, [invitation], actor);
  await recordChange(tx, actor, {
    action: 'create',
    resource: 'invitation',
    organizationId,
    projectId: null,
    before: null,
    after,
  });
  return after;
}

/** The invitee accepts: the membership is created with the invited role. */
export async function acceptInvitation(tx: Tx, actor: Actor, key: string) {
  const invitation = await loadInvitation(tx, key);
  if (!isAddressedTo(invitation, actor)) throw forbidden('This invitation is addressed to someone else.');
  if (invitation.acceptedDate)
    throw invalid('non_field_errors', 'This invitation has already been accepted.');
  if (isExpired(invitation)) throw invalid('non_field_errors', 'This invitation has expired.');
  const [existing] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(eq(memberships.userId, actor.user.id), eq(memberships.organizationId, invitation.organizationId)),
    );
  if (existing) throw invalid('non_field_errors', 'You are already a member of this organization.');
  await tx
    .update(invitations)
    .set({ acceptedDate: new Date(), userId: actor.user.id })
    .where(eq(invitations.key, key));
  const [membership] = await tx
    .insert(memberships)
    .values({
      userId: actor.user.id,
      organizationId: invitation.organizationId,
      role: invitation.role,
      isActive: true,
      invitationKey: key,
    })
    .returning();
  const [after] = await representMemberships(tx, [membership], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'create',
    resource: 'membership',
    organizationId: invitation.organizationId,
    projectId: null,
    before: null,
    after,
  });
  return after;
}

/** Declined (by the invitee) or revoked (by the organization's staff or its sender): the invitation is deleted. */
export async function deleteInvitation(tx: Tx, actor: Actor, key: string, how: 'decline' | 'revoke') {
  const invitation = await loadInvitation(tx, key);
  if (how === 'decline') {
    if (!isAddressedTo(invitation, actor)) throw forbidden('This invitation is addressed to someone else.');
    if (invitation.acceptedDate)
      throw invalid('non_field_errors', 'This invitation has already been accepted.');
  } else {
    const role = await findActorRole(tx, actor, invitation.organizationId);
    if (!isOrgStaff(actor.user, role)) throw forbidden();
  }
  const [before] = await representInvitations(tx, [invitation], actor);
  await recordChange(tx, actor, {
    action: 'delete',
    resource: 'invitation',
    organizationId: invitation.organizationId,
    projectId: null,
    before,
    after: null,
  });
  await tx.delete(invitations).where(eq(invitations.key, key));
}
