import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json, noContent } from '@/lib/http/route';
import { deleteTask, getTask, updateTask } from '@/lib/tasks/tasks';
import { updateTaskSchema } from '@/lib/tasks/schemas';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getTask(db, actor, parseId(params.id))),
);

export const PATCH = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, updateTaskSchema);
  return json(await transaction(db, (tx) => updateTask(tx, actor, id, input)));
});

export const DELETE = apiRoute(async ({ db, actor, params }) => {
  const id = parseId(params.id);
  await transaction(db, (tx) => deleteTask(tx, actor, id));
  return noContent();
});
