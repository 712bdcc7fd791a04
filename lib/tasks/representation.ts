import { asc, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { jobs, segments, taskData, tasks } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { jobStatus } from '@/lib/jobs/status';
import { loadLabels } from '@/lib/projects/labels';
import { representStorage } from '@/lib/projects/storages';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';

export type TaskRow = typeof tasks.$inferSelect;

/** A task is as far along as its least advanced job. */
function taskStatus(stages: string[]): string {
  if (stages.length === 0 || stages.includes('annotation')) return 'annotation';
  if (stages.includes('validation')) return 'validation';
  return 'completed';
}

/**
 * The keys of the seed's task examples (the data keys appear once images are attached), plus CVAT's `jobs`
 * summary `{count, completed, validation, url}`, which CVAT's own task payloads carry too.
 */
export async function representTasks(tx: Tx, rows: TaskRow[], baseUrl: string) {
  if (rows.length === 0) return [];
  const ids = rows.map((t) => t.id);
  const segmentRows = await tx
    .select()
    .from(segments)
    .where(inArray(segments.taskId, ids))
    .orderBy(asc(segments.startFrame), asc(segments.id));
  const jobRows = await tx.select().from(jobs).where(inArray(jobs.taskId, ids)).orderBy(asc(jobs.id));
  const dataIds = rows.map((t) => t.dataId).filter((d): d is number => d !== null);
  const dataRows = new Map(
    (dataIds.length ? await tx.select().from(taskData).where(inArray(taskData.id, dataIds)) : []).map((d) => [
      d.id,
      d,
    ]),
  );
  const projectIds = [...new Set(rows.map((t) => t.projectId).filter((p): p is number => p !== null))];
  const { byProject, byTask } = await loadLabels(tx, { projectIds, taskIds: ids });
  const people = await loadBasicUsers(
    tx,
    [...rows.flatMap((t) => [t.ownerId, t.assigneeId]), ...jobRows.map((j) => j.assigneeId)],
    baseUrl,
  );

  return rows.map((t) => {
    const taskJobs = jobRows.filter((j) => j.taskId === t.id);
    const data = t.dataId !== null ? dataRows.get(t.dataId) : undefined;
    const taskSegments = segmentRows
      .filter((s) => s.taskId === t.id)
      .map((s) => ({
        start_frame: s.startFrame,
        stop_frame: s.stopFrame,
        jobs: taskJobs
          .filter((j) => j.segmentId === s.id)
          .map((j) => ({
            url: `${baseUrl}/api/jobs/${j.id}`,
            id: j.id,
            assignee: pick(people, j.assigneeId),
            status: jobStatus(j.stage),
            stage: j.stage,
            state: j.state,
          })),
      }));
    return {
      url: `${baseUrl}/api/tasks/${t.id}`,
      id: t.id,
      name: t.name,
      project_id: t.projectId,
      mode: t.mode,
      owner: pick(people, t.ownerId),
      assignee: pick(people, t.assigneeId),
      bug_tracker: t.bugTracker,
      created_date: iso(t.createdDate),
      updated_date: iso(t.updatedDate),
      overlap: t.overlap,
      segment_size: t.segmentSize,
      status: taskStatus(taskJobs.map((j) => j.stage)),
      labels: (t.projectId !== null ? byProject.get(t.projectId) : byTask.get(t.id)) ?? [],
      segments: taskSegments,
      ...(data
        ? {
            data_chunk_size: data.chunkSize,
            data_compressed_chunk_type: data.compressedChunkType,
            data_original_chunk_type: data.originalChunkType,
            size: data.size,
            image_quality: data.imageQuality,
            data: data.id,
          }
        : {}),
      dimension: '2d',
      subset: t.subset,
      organization: t.organizationId,
      target_storage: representStorage(t.targetStorageId),
      source_storage: representStorage(t.sourceStorageId),
      // CVAT's JobsSummarySerializer: a job is completed once accepted and marked completed.
      jobs: {
        count: taskJobs.length,
        completed: taskJobs.filter((j) => j.stage === 'acceptance' && j.state === 'completed').length,
        validation: taskJobs.filter((j) => j.stage === 'validation').length,
        url: `${baseUrl}/api/jobs?task_id=${t.id}`,
      },
    };
  });
}

export type TaskRepresentation = Awaited<ReturnType<typeof representTasks>>[number];
