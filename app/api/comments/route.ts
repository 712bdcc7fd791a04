import { transaction } from '@/db/transaction';
import { readBody } from '@/lib/http/parse';
import { apiRoute, json, listRoute } from '@/lib/http/route';
import { createComment, commentList } from '@/lib/comments/comments';
import { createCommentSchema } from '@/lib/comments/schemas';

export const GET = listRoute(commentList);

export const POST = apiRoute(async ({ req, db, actor }) => {
  const input = await readBody(req, createCommentSchema);
  return json(await transaction(db, (tx) => createComment(tx, actor, input)), 201);
});
