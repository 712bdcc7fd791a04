import { transaction } from '@/db/transaction';
import { deleteInvitation, getInvitation } from '@/lib/invitations/invitations';
import { apiRoute, json, noContent } from '@/lib/http/route';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getInvitation(db, actor, params.key)),
);

export const DELETE = apiRoute(async ({ db, actor, params }) => {
  await transaction(db, (tx) => deleteInvitation(tx, actor, params.key, 'revoke'));
  return noContent();
});
