import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json, noContent } from '@/lib/http/route';
import { deleteMembership, getMembership, updateMembership } from '@/lib/memberships/memberships';
import { updateMembershipSchema } from '@/lib/memberships/schemas';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getMembership(db, actor, parseId(params.id))),
);

export const PATCH = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, updateMembershipSchema);
  return json(await transaction(db, (tx) => updateMembership(tx, actor, id, input)));
});

export const DELETE = apiRoute(async ({ db, actor, params }) => {
  const id = parseId(params.id);
  await transaction(db, (tx) => deleteMembership(tx, actor, id));
  return noContent();
});
