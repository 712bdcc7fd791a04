'use server';

import { transaction } from '@/db/transaction';
import { invalid } from '@/lib/http/errors';
import { parseInput } from '@/lib/http/parse';
import { acceptInvitation, createInvitation, deleteInvitation } from '@/lib/invitations/invitations';
import { createInvitationSchema } from '@/lib/invitations/schemas';
import { deleteMembership, updateMembership } from '@/lib/memberships/memberships';
import { updateMembershipSchema } from '@/lib/memberships/schemas';
import {
  createOrganization,
  deleteOrganization,
  updateOrganization,
} from '@/lib/organizations/organizations';
import { createOrganizationSchema, updateOrganizationSchema } from '@/lib/organizations/schemas';
import { idOf, runAction, type ActionScope } from './run-action';

// Server actions of the organization pages: the organization, its members and its invitations.

export async function createOrganizationAction(input: unknown) {
  return runAction(undefined, ({ db, actor }) => {
    const body = parseInput(createOrganizationSchema, input);
    return transaction(db, (tx) => createOrganization(tx, actor, body));
  });
}

export async function updateOrganizationAction(id: unknown, input: unknown) {
  return runAction(undefined, ({ db, actor }) => {
    const orgId = idOf(id);
    const body = parseInput(updateOrganizationSchema, input);
    return transaction(db, (tx) => updateOrganization(tx, actor, orgId, body));
  });
}

export async function deleteOrganizationAction(id: unknown) {
  return runAction(undefined, async ({ db, actor }) => {
    const orgId = idOf(id);
    await transaction(db, (tx) => deleteOrganization(tx, actor, orgId));
    return null;
  });
}

export async function updateMembershipAction(scope: ActionScope, id: unknown, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const membershipId = idOf(id);
    const body = parseInput(updateMembershipSchema, input);
    return transaction(db, (tx) => updateMembership(tx, actor, membershipId, body));
  });
}

export async function deleteMembershipAction(scope: ActionScope, id: unknown) {
  return runAction(scope, async ({ db, actor }) => {
    const membershipId = idOf(id);
    await transaction(db, (tx) => deleteMembership(tx, actor, membershipId));
    return null;
  });
}

export async function createInvitationAction(scope: ActionScope, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const body = parseInput(createInvitationSchema, input);
    return transaction(db, (tx) => createInvitation(tx, actor, body));
  });
}

function keyOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalid('key', 'An invitation key is required.');
  return value;
}

export async function revokeInvitationAction(scope: ActionScope, key: unknown) {
  return runAction(scope, async ({ db, actor }) => {
    const invitationKey = keyOf(key);
    await transaction(db, (tx) => deleteInvitation(tx, actor, invitationKey, 'revoke'));
    return null;
  });
}

/** The invitee's answer, from the banner of invitations addressed to them. */
export async function respondToInvitationAction(key: unknown, how: unknown) {
  return runAction(undefined, async ({ db, actor }) => {
    const invitationKey = keyOf(key);
    if (how === 'accept') {
      const membership = await transaction(db, (tx) => acceptInvitation(tx, actor, invitationKey));
      return { organization: membership.organization, membership };
    }
    if (how !== 'decline') throw invalid('how', 'Use accept or decline.');
    await transaction(db, (tx) => deleteInvitation(tx, actor, invitationKey, 'decline'));
    return null;
  });
}
