import { transaction } from '@/db/transaction';
import { createInvitation, invitationList } from '@/lib/invitations/invitations';
import { createInvitationSchema } from '@/lib/invitations/schemas';
import { readBody } from '@/lib/http/parse';
import { apiRoute, json, listRoute } from '@/lib/http/route';

export const GET = listRoute(invitationList);

export const POST = apiRoute(async ({ req, db, actor }) => {
  const input = await readBody(req, createInvitationSchema);
  return json(await transaction(db, (tx) => createInvitation(tx, actor, input)), 201);
});
