import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { memberships, users } from '@/db/schema';
import { invalid } from '@/lib/http/errors';

/** A user id given as assignee or new owner must exist and, in an organization, be one of its members. */
export async function ensureAssignable(tx: Tx, field: string, userId: number, organizationId: number | null) {
  const [user] = await tx
    .select({ id: users.id, isActive: users.isActive })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || !user.isActive) throw invalid(field, `Invalid pk "${userId}" - object does not exist.`);
  if (organizationId === null) return;
  const [member] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.organizationId, organizationId),
        eq(memberships.isActive, true),
      ),
    );
  if (!member) throw invalid(field, `User ${userId} is not a member of this organization.`);
}
