import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json, noContent } from '@/lib/http/route';
import { deleteIssue, getIssue, updateIssue } from '@/lib/issues/issues';
import { updateIssueSchema } from '@/lib/issues/schemas';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getIssue(db, actor, parseId(params.id))),
);

export const PATCH = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, updateIssueSchema);
  return json(await transaction(db, (tx) => updateIssue(tx, actor, id, input)));
});

export const DELETE = apiRoute(async ({ db, actor, params }) => {
  const id = parseId(params.id);
  await transaction(db, (tx) => deleteIssue(tx, actor, id));
  return noContent();
});
