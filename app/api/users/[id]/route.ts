import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json, noContent } from '@/lib/http/route';
import { updateUserSchema } from '@/lib/users/schemas';
import { deleteUser, getUser, updateUser } from '@/lib/users/users';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getUser(db, actor, parseId(params.id))),
);

export const PATCH = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, updateUserSchema);
  return json(await transaction(db, (tx) => updateUser(tx, actor, id, input)));
});

export const DELETE = apiRoute(async ({ db, actor, params }) => {
  const id = parseId(params.id);
  await transaction(db, (tx) => deleteUser(tx, actor, id));
  return noContent();
});
