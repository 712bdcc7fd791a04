import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
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

/**
 * The actor's role in the organization. A request made in that organization's context resolved it
 * already (resolveOrgContext), so it is not read again: one statement fewer on every change made there.
 */
export async function findActorRole(
  tx: Tx,
  actor: Pick<Actor, 'user' | 'org'>,
  organizationId: number | null,
): Promise<Role | null> {
  if (organizationId !== null && actor.org.kind === 'org' && actor.org.id === organizationId)
    return actor.org.role;
  return findRole(tx, actor.user.id, organizationId);
}
