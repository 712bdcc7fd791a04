import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json, noContent } from '@/lib/http/route';
import { deleteProject, getProject, updateProject } from '@/lib/projects/projects';
import { updateProjectSchema } from '@/lib/projects/schemas';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getProject(db, actor, parseId(params.id))),
);

export const PATCH = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, updateProjectSchema);
  return json(await transaction(db, (tx) => updateProject(tx, actor, id, input)));
});

export const DELETE = apiRoute(async ({ db, actor, params }) => {
  const id = parseId(params.id);
  await transaction(db, (tx) => deleteProject(tx, actor, id));
  return noContent();
});
