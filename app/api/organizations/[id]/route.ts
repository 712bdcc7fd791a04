import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json, noContent } from '@/lib/http/route';
import { deleteOrganization, getOrganization, updateOrganization } from '@/lib/organizations/organizations';
import { updateOrganizationSchema } from '@/lib/organizations/schemas';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getOrganization(db, actor, parseId(params.id))),
);

export const PATCH = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, updateOrganizationSchema);
  return json(await transaction(db, (tx) => updateOrganization(tx, actor, id, input)));
});

export const DELETE = apiRoute(async ({ db, actor, params }) => {
  const id = parseId(params.id);
  await transaction(db, (tx) => deleteOrganization(tx, actor, id));
  return noContent();
});
