import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json, noContent } from '@/lib/http/route';
import { deleteComment, getComment, updateComment } from '@/lib/comments/comments';
import { updateCommentSchema } from '@/lib/comments/schemas';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getComment(db, actor, parseId(params.id))),
);

export const PATCH = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, updateCommentSchema);
  return json(await transaction(db, (tx) => updateComment(tx, actor, id, input)));
});

export const DELETE = apiRoute(async ({ db, actor, params }) => {
  const id = parseId(params.id);
  await transaction(db, (tx) => deleteComment(tx, actor, id));
  return noContent();
});
