import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { recoverDeliveries } from '@/lib/webhooks/deliveries';
import { recoverWebhookSchema } from '@/lib/webhooks/schemas';

export const POST = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, recoverWebhookSchema);
  return json(await transaction(db, (tx) => recoverDeliveries(tx, actor, id, input)));
});
