import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { organizations } from '@/db/schema';
import type { OrgContext } from '@/lib/auth/actor';
import { forbidden, invalid, notFound } from '@/lib/http/errors';
import type { UserRow } from '@/lib/users/representation';
import { findRole } from './roles';

/** api.md's organization context: `org` (slug), `org_id` (id, empty = personal) or `X-Organization`. */
export async function resolveOrgContext(tx: Tx, req: Request, url: URL, user: UserRow): Promise<OrgContext> {
  const orgId = url.searchParams.get('org_id');
  const slug = url.searchParams.get('org') ?? req.headers.get('x-organization');
  let where;
  if (orgId !== null) {
    if (orgId === '') return { kind: 'personal' };
    if (!/^\d{1,10}$/.test(orgId)) throw invalid('org_id', 'A valid integer is required.');
    if (Number(orgId) > 2147483647) throw notFound('Organization not found.');
    where = eq(organizations.id, Number(orgId));
  } else if (slug !== null) {
    if (slug === '') return { kind: 'personal' };
    where = eq(organizations.slug, slug);
  } else {
    return { kind: 'any' };
  }
  const [org] = await tx
    .select({ id: organizations.id, slug: organizations.slug })
    .from(organizations)
    .where(where);
  if (!org) throw notFound('Organization not found.');
  const role = await findRole(tx, user.id, org.id);
  if (!role && !user.isSuperuser) throw forbidden('You are not a member of this organization.');
  return { kind: 'org', id: org.id, slug: org.slug, role };
}

/** The organization new resources go to: the context's, or none. */
export function targetOrganizationId(org: OrgContext): number | null {
  return org.kind === 'org' ? org.id : null;
}
