import { transaction } from '@/db/transaction';
import { readBody } from '@/lib/http/parse';
import { apiRoute, json, listRoute } from '@/lib/http/route';
import { createProject, projectList } from '@/lib/projects/projects';
import { createProjectSchema } from '@/lib/projects/schemas';

export const GET = listRoute(projectList);

export const POST = apiRoute(async ({ req, db, actor }) => {
  const input = await readBody(req, createProjectSchema);
  return json(await transaction(db, (tx) => createProject(tx, actor, input)), 201);
});
