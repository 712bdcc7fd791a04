import { parseId, readNoInput } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { pingWebhook } from '@/lib/webhooks/deliveries';

export const POST = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  await readNoInput(req);
  return json(await pingWebhook(db, actor, id));
});
