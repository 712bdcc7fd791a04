import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { memberships, type Role } from '@/db/schema';

/** The user's role in the organization, or null when not an active member. */
export async function findRole(tx: Tx, userId: number, organizationId: number | null): Promise<Role | null> {
  if (organizationId === null) return null;
  const [row] = await tx
    .select({ role: memberships.role, isActive: memberships.isActive })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId)));
  return row?.isActive ? row.role : null;
}
