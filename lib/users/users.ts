import { and, asc, count, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { notFound } from '@/lib/http/errors';
import { filterField, jsonLogicWhere, type FilterFields } from '@/lib/http/json-logic-filter';
import { containsPattern, intFilter, orderBy, type ListQuery } from '@/lib/http/list-query';
import type { Page } from '@/lib/http/pagination';
import { toUser } from './representation';

const SORTABLE = { id: users.id, username: users.username, first_name: users.firstName, last_name: users.lastName };

/** CVAT's `filter_fields` for users. */
export const FILTER_FIELDS: FilterFields = {
  username: filterField.string(users.username),
  first_name: filterField.string(users.firstName),
  last_name: filterField.string(users.lastName),
  id: filterField.integer(users.id),
  is_active: filterField.boolean(users.isActive),
};

/** Every signed-in user may look people up (to assign or invite them); emails stay private. */
export async function listUsers(db: Db, actor: Actor, query: ListQuery, page: Page) {
  const filters: (SQL | undefined)[] = [eq(users.isActive, true), jsonLogicWhere(query.filter, FILTER_FIELDS)];
  if (query.search) {
    const pattern = containsPattern(query.search);
    filters.push(or(ilike(users.username, pattern), ilike(users.firstName, pattern), ilike(users.lastName, pattern)));
  }
  const username = query.filters.get('username');
  if (username !== undefined) filters.push(eq(users.username, username));
  const id = intFilter(query, 'id');
  if (id !== undefined) filters.push(eq(users.id, id));
  const where = and(...filters);
  const [{ total }] = await db.select({ total: count() }).from(users).where(where);
  const rows = await db
    .select()
    .from(users)
    .where(where)
    .orderBy(...orderBy(query.sort, SORTABLE, [asc(users.id)]))
    .limit(page.limit ?? 2 ** 31 - 1)
    .offset(page.offset);
  return { count: total, results: rows.map((u) => toUser(u, actor.baseUrl, u.id === actor.user.id || actor.user.isSuperuser)) };
}

export async function getUser(db: Db, actor: Actor, id: number) {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  if (!user) throw notFound();
  return toUser(user, actor.baseUrl, user.id === actor.user.id || actor.user.isSuperuser);
}
