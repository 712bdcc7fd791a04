import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { labels } from '@/db/schema';
import { invalid } from '@/lib/http/errors';
import type { LabelInput } from './schemas';

type Owner = { projectId: number } | { taskId: number };

export type Label = {
  id: number;
  name: string;
  color: string;
  attributes: [];
  type: string;
  sublabels: [];
  has_parent: false;
};

// A fixed palette so that the same label set looks the same everywhere.
const PALETTE = [
  '#bde94a',
  '#33ddff',
  '#fa3253',
  '#34d1b7',
  '#ff007c',
  '#ddff33',
  '#24b353',
  '#b83df5',
  '#66ff66',
  '#32b7fa',
  '#ffcc33',
  '#83e070',
];

function ownerWhere(owner: Owner) {
  return 'projectId' in owner ? eq(labels.projectId, owner.projectId) : eq(labels.taskId, owner.taskId);
}

/** A label as CVAT shows it; Herald keeps no attributes or sublabels. */
export function toLabel(row: Pick<typeof labels.$inferSelect, 'id' | 'name' | 'color' | 'type'>): Label {
  return {
    id: row.id,
    name: row.name,
    color: row.color,
    attributes: [],
    type: row.type,
    sublabels: [],
    has_parent: false,
  };
}

export async function loadLabels(tx: Tx, owners: { projectIds: number[]; taskIds: number[] }) {
  const byProject = new Map<number, Label[]>();
  const byTask = new Map<number, Label[]>();
  const conditions = [];
  if (owners.projectIds.length) conditions.push(inArray(labels.projectId, owners.projectIds));
  if (owners.taskIds.length) conditions.push(inArray(labels.taskId, owners.taskIds));
  for (const condition of conditions) {
    const rows = await tx.select().from(labels).where(condition).orderBy(asc(labels.id));
    for (const row of rows) {
      const label = toLabel(row);
      if (row.projectId !== null)
        (byProject.get(row.projectId) ?? byProject.set(row.projectId, []).get(row.projectId)!).push(label);
      else if (row.taskId !== null)
        (byTask.get(row.taskId) ?? byTask.set(row.taskId, []).get(row.taskId)!).push(label);
    }
  }
  return { byProject, byTask };
}

/**
 * CVAT's label semantics: entries with an `id` update that label (or remove it with `deleted: true`),
 * entries without one are added. Names stay unique within the owner.
 */
export async function saveLabels(tx: Tx, owner: Owner, input: LabelInput[]) {
  const existing = await tx.select().from(labels).where(ownerWhere(owner)).orderBy(asc(labels.id));
  const byId = new Map(existing.map((l) => [l.id, l]));
  const names = new Map(existing.map((l) => [l.name, l.id]));
  let paletteIndex = existing.length;
  for (const [i, item] of input.entries()) {
    if (item.id !== undefined) {
      const current = byId.get(item.id);
      if (!current) throw invalid(`labels.${i}.id`, `Label ${item.id} does not belong here.`);
      if (item.deleted) {
        await tx.delete(labels).where(eq(labels.id, item.id));
        names.delete(current.name);
        continue;
      }
      const holder = names.get(item.name);
      if (holder !== undefined && holder !== item.id)
        throw invalid(`labels.${i}.name`, `Label "${item.name}" already exists.`);
      names.delete(current.name);
      names.set(item.name, item.id);
      await tx
        .update(labels)
        .set({ name: item.name, color: item.color ?? current.color })
        .where(and(eq(labels.id, item.id)));
      continue;
    }
    if (item.deleted) continue;
    if (names.has(item.name)) throw invalid(`labels.${i}.name`, `Label "${item.name}" already exists.`);
    const [row] = await tx
      .insert(labels)
      .values({ ...owner, name: item.name, color: item.color ?? PALETTE[paletteIndex++ % PALETTE.length] })
      .returning({ id: labels.id });
    names.set(item.name, row.id);
  }
}
