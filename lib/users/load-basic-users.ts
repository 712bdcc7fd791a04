import { inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { users } from '@/db/schema';
import { toBasicUser, type BasicUser } from './representation';

/** BasicUsers for many ids in one query: representations of lists stay at a fixed number of queries. */
export async function loadBasicUsers(tx: Tx, ids: (number | null | undefined)[], baseUrl: string) {
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === 'number'))];
  const map = new Map<number, BasicUser>();
  if (wanted.length === 0) return map;
  const rows = await tx
    .select({ id: users.id, username: users.username, firstName: users.firstName, lastName: users.lastName })
    .from(users)
    .where(inArray(users.id, wanted));
  for (const row of rows) map.set(row.id, toBasicUser(row, baseUrl)!);
  return map;
}

export function pick(map: Map<number, BasicUser>, id: number | null | undefined): BasicUser | null {
  return id == null ? null : (map.get(id) ?? null);
}
