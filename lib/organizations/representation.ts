import type { Tx } from '@/db/client';
import type { organizations } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';

export type OrganizationRow = typeof organizations.$inferSelect;

export async function representOrganizations(tx: Tx, rows: OrganizationRow[], baseUrl: string) {
  const people = await loadBasicUsers(
    tx,
    rows.map((r) => r.ownerId),
    baseUrl,
  );
  return rows.map((org) => ({
    url: `${baseUrl}/api/organizations/${org.id}`,
    id: org.id,
    slug: org.slug,
    name: org.name,
    description: org.description,
    contact: org.contact,
    owner: pick(people, org.ownerId),
    created_date: iso(org.createdDate),
    updated_date: iso(org.updatedDate),
  }));
}

export type OrganizationRepresentation = Awaited<ReturnType<typeof representOrganizations>>[number];
