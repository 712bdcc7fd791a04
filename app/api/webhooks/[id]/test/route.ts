import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { sendExample } from '@/lib/webhooks/deliveries';
import { sendExampleSchema } from '@/lib/webhooks/schemas';

/** Sends an event's example payload now and returns its attempt, as Ping does. */
export const POST = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const { event } = await readBody(req, sendExampleSchema);
  return json(await sendExample(db, actor, id, event));
});
