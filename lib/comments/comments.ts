import { desc, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { comments, issues, jobs, projects, tasks } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import {
  isAllowed,
  isOrgStaff,
  issueRule,
  orgContextWhere,
  visibleWhere,
  type Action,
} from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { forbidden, invalid, notFound } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import { loadIssue } from '@/lib/issues/issues';
import { defineList, join } from '@/lib/lists/define-list';
import { simpleFilter, withAliases } from '@/lib/lists/simple-filters';
import { usernameOf } from '@/lib/users/username-of';
import { representComments } from './representation';
import type { CreateCommentInput, UpdateCommentInput } from './schemas';

const SORTABLE = {
  id: comments.id,
  issue_id: comments.issueId,
  created_date: comments.createdDate,
  updated_date: comments.updatedDate,
  owner: usernameOf(comments.ownerId),
};

/** GET /api/comments: comments joined with their issue, job, task and project (CVAT's `filter_fields`). */
export const commentList = defineList({
  table: comments,
  joins: [
    join.inner(issues, eq(issues.id, comments.issueId)),
    join.inner(jobs, eq(jobs.id, issues.jobId)),
    join.inner(tasks, eq(tasks.id, jobs.taskId)),
    join.left(projects, eq(projects.id, tasks.projectId)),
  ],
  // A comment is seen by whoever sees its issue: the issue's rule, on the joined rows.
  scope: (actor) => [visibleWhere(actor.user, issueRule), orgContextWhere(actor.org, tasks.organizationId)],
  filterFields: {
    owner: filterField.string(SORTABLE.owner),
    id: filterField.integer(comments.id),
    issue_id: filterField.integer(comments.issueId),
    frame_id: filterField.integer(issues.frame),
    job_id: filterField.integer(issues.jobId),
  },
  filters: {
    issue_id: withAliases(simpleFilter.integer(comments.issueId), 'issue'),
    job_id: simpleFilter.integer(issues.jobId),
    owner: simpleFilter.username(comments.ownerId),
  },
  sortable: SORTABLE,
  defaultOrder: [desc(comments.id)],
  represent: (db, rows, actor) => representComments(db, rows, actor.baseUrl),
});

/**
 * A comment is seen by whoever sees its issue; only its author (or the organization's owners and
 * maintainers) may edit it, and the issue's owners may also delete it.
 */
async function loadComment(tx: Tx, actor: Actor, id: number, action: Action, lock = false) {
  const query = tx.select().from(comments).where(eq(comments.id, id));
  const [comment] = lock ? await query.for('update') : await query;
  if (!comment) throw notFound();
  const { issue, chain, role } = await loadIssue(tx, actor, comment.issueId, 'view').catch((error) => {
    throw error.status === 403 ? forbidden() : error;
  });
  if (action !== 'view') {
    const isAuthor = comment.ownerId === actor.user.id;
    const mayDelete =
      action === 'delete' && isAllowed(actor.user, role, 'delete', issueRule, { issue, chain });
    if (!isAuthor && !isOrgStaff(actor.user, chain.task.organizationId === null ? null : role) && !mayDelete)
      throw forbidden();
  }
  return { comment, chain };
}

/** Whether the actor may `action` the comment: the check its update and delete make (throws 403 otherwise). */
export async function checkCommentAccess(tx: Tx, actor: Actor, id: number, action: 'update' | 'delete') {
  await loadComment(tx, actor, id, action);
}

export async function getComment(tx: Tx, actor: Actor, id: number) {
  const { comment } = await loadComment(tx, actor, id, 'view');
  return (await representComments(tx, [comment], actor.baseUrl))[0];
}

export async function createComment(tx: Tx, actor: Actor, input: CreateCommentInput) {
  const [exists] = await tx.select({ id: issues.id }).from(issues).where(eq(issues.id, input.issue));
  if (!exists) throw invalid('issue', `Invalid pk "${input.issue}" - object does not exist.`);
  const { issue, chain } = await loadIssue(tx, actor, input.issue, 'view');
  const now = new Date();
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
  const [after] = await representComments(tx, [comment], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'create',
    resource: 'comment',
    organizationId: chain.task.organizationId,
    projectId: chain.task.projectId,
    before: null,
    after,
  });
  return after;
}

export async function updateComment(tx: Tx, actor: Actor, id: number, input: UpdateCommentInput) {
  const { comment, chain } = await loadComment(tx, actor, id, 'update', true);
  const [before] = await representComments(tx, [comment], actor.baseUrl);
  const [updated] = await tx
    .update(comments)
    .set({ message: input.message, updatedDate: new Date() })
    .where(eq(comments.id, id))
    .returning();
  const [after] = await representComments(tx, [updated], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'update',
    resource: 'comment',
    organizationId: chain.task.organizationId,
    projectId: chain.task.projectId,
    before,
    after,
  });
  return after;
}

export async function deleteComment(tx: Tx, actor: Actor, id: number) {
  const { comment, chain } = await loadComment(tx, actor, id, 'delete', true);
  const [before] = await representComments(tx, [comment], actor.baseUrl);
  await recordChange(tx, actor, {
    action: 'delete',
    resource: 'comment',
    organizationId: chain.task.organizationId,
    projectId: chain.task.projectId,
    before,
    after: null,
  });
  await tx.delete(comments).where(eq(comments.id, id));
}
