import type { Tx } from '@/db/client';
import type { memberships } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';

export type MembershipRow = typeof memberships.$inferSelect;

export async function representMemberships(tx: Tx, rows: MembershipRow[], baseUrl: string) {
  const people = await loadBasicUsers(
    tx,
    rows.map((m) => m.userId),
    baseUrl,
  );
  return rows.map((m) => ({
    url: `${baseUrl}/api/memberships/${m.id}`,
    id: m.id,
    user: pick(people, m.userId),
    organization: m.organizationId,
    role: m.role,
    is_active: m.isActive,
    joined_date: iso(m.joinedDate),
    invitation: m.invitationKey,
  }));
}

export type MembershipRepresentation = Awaited<ReturnType<typeof representMemberships>>[number];
