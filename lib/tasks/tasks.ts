import { desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { jobs, projects, tasks } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import {
  isAllowed,
  mayCreateInOrg,
  orgContextWhere,
  taskRule,
  visibleWhere,
  type Action,
  type TaskAccess,
} from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { forbidden, invalid, notFound } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import { defineList } from '@/lib/lists/define-list';
import { simpleFilter } from '@/lib/lists/simple-filters';
import { findActorRole } from '@/lib/organizations/roles';
import { targetOrganizationId } from '@/lib/organizations/resolve-org-context';
import { saveLabels } from '@/lib/projects/labels';
import { loadProject } from '@/lib/projects/projects';
import { createStorages } from '@/lib/projects/storages';
import { ensureAssignable } from '@/lib/users/ensure-assignable';
import { usernameOf } from '@/lib/users/username-of';
import { deleteTaskTree } from './delete-task-tree';
import { representTasks, type TaskRow } from './representation';
import type { CreateTaskInput, UpdateTaskInput } from './schemas';

const SORTABLE = {
  id: tasks.id,
  name: tasks.name,
  project_id: tasks.projectId,
  subset: tasks.subset,
  created_date: tasks.createdDate,
  updated_date: tasks.updatedDate,
  owner: usernameOf(tasks.ownerId),
  assignee: usernameOf(tasks.assigneeId),
};

/** SQL: a task's status as its representation computes it (the least advanced stage of its jobs). */
const taskStatus = sql`(case
  when not exists (select 1 from ${jobs} where ${jobs.taskId} = ${tasks.id})
    or exists (select 1 from ${jobs} where ${jobs.taskId} = ${tasks.id} and ${jobs.stage} = 'annotation') then 'annotation'
  when exists (select 1 from ${jobs} where ${jobs.taskId} = ${tasks.id} and ${jobs.stage} = 'validation') then 'validation'
  else 'completed' end)`;

/** GET /api/tasks (CVAT's `filter_fields`, but Herald tasks are all 2D and have no validation layout). */
export const taskList = defineList({
  table: tasks,
  scope: (actor) => [visibleWhere(actor.user, taskRule), orgContextWhere(actor.org, tasks.organizationId)],
  filterFields: {
    project_name: filterField.string(
      sql`(select ${projects.name} from ${projects} where ${projects.id} = ${tasks.projectId})`,
    ),
    name: filterField.string(tasks.name),
    owner: filterField.string(SORTABLE.owner),
    status: filterField.string(taskStatus),
    assignee: filterField.string(SORTABLE.assignee),
    subset: filterField.string(tasks.subset),
    mode: filterField.string(tasks.mode),
    dimension: filterField.string(sql`'2d'::text`),
    tracker_link: filterField.string(tasks.bugTracker),
    validation_mode: filterField.string(sql`null::text`),
    id: filterField.integer(tasks.id),
    project_id: filterField.integer(tasks.projectId),
    updated_date: filterField.datetime(tasks.updatedDate),
  },
  filters: {
    project_id: simpleFilter.integer(tasks.projectId),
    id: simpleFilter.integer(tasks.id),
    name: simpleFilter.text(tasks.name),
    subset: simpleFilter.text(tasks.subset),
    mode: simpleFilter.text(tasks.mode),
    owner: simpleFilter.username(tasks.ownerId),
    assignee: simpleFilter.username(tasks.assigneeId),
  },
  search: [tasks.name],
  sortable: SORTABLE,
  defaultOrder: [desc(tasks.id)],
  represent: (db, rows, actor) => representTasks(db, rows, actor.baseUrl),
});

/** A task with the people its permissions follow: its project's owner and assignee, its jobs' assignees. */
export async function taskAccess(tx: Tx, task: TaskRow): Promise<TaskAccess> {
  const [project] = task.projectId
    ? await tx
        .select({ ownerId: projects.ownerId, assigneeId: projects.assigneeId })
        .from(projects)
        .where(eq(projects.id, task.projectId))
    : [];
  const jobAssignees = await tx.select({ id: jobs.assigneeId }).from(jobs).where(eq(jobs.taskId, task.id));
  return { task, project: project ?? null, jobAssignees: jobAssignees.map((j) => j.id) };
}

export async function loadTask(tx: Tx, actor: Actor, id: number, action: Action, lock = false) {
  const query = tx.select().from(tasks).where(eq(tasks.id, id));
  const [task] = lock ? await query.for('update') : await query;
  if (!task) throw notFound();
  const role = await findActorRole(tx, actor, task.organizationId);
  if (!isAllowed(actor.user, role, action, taskRule, await taskAccess(tx, task))) throw forbidden();
  return task;
}

export async function getTask(tx: Tx, actor: Actor, id: number) {
  const task = await loadTask(tx, actor, id, 'view');
  return (await representTasks(tx, [task], actor.baseUrl))[0];
}

export async function createTask(tx: Tx, actor: Actor, input: CreateTaskInput) {
  let organizationId = targetOrganizationId(actor.org);
  if (input.project_id != null) {
    // A task joins its project's organization; adding one counts as changing the project.
    const [exists] = await tx
      .select({ id: projects.id })
      .from(projects)
      .where(eq(projects.id, input.project_id));
    if (!exists) throw invalid('project_id', `Invalid pk "${input.project_id}" - object does not exist.`);
    const project = await loadProject(tx, actor, input.project_id, 'update');
    organizationId = project.organizationId;
    const role = await findActorRole(tx, actor, organizationId);
    if (organizationId !== null && !mayCreateInOrg(actor.user, role))
      throw forbidden('Workers may not create tasks in this organization.');
  } else if (actor.org.kind === 'org' && !mayCreateInOrg(actor.user, actor.org.role)) {
    throw forbidden('Workers may not create tasks in this organization.');
  }
  if (input.assignee_id != null) await ensureAssignable(tx, 'assignee_id', input.assignee_id, organizationId);
  const now = new Date();
  const [task] = await tx
    .insert(tasks)
    .values({
      name: input.name,
      projectId: input.project_id ?? null,
      ownerId: actor.user.id,
      assigneeId: input.assignee_id ?? null,
      assigneeUpdatedDate: input.assignee_id != null ? now : null,
      bugTracker: input.bug_tracker ?? '',
      overlap: input.overlap ?? null,
      segmentSize: input.segment_size ?? 0,
      subset: input.subset ?? '',
      organizationId,
      ...(await createStorages(tx)),
      createdDate: now,
      updatedDate: now,
    })
    .returning();
  if (input.project_id == null) await saveLabels(tx, { taskId: task.id }, input.labels ?? []);
  const [after] = await representTasks(tx, [task], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'create',
    resource: 'task',
    organizationId,
    projectId: task.projectId,
    before: null,
    after,
  });
  return after;
}

export async function updateTask(tx: Tx, actor: Actor, id: number, input: UpdateTaskInput) {
  const task = await loadTask(tx, actor, id, 'update', true);
  // As on create (and as CVAT): a task in a project shows the project's labels and has none of its own to
  // change; they are changed on the project, which announces it.
  if (input.labels && task.projectId !== null)
    throw invalid('labels', "A task in a project uses the project's labels.");
  if (input.owner_id !== undefined && input.owner_id !== task.ownerId) {
    // CVAT's update:owner: whoever may delete it. An assignee who could take a task over could then delete it.
    const role = await findActorRole(tx, actor, task.organizationId);
    if (!isAllowed(actor.user, role, 'delete', taskRule, await taskAccess(tx, task)))
      throw forbidden('Only the owner may transfer the task.');
  }
  const [before] = await representTasks(tx, [task], actor.baseUrl);
  if (input.assignee_id != null)
    await ensureAssignable(tx, 'assignee_id', input.assignee_id, task.organizationId);
  if (input.owner_id !== undefined)
    await ensureAssignable(tx, 'owner_id', input.owner_id, task.organizationId);
  const now = new Date();
  const assigneeChanged = input.assignee_id !== undefined && (input.assignee_id ?? null) !== task.assigneeId;
  await tx
    .update(tasks)
    .set({
      name: input.name,
      bugTracker: input.bug_tracker,
      subset: input.subset,
      ownerId: input.owner_id,
      ...(assigneeChanged ? { assigneeId: input.assignee_id ?? null, assigneeUpdatedDate: now } : {}),
      updatedDate: now,
    })
    .where(eq(tasks.id, id));
  if (input.labels) await saveLabels(tx, { taskId: id }, input.labels);
  const [updated] = await tx.select().from(tasks).where(eq(tasks.id, id));
  const [after] = await representTasks(tx, [updated], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'update',
    resource: 'task',
    organizationId: task.organizationId,
    projectId: task.projectId,
    before,
    after,
  });
  return after;
}

export async function deleteTask(tx: Tx, actor: Actor, id: number) {
  const task = await loadTask(tx, actor, id, 'delete', true);
  await deleteTaskTree(tx, actor, task);
}
