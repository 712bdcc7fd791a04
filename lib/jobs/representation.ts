import { count, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { issues, jobs, segments, tasks } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';
import { jobStatus } from './status';

export type JobRow = typeof jobs.$inferSelect;

export async function representJobs(tx: Tx, rows: JobRow[], baseUrl: string) {
  if (rows.length === 0) return [];
  const taskRows = new Map(
    (
      await tx
        .select()
        .from(tasks)
        .where(inArray(tasks.id, [...new Set(rows.map((j) => j.taskId))]))
    ).map((t) => [t.id, t]),
  );
  const segmentRows = new Map(
    (
      await tx
        .select()
        .from(segments)
        .where(
          inArray(
            segments.id,
            rows.map((j) => j.segmentId),
          ),
        )
    ).map((s) => [s.id, s]),
  );
  const issueCounts = new Map(
    (
      await tx
        .select({ jobId: issues.jobId, n: count() })
        .from(issues)
        .where(
          inArray(
            issues.jobId,
            rows.map((j) => j.id),
          ),
        )
        .groupBy(issues.jobId)
    ).map((r) => [r.jobId, r.n]),
  );
  const people = await loadBasicUsers(
    tx,
    rows.map((j) => j.assigneeId),
    baseUrl,
  );
  return rows.map((j) => {
    const task = taskRows.get(j.taskId)!;
    const segment = segmentRows.get(j.segmentId)!;
    return {
      url: `${baseUrl}/api/jobs/${j.id}`,
      id: j.id,
      task_id: j.taskId,
      project_id: task.projectId,
      assignee: pick(people, j.assigneeId),
      stage: j.stage,
      state: j.state,
      status: jobStatus(j.stage),
      start_frame: segment.startFrame,
      stop_frame: segment.stopFrame,
      frame_count: segment.stopFrame - segment.startFrame + 1,
      mode: task.mode,
      dimension: '2d',
      bug_tracker: task.bugTracker || null,
      organization: task.organizationId,
      created_date: iso(j.createdDate),
      updated_date: iso(j.updatedDate),
      assignee_updated_date: iso(j.assigneeUpdatedDate),
      issues: { count: issueCounts.get(j.id) ?? 0, url: `${baseUrl}/api/issues?job_id=${j.id}` },
      type: j.type,
    };
  });
}

export type JobRepresentation = Awaited<ReturnType<typeof representJobs>>[number];
