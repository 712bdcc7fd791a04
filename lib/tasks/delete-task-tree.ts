import { asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { comments, issues, jobs, tasks } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { recordChange } from '@/lib/changes/record-change';
import { representComments } from '@/lib/comments/representation';
import { representIssues } from '@/lib/issues/representation';
import { representJobs } from '@/lib/jobs/representation';
import { removeTaskMedia } from './media';
import { representTasks, type TaskRow } from './representation';

/**
 * Deletes a task with its jobs, issues and comments, announcing each of them (children first) with
 * the representation it had just before the deletion.
 */
export async function deleteTaskTree(tx: Tx, actor: Actor, task: TaskRow) {
  const scope = { organizationId: task.organizationId, projectId: task.projectId };
  const [taskBefore] = await representTasks(tx, [task], actor.baseUrl);
  const jobRows = await tx.select().from(jobs).where(eq(jobs.taskId, task.id)).orderBy(asc(jobs.id));
  const jobIds = jobRows.map((j) => j.id);
  const issueRows = jobIds.length
    ? await tx.select().from(issues).where(inArray(issues.jobId, jobIds)).orderBy(asc(issues.id))
    : [];
  const issueIds = issueRows.map((i) => i.id);
  const commentRows = issueIds.length
    ? await tx.select().from(comments).where(inArray(comments.issueId, issueIds)).orderBy(asc(comments.id))
    : [];
  const deleted = [
    ...(await representComments(tx, commentRows, actor.baseUrl)).map((r) => ['comment', r] as const),
    ...(await representIssues(tx, issueRows, actor.baseUrl)).map((r) => ['issue', r] as const),
    ...(await representJobs(tx, jobRows, actor.baseUrl)).map((r) => ['job', r] as const),
    ['task', taskBefore] as const,
  ];
  for (const [resource, before] of deleted) {
    await recordChange(tx, actor, { action: 'delete', resource, ...scope, before, after: null });
  }
  await tx.delete(tasks).where(eq(tasks.id, task.id));
  removeTaskMedia(tx, task.id);
}
