import { transaction } from '@/db/transaction';
import { parseId, readNoInput } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { redeliver } from '@/lib/webhooks/deliveries';

export const POST = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const deliveryId = parseId(params.deliveryId, 'delivery');
  await readNoInput(req);
  await transaction(db, (tx) => redeliver(tx, actor, id, deliveryId));
  return json({});
});
