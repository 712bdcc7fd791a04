import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';
import type { projects } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { toBasicUser } from '@/lib/users/representation';
import { toLabel, type Label } from './labels';
import { representStorage } from './storages';

export type ProjectRow = typeof projects.$inferSelect;

type Person = { id: number; username: string; firstName: string; lastName: string };
type Related = { id: number; labels: Omit<Label, 'attributes' | 'sublabels' | 'has_parent'>[]; task_count: number; people: Person[] | null };
export type ProjectRelations = Map<number, Related>;

/**
 * What a project's representation needs beyond its row (people, labels, task count) in one statement,
 * whatever the number of projects: it is on the path of every `update:project` event.
 */
export async function loadProjectRelations(tx: Tx, rows: ProjectRow[]): Promise<ProjectRelations> {
  if (rows.length === 0) return new Map();
  const found = await queryRows<Related>(tx, sql`
    select p.id,
      coalesce((select json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color, 'type', l.type) order by l.id)
        from labels l where l.project_id = p.id), '[]') as labels,
      (select count(*)::int from tasks t where t.project_id = p.id) as task_count,
      (select json_agg(json_build_object('id', u.id, 'username', u.username, 'firstName', u.first_name, 'lastName', u.last_name))
        from users u where u.id in (p.owner_id, p.assignee_id)) as people
    from unnest(${idArray(rows.map((r) => r.id))}, ${idArray(rows.map((r) => r.ownerId ?? 0))}, ${idArray(rows.map((r) => r.assigneeId ?? 0))})
      as p(id, owner_id, assignee_id)`);
  return new Map(found.map((r) => [r.id, r]));
}

/** `relations`: those of these very rows, when the caller has them already (see updateProject). */
export async function representProjects(tx: Tx, rows: ProjectRow[], baseUrl: string, relations?: ProjectRelations) {
  if (rows.length === 0) return [];
  const related = relations ?? (await loadProjectRelations(tx, rows));
  return rows.map((p) => {
    const { labels = [], task_count: taskCount = 0, people } = related.get(p.id) ?? {};
    const person = (id: number | null) => toBasicUser(id === null ? null : people?.find((u) => u.id === id), baseUrl);
    return {
      url: `${baseUrl}/api/projects/${p.id}`,
      id: p.id,
      name: p.name,
      labels: labels.map(toLabel),
      tasks: { count: taskCount, url: `${baseUrl}/api/tasks?project_id=${p.id}` },
      owner: person(p.ownerId),
      assignee: person(p.assigneeId),
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
