import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { comments, issues, jobs, projects, tasks, users } from '@/db/schema';
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
import { filterField, jsonLogicWhere, type FilterFields } from '@/lib/http/json-logic-filter';
import { intFilter, orderBy, type ListQuery } from '@/lib/http/list-query';
import type { Page } from '@/lib/http/pagination';
import { loadIssue } from '@/lib/issues/issues';
import { representComments } from './representation';
import type { CreateCommentInput, UpdateCommentInput } from './schemas';

const SORTABLE = {
  id: comments.id,
  issue_id: comments.issueId,
  created_date: comments.createdDate,
  updated_date: comments.updatedDate,
  owner: sql`(select ${users.username} from ${users} where ${users.id} = ${comments.ownerId})`,
};

/** CVAT's `filter_fields` for comments (over comments joined with their issue). */
export const FILTER_FIELDS: FilterFields = {
  owner: filterField.string(SORTABLE.owner),
  id: filterField.integer(comments.id),
  issue_id: filterField.integer(comments.issueId),
  frame_id: filterField.integer(issues.frame),
  job_id: filterField.integer(issues.jobId),
};

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

export async function listComments(tx: Tx, actor: Actor, query: ListQuery, page: Page) {
  // A comment is seen by whoever sees its issue: the issue's rule, on the joined rows.
  const filters: (SQL | undefined)[] = [
    visibleWhere(actor.user, issueRule),
    orgContextWhere(actor.org, tasks.organizationId),
    jsonLogicWhere(query.filter, FILTER_FIELDS),
  ];
  const issueId = intFilter(query, 'issue_id') ?? intFilter(query, 'issue');
  if (issueId !== undefined) filters.push(eq(comments.issueId, issueId));
  const jobId = intFilter(query, 'job_id');
  if (jobId !== undefined) filters.push(eq(issues.jobId, jobId));
  const owner = query.filters.get('owner');
  if (owner !== undefined)
    filters.push(
      sql`${comments.ownerId} in (select ${users.id} from ${users} where ${users.username} = ${owner})`,
    );
  const where = and(...filters);
  const from = <T extends ReturnType<Tx['select']>>(q: T) =>
    q
      .from(comments)
      .innerJoin(issues, eq(issues.id, comments.issueId))
      .innerJoin(jobs, eq(jobs.id, issues.jobId))
      .innerJoin(tasks, eq(tasks.id, jobs.taskId))
      .leftJoin(projects, eq(projects.id, tasks.projectId));
  const [{ total }] = await from(tx.select({ total: count() })).where(where);
  const rows = await from(tx.select({ comment: comments }))
    .where(where)
    .orderBy(...orderBy(query.sort, SORTABLE, [desc(comments.id)]))
    .limit(page.limit ?? 2 ** 31 - 1)
    .offset(page.offset);
  return {
    count: Number(total),
    results: await representComments(
      tx,
      rows.map((r) => r.comment as typeof comments.$inferSelect),
      actor.baseUrl,
    ),
  };
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
