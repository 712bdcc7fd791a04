import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { memberships, organizations, tasks } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { isOrgStaff, orgIdsWhere } from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { forbidden, invalid, notFound } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import { defineList } from '@/lib/lists/define-list';
import { simpleFilter } from '@/lib/lists/simple-filters';
import { removeTaskMedia } from '@/lib/tasks/media';
import { usernameOf } from '@/lib/users/username-of';
import { representOrganizations } from './representation';
import { findActorRole } from './roles';
import type { CreateOrganizationInput, UpdateOrganizationInput } from './schemas';

function visibleTo(actor: Actor): SQL | undefined {
  if (actor.user.isSuperuser) return undefined;
  return inArray(organizations.id, orgIdsWhere(actor.user));
}

/** GET /api/organizations (CVAT's `filter_fields`). */
export const organizationList = defineList({
  table: organizations,
  scope: (actor) => [visibleTo(actor)],
  filterFields: {
    name: filterField.string(organizations.name),
    owner: filterField.string(usernameOf(organizations.ownerId)),
    slug: filterField.string(organizations.slug),
    id: filterField.integer(organizations.id),
  },
  filters: { slug: simpleFilter.text(organizations.slug), name: simpleFilter.text(organizations.name) },
  search: [organizations.slug, organizations.name],
  sortable: {
    id: organizations.id,
    slug: organizations.slug,
    name: organizations.name,
    created_date: organizations.createdDate,
    updated_date: organizations.updatedDate,
  },
  defaultOrder: [asc(organizations.id)],
  represent: (db, rows, actor) => representOrganizations(db, rows, actor.baseUrl),
});

/** The organization and the caller's role in it; 404 when absent, 403 when not a member. */
export async function loadOrganization(tx: Tx, actor: Actor, id: number) {
  const [org] = await tx.select().from(organizations).where(eq(organizations.id, id));
  if (!org) throw notFound();
  const role = await findActorRole(tx, actor, org.id);
  if (!role && !actor.user.isSuperuser) throw forbidden();
  return { org, role };
}

export async function getOrganization(tx: Tx, actor: Actor, id: number) {
  const { org } = await loadOrganization(tx, actor, id);
  return (await representOrganizations(tx, [org], actor.baseUrl))[0];
}

export async function createOrganization(tx: Tx, actor: Actor, input: CreateOrganizationInput) {
  const [taken] = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(sql`lower(${organizations.slug}) = lower(${input.slug})`);
  if (taken) throw invalid('slug', 'Organization with this slug already exists.');
  const [org] = await tx
    .insert(organizations)
    .values({
      slug: input.slug,
      name: input.name ?? '',
      description: input.description ?? '',
      contact: input.contact ?? {},
      ownerId: actor.user.id,
    })
    .returning();
  await tx
    .insert(memberships)
    .values({ userId: actor.user.id, organizationId: org.id, role: 'owner', isActive: true });
  // The owner's membership is part of creating the organization: no `create:membership` for it. The
  // installation hears of the organization itself (server webhooks' `create:organization`).
  const [created] = await representOrganizations(tx, [org], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'create',
    resource: 'organization',
    organizationId: org.id,
    projectId: null,
    before: null,
    after: created,
  });
  return created;
}

export async function updateOrganization(tx: Tx, actor: Actor, id: number, input: UpdateOrganizationInput) {
  const { org, role } = await loadOrganization(tx, actor, id);
  if (!isOrgStaff(actor.user, role))
    throw forbidden('Only the owner or a maintainer may change the organization.');
  const [before] = await representOrganizations(tx, [org], actor.baseUrl);
  const patch = { name: input.name, description: input.description, contact: input.contact };
  const [updated] = await tx
    .update(organizations)
    .set({ ...patch, updatedDate: new Date() })
    .where(eq(organizations.id, id))
    .returning();
  const [after] = await representOrganizations(tx, [updated], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'update',
    resource: 'organization',
    organizationId: id,
    projectId: null,
    before,
    after,
  });
  return after;
}

export async function deleteOrganization(tx: Tx, actor: Actor, id: number) {
  const { org, role } = await loadOrganization(tx, actor, id);
  if (!actor.user.isSuperuser && role !== 'owner')
    throw forbidden('Only the owner may delete the organization.');
  // Everything in it goes by foreign-key cascade, its webhooks too: only the installation's server
  // webhooks hear of it (`delete:organization`), nobody inside is left to. The tasks' images are files.
  const [before] = await representOrganizations(tx, [org], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'delete',
    resource: 'organization',
    organizationId: org.id,
    projectId: null,
    before,
    after: null,
  });
  const taskRows = await tx.select({ id: tasks.id }).from(tasks).where(eq(tasks.organizationId, org.id));
  await tx.delete(organizations).where(eq(organizations.id, org.id));
  for (const task of taskRows) removeTaskMedia(tx, task.id);
}
