import { inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { organizations, type invitations } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';

export type InvitationRow = typeof invitations.$inferSelect;

/** CVAT lets an invitation stand for a week. */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export function isExpired(row: InvitationRow, now = Date.now()): boolean {
  return row.acceptedDate === null && row.createdDate.getTime() + INVITATION_TTL_MS < now;
}

/**
 * CVAT's invitation, plus the `email` it was sent to. Who the invitee is (`user`) is shown to the invitee
 * and, once they accepted, to everyone who sees it: before that, an answer must not tell whether the
 * email has an account (security.md, "Inviting an email answers the same").
 */
export async function representInvitations(
  tx: Tx,
  rows: InvitationRow[],
  viewer: { user: { id: number; isSuperuser: boolean }; baseUrl: string },
) {
  if (rows.length === 0) return [];
  const { baseUrl } = viewer;
  const people = await loadBasicUsers(
    tx,
    rows.flatMap((i) => [i.ownerId, i.userId]),
    baseUrl,
  );
  const orgs = new Map(
    (
      await tx
        .select({ id: organizations.id, slug: organizations.slug, name: organizations.name })
        .from(organizations)
        .where(inArray(organizations.id, [...new Set(rows.map((i) => i.organizationId))]))
    ).map((o) => [o.id, o]),
  );
  return rows.map((i) => ({
    key: i.key,
    created_date: iso(i.createdDate),
    owner: pick(people, i.ownerId),
    role: i.role,
    user:
      i.acceptedDate !== null || i.userId === viewer.user.id || viewer.user.isSuperuser
        ? pick(people, i.userId)
        : null,
    email: i.email,
    organization: i.organizationId,
    expired: isExpired(i),
    accepted: i.acceptedDate !== null,
    organization_info: orgs.get(i.organizationId) ?? null,
  }));
}

export type InvitationRepresentation = Awaited<ReturnType<typeof representInvitations>>[number];
