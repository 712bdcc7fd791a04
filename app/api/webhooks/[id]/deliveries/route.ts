import { parseId } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { deliveryList } from '@/lib/webhooks/deliveries';

export const GET = apiRoute(async ({ db, actor, params, url }) =>
  json(await deliveryList.respond(db, actor, url, parseId(params.id))),
);
