import { desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { JOB_STAGES, JOB_STATES, jobs, projects, tasks } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { isAllowed, jobRule, orgContextWhere, visibleWhere, type Action } from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { forbidden, notFound } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import { defineList, join } from '@/lib/lists/define-list';
import { simpleFilter } from '@/lib/lists/simple-filters';
import { findActorRole } from '@/lib/organizations/roles';
import { ensureAssignable } from '@/lib/users/ensure-assignable';
import { usernameOf } from '@/lib/users/username-of';
import { representJobs } from './representation';
import type { UpdateJobInput } from './schemas';

const SORTABLE = {
  id: jobs.id,
  task_id: jobs.taskId,
  stage: jobs.stage,
  state: jobs.state,
  created_date: jobs.createdDate,
  updated_date: jobs.updatedDate,
  assignee: usernameOf(jobs.assigneeId),
};

/** GET /api/jobs: jobs joined with their task and project (CVAT's `filter_fields`; all 2D, none nested). */
export const jobList = defineList({
  table: jobs,
  joins: [
    join.inner(tasks, eq(tasks.id, jobs.taskId)),
    join.left(projects, eq(projects.id, tasks.projectId)),
  ],
  scope: (actor) => [visibleWhere(actor.user, jobRule), orgContextWhere(actor.org, tasks.organizationId)],
  filterFields: {
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
  },
  filters: {
    task_id: simpleFilter.integer(jobs.taskId),
    project_id: simpleFilter.integer(tasks.projectId),
    id: simpleFilter.integer(jobs.id),
    stage: simpleFilter.choice(jobs.stage, JOB_STAGES),
    state: simpleFilter.choice(jobs.state, JOB_STATES),
    // CVAT filters by username; an id is accepted too.
    assignee: simpleFilter.user(jobs.assigneeId),
  },
  sortable: SORTABLE,
  defaultOrder: [desc(jobs.id)],
  represent: (db, rows, actor) => representJobs(db, rows, actor.baseUrl),
});

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
