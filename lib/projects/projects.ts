import { asc, desc, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { projects, tasks } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import {
  isAllowed,
  mayCreateInOrg,
  orgContextWhere,
  projectRule,
  visibleWhere,
  type Action,
} from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { forbidden, notFound } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import { defineList } from '@/lib/lists/define-list';
import { simpleFilter } from '@/lib/lists/simple-filters';
import { findActorRole } from '@/lib/organizations/roles';
import { targetOrganizationId } from '@/lib/organizations/resolve-org-context';
import { deleteTaskTree } from '@/lib/tasks/delete-task-tree';
import { ensureAssignable } from '@/lib/users/ensure-assignable';
import { usernameOf } from '@/lib/users/username-of';
import { retireProjectWebhooks } from '@/lib/webhooks/outbox';
import { saveLabels } from './labels';
import {
  loadProjectRelations,
  lockProjectWithRelations,
  representProjects,
  type ProjectRow,
} from './representation';
import type { CreateProjectInput, UpdateProjectInput } from './schemas';
import { createStorages } from './storages';

const SORTABLE = {
  id: projects.id,
  name: projects.name,
  status: projects.status,
  created_date: projects.createdDate,
  updated_date: projects.updatedDate,
  owner: usernameOf(projects.ownerId),
  assignee: usernameOf(projects.assigneeId),
};

/** GET /api/projects. */
export const projectList = defineList({
  table: projects,
  scope: (actor) => [
    visibleWhere(actor.user, projectRule),
    orgContextWhere(actor.org, projects.organizationId),
  ],
  filterFields: {
    name: filterField.string(projects.name),
    owner: filterField.string(SORTABLE.owner),
    assignee: filterField.string(SORTABLE.assignee),
    status: filterField.string(projects.status),
    id: filterField.integer(projects.id),
    updated_date: filterField.datetime(projects.updatedDate),
  },
  filters: {
    name: simpleFilter.text(projects.name),
    owner: simpleFilter.username(projects.ownerId),
    assignee: simpleFilter.username(projects.assigneeId),
    status: simpleFilter.text(projects.status),
    id: simpleFilter.integer(projects.id),
  },
  search: [projects.name],
  sortable: SORTABLE,
  defaultOrder: [desc(projects.id)],
  represent: (db, rows, actor) => representProjects(db, rows, actor.baseUrl),
});

/** The project if the actor may do `action` to it: 404 when absent, 403 when out of reach. */
export async function loadProject(tx: Tx, actor: Actor, id: number, action: Action, lock = false) {
  const query = tx.select().from(projects).where(eq(projects.id, id));
  const [project] = lock ? await query.for('update') : await query;
  return authorizeProject(tx, actor, project, action);
}

async function authorizeProject(tx: Tx, actor: Actor, project: ProjectRow | undefined, action: Action) {
  if (!project) throw notFound();
  const role = await findActorRole(tx, actor, project.organizationId);
  if (!isAllowed(actor.user, role, action, projectRule, project)) throw forbidden();
  return project;
}

export async function getProject(tx: Tx, actor: Actor, id: number) {
  const project = await loadProject(tx, actor, id, 'view');
  return (await representProjects(tx, [project], actor.baseUrl))[0];
}

export async function createProject(tx: Tx, actor: Actor, input: CreateProjectInput) {
  const organizationId = targetOrganizationId(actor.org);
  if (actor.org.kind === 'org' && !mayCreateInOrg(actor.user, actor.org.role)) {
    throw forbidden('Workers may not create projects in this organization.');
  }
  if (input.assignee_id != null) await ensureAssignable(tx, 'assignee_id', input.assignee_id, organizationId);
  const now = new Date();
  const [project] = await tx
    .insert(projects)
    .values({
      name: input.name,
      ownerId: actor.user.id,
      assigneeId: input.assignee_id ?? null,
      assigneeUpdatedDate: input.assignee_id != null ? now : null,
      bugTracker: input.bug_tracker ?? '',
      organizationId,
      ...(await createStorages(tx)),
      createdDate: now,
      updatedDate: now,
    })
    .returning();
  await saveLabels(tx, { projectId: project.id }, input.labels ?? []);
  const [after] = await representProjects(tx, [project], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'create',
    resource: 'project',
    organizationId,
    projectId: project.id,
    before: null,
    after,
  });
  return after;
}

export async function updateProject(tx: Tx, actor: Actor, id: number, input: UpdateProjectInput) {
  // Uncontended, the row and its relations are one statement; otherwise wait for the row, then read them.
  const locked = await lockProjectWithRelations(tx, id);
  const project = locked
    ? await authorizeProject(tx, actor, locked.project, 'update')
    : await loadProject(tx, actor, id, 'update', true);
  const relations = locked?.relations ?? (await loadProjectRelations(tx, [project]));
  if (input.owner_id !== undefined && input.owner_id !== project.ownerId) {
    // CVAT's update:owner: whoever may delete it. An assignee who could take a project over could then delete it.
    const role = await findActorRole(tx, actor, project.organizationId);
    if (!isAllowed(actor.user, role, 'delete', projectRule, project))
      throw forbidden('Only the owner may transfer the project.');
  }
  const [before] = await representProjects(tx, [project], actor.baseUrl, relations);
  if (input.assignee_id != null)
    await ensureAssignable(tx, 'assignee_id', input.assignee_id, project.organizationId);
  if (input.owner_id !== undefined)
    await ensureAssignable(tx, 'owner_id', input.owner_id, project.organizationId);
  const now = new Date();
  const assigneeChanged =
    input.assignee_id !== undefined && (input.assignee_id ?? null) !== project.assigneeId;
  const [updated] = await tx
    .update(projects)
    .set({
      name: input.name,
      bugTracker: input.bug_tracker,
      status: input.status,
      ownerId: input.owner_id,
      ...(assigneeChanged ? { assigneeId: input.assignee_id ?? null, assigneeUpdatedDate: now } : {}),
      updatedDate: now,
    })
    .where(eq(projects.id, id))
    .returning();
  if (input.labels) await saveLabels(tx, { projectId: id }, input.labels);
  // Most updates change the row only: its labels, tasks and people are then those read above.
  const isRowOnly =
    !input.labels && updated.ownerId === project.ownerId && updated.assigneeId === project.assigneeId;
  const [after] = await representProjects(tx, [updated], actor.baseUrl, isRowOnly ? relations : undefined);
  await recordChange(tx, actor, {
    action: 'update',
    resource: 'project',
    organizationId: project.organizationId,
    projectId: id,
    before,
    after,
  });
  return after;
}

export async function deleteProject(tx: Tx, actor: Actor, id: number) {
  const project = await loadProject(tx, actor, id, 'delete', true);
  await deleteProjectTree(tx, actor, project);
}

/** Deletes the project's tasks (each announcing its own children) and then the project itself. */
export async function deleteProjectTree(tx: Tx, actor: Actor, project: ProjectRow) {
  const [before] = await representProjects(tx, [project], actor.baseUrl);
  const children = await tx
    .select()
    .from(tasks)
    .where(eq(tasks.projectId, project.id))
    .orderBy(asc(tasks.id));
  for (const task of children) await deleteTaskTree(tx, actor, task);
  await recordChange(tx, actor, {
    action: 'delete',
    resource: 'project',
    organizationId: project.organizationId,
    projectId: project.id,
    before,
    after: null,
  });
  // Its webhooks have their delete events queued by now; they deliver them, then go.
  await retireProjectWebhooks(tx, project.id);
  await tx.delete(projects).where(eq(projects.id, project.id));
}
