import { transaction } from '@/db/transaction';
import { readBody } from '@/lib/http/parse';
import { apiRoute, json, listRoute } from '@/lib/http/route';
import { createIssue, issueList } from '@/lib/issues/issues';
import { createIssueSchema } from '@/lib/issues/schemas';

export const GET = listRoute(issueList);

export const POST = apiRoute(async ({ req, db, actor }) => {
  const input = await readBody(req, createIssueSchema);
  return json(await transaction(db, (tx) => createIssue(tx, actor, input)), 201);
});
