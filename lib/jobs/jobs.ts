import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { JOB_STAGES, JOB_STATES, jobs, projects, tasks, users } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { isAllowed, jobRule, orgContextWhere, visibleWhere, type Action } from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { forbidden, invalid, notFound } from '@/lib/http/errors';
import { filterField, jsonLogicWhere, type FilterFields } from '@/lib/http/json-logic-filter';
import { intFilter, orderBy, type ListQuery } from '@/lib/http/list-query';
import type { Page } from '@/lib/http/pagination';
import { findActorRole } from '@/lib/organizations/roles';
import { ensureAssignable } from '@/lib/users/ensure-assignable';
import { representJobs, type JobRow } from './representation';
import type { UpdateJobInput } from './schemas';

const SORTABLE = {
  id: jobs.id,
  task_id: jobs.taskId,
  stage: jobs.stage,
  state: jobs.state,
  created_date: jobs.createdDate,
  updated_date: jobs.updatedDate,
  assignee: sql`(select ${users.username} from ${users} where ${users.id} = ${jobs.assigneeId})`,
};

/** CVAT's `filter_fields` for jobs, over jobs joined with their task and project (all 2D, none nested). */
export const FILTER_FIELDS: FilterFields = {
  task_name: filterField.string(tasks.name),
  project_name: filterField.string(projects.name),
  assignee: filterField.string(SORTABLE.assignee),
  state: filterField.string(jobs.state),
  stage: filterField.string(jobs.stage),
  id: filterField.integer(jobs.id),
  task_id: filterField.integer(jobs.taskId),
  project_id: filterField.integer(tasks.projectId),
  updated_date: filterField.datetime(jobs.updatedDate),
  dimension: filterField.string(sql`'2d'::text`),
  type: filterField.string(jobs.type),
  parent_job_id: filterField.integer(sql`null::integer`),
};

/** A job with its task and project: the chain its permissions follow. */
export async function loadJobChain(tx: Tx, jobId: number, lock = false) {
  const query = tx
    .select({ job: jobs, task: tasks, project: projects })
    .from(jobs)
    .innerJoin(tasks, eq(tasks.id, jobs.taskId))
    .leftJoin(projects, eq(projects.id, tasks.projectId))
    .where(eq(jobs.id, jobId));
  const [row] = lock ? await query.for('update', { of: jobs }) : await query;
  return row ?? null;
}

export type JobChain = NonNullable<Awaited<ReturnType<typeof loadJobChain>>>;

export async function listJobs(tx: Tx, actor: Actor, query: ListQuery, page: Page) {
  const filters: (SQL | undefined)[] = [
    visibleWhere(actor.user, jobRule),
    orgContextWhere(actor.org, tasks.organizationId),
    jsonLogicWhere(query.filter, FILTER_FIELDS),
  ];
  const taskId = intFilter(query, 'task_id');
  if (taskId !== undefined) filters.push(eq(jobs.taskId, taskId));
  const projectId = intFilter(query, 'project_id');
  if (projectId !== undefined) filters.push(eq(tasks.projectId, projectId));
  const id = intFilter(query, 'id');
  if (id !== undefined) filters.push(eq(jobs.id, id));
  const stage = query.filters.get('stage');
  if (stage !== undefined) {
    if (!(JOB_STAGES as readonly string[]).includes(stage))
      throw invalid('stage', `"${stage}" is not a valid choice.`);
    filters.push(eq(jobs.stage, stage as JobRow['stage']));
  }
  const state = query.filters.get('state');
  if (state !== undefined) {
    if (!(JOB_STATES as readonly string[]).includes(state))
      throw invalid('state', `"${state}" is not a valid choice.`);
    filters.push(eq(jobs.state, state as JobRow['state']));
  }
  const assignee = query.filters.get('assignee');
  if (assignee !== undefined) {
    // CVAT filters by username; an id is accepted too.
    filters.push(
      /^\d+$/.test(assignee)
        ? eq(jobs.assigneeId, intFilter(query, 'assignee')!)
        : sql`${jobs.assigneeId} in (select ${users.id} from ${users} where ${users.username} = ${assignee})`,
    );
  }
  const where = and(...filters);
  const from = <T extends ReturnType<Tx['select']>>(q: T) =>
    q
      .from(jobs)
      .innerJoin(tasks, eq(tasks.id, jobs.taskId))
      .leftJoin(projects, eq(projects.id, tasks.projectId));
  const [{ total }] = await from(tx.select({ total: count() })).where(where);
  const rows = await from(tx.select({ job: jobs }))
    .where(where)
    .orderBy(...orderBy(query.sort, SORTABLE, [desc(jobs.id)]))
    .limit(page.limit ?? 2 ** 31 - 1)
    .offset(page.offset);
  return {
    count: Number(total),
    results: await representJobs(
      tx,
      rows.map((r) => r.job as JobRow),
      actor.baseUrl,
    ),
  };
}

export async function loadJob(tx: Tx, actor: Actor, id: number, action: Action, lock = false) {
  const chain = await loadJobChain(tx, id, lock);
  if (!chain) throw notFound();
  const role = await findActorRole(tx, actor, chain.task.organizationId);
  if (!isAllowed(actor.user, role, action, jobRule, chain)) throw forbidden();
  return chain;
}

export async function getJob(tx: Tx, actor: Actor, id: number) {
  const { job } = await loadJob(tx, actor, id, 'view');
  return (await representJobs(tx, [job], actor.baseUrl))[0];
}

/** Stage and state are the job's work; its assignee is who does it (api.md, security.md: a personal assignee works, never re-assigns). */
export async function updateJob(tx: Tx, actor: Actor, id: number, input: UpdateJobInput) {
  const chain = await loadJob(tx, actor, id, 'work', true);
  const { job, task } = chain;
  const assigneeChanged = input.assignee !== undefined && (input.assignee ?? null) !== job.assigneeId;
  if (
    assigneeChanged &&
    !isAllowed(actor.user, await findActorRole(tx, actor, task.organizationId), 'update', jobRule, chain)
  ) {
    throw forbidden('Only the owners of the task or project may re-assign this job.');
  }
  const [before] = await representJobs(tx, [job], actor.baseUrl);
  // As in CVAT, any user may be a job's assignee; in an organization that gives a non-member no access (policy.ts).
  if (input.assignee != null) await ensureAssignable(tx, 'assignee', input.assignee, null);
  const now = new Date();
  const [updated] = await tx
    .update(jobs)
    .set({
      stage: input.stage,
      state: input.state,
      ...(assigneeChanged ? { assigneeId: input.assignee ?? null, assigneeUpdatedDate: now } : {}),
      updatedDate: now,
    })
    .where(eq(jobs.id, id))
    .returning();
  const [after] = await representJobs(tx, [updated], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'update',
    resource: 'job',
    organizationId: task.organizationId,
    projectId: task.projectId,
    before,
    after,
  });
  return after;
}
