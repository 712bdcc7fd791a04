import { transaction } from '@/db/transaction';
import { acceptInvitation } from '@/lib/invitations/invitations';
import { apiRoute, json } from '@/lib/http/route';

export const POST = apiRoute(async ({ db, actor, params }) => {
  const membership = await transaction(db, (tx) => acceptInvitation(tx, actor, params.key));
  return json({ organization: membership.organization, membership });
});
