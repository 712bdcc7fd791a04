import { eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';
import { projects } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { toBasicUser } from '@/lib/users/representation';
import { toLabel, type Label } from './labels';
import { representStorage } from './storages';

export type ProjectRow = typeof projects.$inferSelect;

type Person = { id: number; username: string; firstName: string; lastName: string };
type Related = {
  labels: Omit<Label, 'attributes' | 'sublabels' | 'has_parent'>[];
  task_count: number;
  people: Person[] | null;
};
export type ProjectRelations = Map<number, Related>;

/**
 * What a project's representation needs beyond its row (people, labels, task count) as one JSON value,
 * for any query that has the project's id, owner and assignee: it is on the path of every
 * `update:project` event, so it never costs a statement of its own there.
 */
function relatedJson(id: SQL, ownerId: SQL, assigneeId: SQL) {
  return sql<Related>`json_build_object(
    'labels', coalesce((select json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color, 'type', l.type) order by l.id)
      from labels l where l.project_id = ${id}), '[]'),
    'task_count', (select count(*)::int from tasks t where t.project_id = ${id}),
    'people', (select json_agg(json_build_object('id', u.id, 'username', u.username, 'firstName', u.first_name, 'lastName', u.last_name))
      from users u where u.id in (${ownerId}, ${assigneeId})))`;
}

/** The relations of many projects in one statement. */
export async function loadProjectRelations(tx: Tx, rows: ProjectRow[]): Promise<ProjectRelations> {
  if (rows.length === 0) return new Map();
  const found = await queryRows<{ id: number; related: Related }>(
    tx,
    sql`
    select p.id, ${relatedJson(sql`p.id`, sql`p.owner_id`, sql`p.assignee_id`)} as related
    from unnest(${idArray(rows.map((r) => r.id))}, ${idArray(rows.map((r) => r.ownerId ?? 0))}, ${idArray(rows.map((r) => r.assigneeId ?? 0))})
      as p(id, owner_id, assignee_id)`,
  );
  return new Map(found.map((r) => [r.id, r.related]));
}

/**
 * A project's row, locked for update, with its relations: the first statement of every update.
 * Undefined when the row is absent or another transaction holds it: a statement that waited for the
 * lock would have read the relations from before that transaction's changes.
 */
export async function lockProjectWithRelations(
  tx: Tx,
  id: number,
): Promise<{ project: ProjectRow; relations: ProjectRelations } | undefined> {
  const [found] = await tx
    .select({
      project: projects,
      related: relatedJson(sql`${projects.id}`, sql`${projects.ownerId}`, sql`${projects.assigneeId}`),
    })
    .from(projects)
    .where(eq(projects.id, id))
    .for('update', { skipLocked: true });
  return found && { project: found.project, relations: new Map([[found.project.id, found.related]]) };
}

/** `relations`: those of these very rows, when the caller has them already (see updateProject). */
export async function representProjects(
  tx: Tx,
  rows: ProjectRow[],
  baseUrl: string,
  relations?: ProjectRelations,
) {
  if (rows.length === 0) return [];
  const related = relations ?? (await loadProjectRelations(tx, rows));
  return rows.map((p) => {
    const { labels = [], task_count: taskCount = 0, people } = related.get(p.id) ?? {};
    const person = (id: number | null) =>
      toBasicUser(id === null ? null : people?.find((u) => u.id === id), baseUrl);
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
