import { parseId } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { getMessage } from '@/lib/webhooks/deliveries';

/** A series by its `delivery_id` (the `webhook-id` header), with every attempt that carried it. */
export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getMessage(db, actor, parseId(params.id), params.deliveryId)),
);
