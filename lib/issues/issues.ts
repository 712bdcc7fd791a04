import { asc, desc, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { comments, issues, jobs, projects, segments, tasks } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { isAllowed, issueRule, orgContextWhere, visibleWhere, type Action } from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { representComments } from '@/lib/comments/representation';
import { forbidden, invalid, notFound } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import { loadJob, loadJobChain } from '@/lib/jobs/jobs';
import { defineList, join } from '@/lib/lists/define-list';
import { simpleFilter, withAliases } from '@/lib/lists/simple-filters';
import { findActorRole } from '@/lib/organizations/roles';
import { ensureAssignable } from '@/lib/users/ensure-assignable';
import { usernameOf } from '@/lib/users/username-of';
import { representIssues } from './representation';
import type { CreateIssueInput, UpdateIssueInput } from './schemas';

const SORTABLE = {
  id: issues.id,
  job_id: issues.jobId,
  frame: issues.frame,
  resolved: issues.resolved,
  created_date: issues.createdDate,
  updated_date: issues.updatedDate,
  owner: usernameOf(issues.ownerId),
  assignee: usernameOf(issues.assigneeId),
};

/** GET /api/issues: issues joined with their job, task and project (CVAT's `filter_fields`). */
export const issueList = defineList({
  table: issues,
  joins: [
    join.inner(jobs, eq(jobs.id, issues.jobId)),
    join.inner(tasks, eq(tasks.id, jobs.taskId)),
    join.left(projects, eq(projects.id, tasks.projectId)),
  ],
  scope: (actor) => [visibleWhere(actor.user, issueRule), orgContextWhere(actor.org, tasks.organizationId)],
  filterFields: {
    owner: filterField.string(SORTABLE.owner),
    assignee: filterField.string(SORTABLE.assignee),
    id: filterField.integer(issues.id),
    job_id: filterField.integer(issues.jobId),
    task_id: filterField.integer(jobs.taskId),
    resolved: filterField.boolean(issues.resolved),
    frame_id: filterField.integer(issues.frame),
  },
  filters: {
    job_id: withAliases(simpleFilter.integer(issues.jobId), 'job'),
    task_id: simpleFilter.integer(jobs.taskId),
    frame: simpleFilter.integer(issues.frame),
    resolved: simpleFilter.boolean(issues.resolved, 'Must be true or false.'),
    owner: simpleFilter.username(issues.ownerId),
    assignee: simpleFilter.username(issues.assigneeId),
  },
  sortable: SORTABLE,
  defaultOrder: [desc(issues.id)],
  represent: (db, rows, actor) => representIssues(db, rows, actor.baseUrl),
});

export async function loadIssue(tx: Tx, actor: Actor, id: number, action: Action, lock = false) {
  const query = tx.select().from(issues).where(eq(issues.id, id));
  const [issue] = lock ? await query.for('update') : await query;
  if (!issue) throw notFound();
  const chain = await loadJobChain(tx, issue.jobId);
  const role = await findActorRole(tx, actor, chain.task.organizationId);
  if (!isAllowed(actor.user, role, action, issueRule, { issue, chain })) throw forbidden();
  return { issue, chain, role };
}

export async function getIssue(tx: Tx, actor: Actor, id: number) {
  const { issue } = await loadIssue(tx, actor, id, 'view');
  return (await representIssues(tx, [issue], actor.baseUrl))[0];
}

/** Anyone who sees a job may raise an issue on it; the message becomes its first comment. */
export async function createIssue(tx: Tx, actor: Actor, input: CreateIssueInput) {
  if (!(await loadJobChain(tx, input.job)))
    throw invalid('job', `Invalid pk "${input.job}" - object does not exist.`);
  const { job, task } = await loadJob(tx, actor, input.job, 'view');
  const [segment] = await tx.select().from(segments).where(eq(segments.id, job.segmentId));
  if (input.frame < segment.startFrame || input.frame > segment.stopFrame) {
    throw invalid(
      'frame',
      `The frame must be between ${segment.startFrame} and ${segment.stopFrame} for job ${job.id}.`,
    );
  }
  if (input.assignee != null) await ensureAssignable(tx, 'assignee', input.assignee, task.organizationId);
  const now = new Date();
  const [issue] = await tx
    .insert(issues)
    .values({
      jobId: job.id,
      frame: input.frame,
      position: input.position,
      ownerId: actor.user.id,
      assigneeId: input.assignee ?? null,
      createdDate: now,
      updatedDate: now,
    })
    .returning();
  const [comment] = await tx
    .insert(comments)
    .values({
      issueId: issue.id,
      ownerId: actor.user.id,
      message: input.message,
      createdDate: now,
      updatedDate: now,
    })
    .returning();
  const scope = { organizationId: task.organizationId, projectId: task.projectId };
  const [after] = await representIssues(tx, [issue], actor.baseUrl);
  await recordChange(tx, actor, { action: 'create', resource: 'issue', ...scope, before: null, after });
  const [commentAfter] = await representComments(tx, [comment], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'create',
    resource: 'comment',
    ...scope,
    before: null,
    after: commentAfter,
  });
  return after;
}

/** Resolving and moving an issue is work on the job; its assignee is chosen by who may update it. */
export async function updateIssue(tx: Tx, actor: Actor, id: number, input: UpdateIssueInput) {
  const { issue, chain, role } = await loadIssue(tx, actor, id, 'work', true);
  const assigneeChanged = input.assignee !== undefined && (input.assignee ?? null) !== issue.assigneeId;
  if (assigneeChanged && !isAllowed(actor.user, role, 'update', issueRule, { issue, chain })) {
    throw forbidden('Only the owners of the issue, its job or its project may re-assign it.');
  }
  const [before] = await representIssues(tx, [issue], actor.baseUrl);
  if (input.assignee != null)
    await ensureAssignable(tx, 'assignee', input.assignee, chain.task.organizationId);
  const [updated] = await tx
    .update(issues)
    .set({
      resolved: input.resolved,
      position: input.position,
      assigneeId: input.assignee,
      updatedDate: new Date(),
    })
    .where(eq(issues.id, id))
    .returning();
  const [after] = await representIssues(tx, [updated], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'update',
    resource: 'issue',
    organizationId: chain.task.organizationId,
    projectId: chain.task.projectId,
    before,
    after,
  });
  return after;
}

export async function deleteIssue(tx: Tx, actor: Actor, id: number) {
  const { issue, chain } = await loadIssue(tx, actor, id, 'delete', true);
  const scope = { organizationId: chain.task.organizationId, projectId: chain.task.projectId };
  const [before] = await representIssues(tx, [issue], actor.baseUrl);
  const commentRows = await tx
    .select()
    .from(comments)
    .where(eq(comments.issueId, id))
    .orderBy(asc(comments.id));
  for (const comment of await representComments(tx, commentRows, actor.baseUrl)) {
    await recordChange(tx, actor, {
      action: 'delete',
      resource: 'comment',
      ...scope,
      before: comment,
      after: null,
    });
  }
  await recordChange(tx, actor, { action: 'delete', resource: 'issue', ...scope, before, after: null });
  await tx.delete(issues).where(eq(issues.id, id));
}
