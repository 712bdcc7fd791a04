import { transaction } from '@/db/transaction';
import { deleteInvitation } from '@/lib/invitations/invitations';
import { apiRoute, noContent } from '@/lib/http/route';

export const POST = apiRoute(async ({ db, actor, params }) => {
  await transaction(db, (tx) => deleteInvitation(tx, actor, params.key, 'decline'));
  return noContent();
});
