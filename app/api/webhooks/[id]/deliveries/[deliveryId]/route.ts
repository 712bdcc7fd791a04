import { parseId } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { getDelivery } from '@/lib/webhooks/deliveries';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getDelivery(db, actor, parseId(params.id), parseId(params.deliveryId, 'delivery'))),
);
