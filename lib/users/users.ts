import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { users } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { mayDeleteUser, mayUpdateUser } from '@/lib/auth/policy';
import { recordChange } from '@/lib/changes/record-change';
import { forbidden, invalid, notFound } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import { defineList } from '@/lib/lists/define-list';
import { simpleFilter } from '@/lib/lists/simple-filters';
import { deleteMembershipsOfUser } from '@/lib/memberships/memberships';
import { toUser } from './representation';
import type { UpdateUserInput } from './schemas';

/** GET /api/users: every signed-in user may look people up (to assign or invite them); emails stay private. */
export const userList = defineList({
  table: users,
  scope: () => [eq(users.isActive, true)],
  filterFields: {
    username: filterField.string(users.username),
    first_name: filterField.string(users.firstName),
    last_name: filterField.string(users.lastName),
    id: filterField.integer(users.id),
    is_active: filterField.boolean(users.isActive),
  },
  filters: { username: simpleFilter.text(users.username), id: simpleFilter.integer(users.id) },
  search: [users.username, users.firstName, users.lastName],
  sortable: {
    id: users.id,
    username: users.username,
    first_name: users.firstName,
    last_name: users.lastName,
  },
  defaultOrder: [asc(users.id)],
  represent: (_db, rows, actor) =>
    rows.map((u) => toUser(u, actor.baseUrl, u.id === actor.user.id || actor.user.isSuperuser)),
});

export async function getUser(db: Db, actor: Actor, id: number) {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  if (!user) throw notFound();
  return toUser(user, actor.baseUrl, user.id === actor.user.id || actor.user.isSuperuser);
}

/**
 * PATCH /api/users/{id}: names by the user or an administrator; `is_active` and `is_superuser` by an
 * administrator only. Recorded as `update:user` for server webhooks, with the user as an administrator sees it.
 */
export async function updateUser(tx: Tx, actor: Actor, id: number, input: UpdateUserInput) {
  const [user] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  if (!user) throw notFound();
  const isAccessChange = input.is_active !== undefined || input.is_superuser !== undefined;
  if (!mayUpdateUser(actor.user, user, { isAccessChange })) {
    throw forbidden(
      isAccessChange
        ? 'Only administrators may change who is active or an administrator.'
        : 'You may change only your own account.',
    );
  }
  if (user.id === actor.user.id && (input.is_active === false || input.is_superuser === false)) {
    throw invalid(
      input.is_active === false ? 'is_active' : 'is_superuser',
      'An administrator may not deactivate or demote themself.',
    );
  }
  const [updated] = await tx
    .update(users)
    .set({
      firstName: input.first_name,
      lastName: input.last_name,
      isActive: input.is_active,
      isSuperuser: input.is_superuser,
    })
    .where(eq(users.id, id))
    .returning();
  const before = toUser(user, actor.baseUrl, true);
  const after = toUser(updated, actor.baseUrl, true);
  await recordChange(tx, actor, {
    action: 'update',
    resource: 'user',
    organizationId: null,
    projectId: null,
    before,
    after,
  });
  return toUser(updated, actor.baseUrl, updated.id === actor.user.id || actor.user.isSuperuser);
}

/** DELETE /api/users/{id} (administrators; not their own account): `delete:user`, then the account goes. */
export async function deleteUser(tx: Tx, actor: Actor, id: number) {
  if (!mayDeleteUser(actor.user)) throw forbidden('Only administrators may delete accounts.');
  const [user] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  if (!user) throw notFound();
  if (user.id === actor.user.id)
    throw invalid('non_field_errors', 'An administrator may not delete their own account.');
  await recordChange(tx, actor, {
    action: 'delete',
    resource: 'user',
    organizationId: null,
    projectId: null,
    before: toUser(user, actor.baseUrl, true),
    after: null,
  });
  await deleteMembershipsOfUser(tx, actor, id);
  // What they owned stays, ownerless (the foreign keys set null); their tokens go with them.
  await tx.delete(users).where(eq(users.id, id));
}
