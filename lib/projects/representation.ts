import { count, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { projects, tasks } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';
import { loadLabels } from './labels';
import { representStorage } from './storages';

export type ProjectRow = typeof projects.$inferSelect;

export async function representProjects(tx: Tx, rows: ProjectRow[], baseUrl: string) {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const people = await loadBasicUsers(tx, rows.flatMap((r) => [r.ownerId, r.assigneeId]), baseUrl);
  const { byProject } = await loadLabels(tx, { projectIds: ids, taskIds: [] });
  const taskCounts = new Map(
    (await tx.select({ projectId: tasks.projectId, n: count() }).from(tasks).where(inArray(tasks.projectId, ids)).groupBy(tasks.projectId)).map(
      (r) => [r.projectId!, r.n],
    ),
  );
  return rows.map((p) => {
    const taskCount = taskCounts.get(p.id) ?? 0;
    return {
      url: `${baseUrl}/api/projects/${p.id}`,
      id: p.id,
      name: p.name,
      labels: byProject.get(p.id) ?? [],
      tasks: { count: taskCount, url: `${baseUrl}/api/tasks?project_id=${p.id}` },
      owner: pick(people, p.ownerId),
      assignee: pick(people, p.assigneeId),
      bug_tracker: p.bugTracker,
      created_date: iso(p.createdDate),
      updated_date: iso(p.updatedDate),
      status: p.status,
      // CVAT leaves a project's dimension unset until it holds a task.
      dimension: taskCount > 0 ? '2d' : null,
      organization: p.organizationId,
      target_storage: representStorage(p.targetStorageId),
      source_storage: representStorage(p.sourceStorageId),
      assignee_updated_date: iso(p.assigneeUpdatedDate),
    };
  });
}

export type ProjectRepresentation = Awaited<ReturnType<typeof representProjects>>[number];
