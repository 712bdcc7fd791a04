import { parseId } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { getDeliveryStats } from '@/lib/webhooks/deliveries';

/** `?bucket=minute|hour|day`: successes and failures over time, for the webhook page's chart. */
export const GET = apiRoute(async ({ db, actor, params, url }) =>
  json(await getDeliveryStats(db, actor, parseId(params.id), url.searchParams.get('bucket') ?? 'hour')),
);
