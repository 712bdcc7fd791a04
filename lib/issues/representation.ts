import { count, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { comments, issues } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';

export type IssueRow = typeof issues.$inferSelect;

export async function representIssues(tx: Tx, rows: IssueRow[], baseUrl: string) {
  if (rows.length === 0) return [];
  const commentCounts = new Map(
    (
      await tx
        .select({ issueId: comments.issueId, n: count() })
        .from(comments)
        .where(
          inArray(
            comments.issueId,
            rows.map((i) => i.id),
          ),
        )
        .groupBy(comments.issueId)
    ).map((r) => [r.issueId, r.n]),
  );
  const people = await loadBasicUsers(
    tx,
    rows.flatMap((i) => [i.ownerId, i.assigneeId]),
    baseUrl,
  );
  return rows.map((i) => ({
    url: `${baseUrl}/api/issues/${i.id}`,
    id: i.id,
    frame: i.frame,
    position: i.position,
    job: i.jobId,
    owner: pick(people, i.ownerId),
    assignee: pick(people, i.assigneeId),
    resolved: i.resolved,
    created_date: iso(i.createdDate),
    updated_date: iso(i.updatedDate),
    comments: { count: commentCounts.get(i.id) ?? 0, url: `${baseUrl}/api/comments?issue_id=${i.id}` },
  }));
}

export type IssueRepresentation = Awaited<ReturnType<typeof representIssues>>[number];
