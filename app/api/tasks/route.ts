import { transaction } from '@/db/transaction';
import { readBody } from '@/lib/http/parse';
import { apiRoute, json, listRoute } from '@/lib/http/route';
import { createTask, taskList } from '@/lib/tasks/tasks';
import { createTaskSchema } from '@/lib/tasks/schemas';

export const GET = listRoute(taskList);

export const POST = apiRoute(async ({ req, db, actor }) => {
  const input = await readBody(req, createTaskSchema);
  return json(await transaction(db, (tx) => createTask(tx, actor, input)), 201);
});
