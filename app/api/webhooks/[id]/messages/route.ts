import { parseId } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { messageList } from '@/lib/webhooks/deliveries';

export const GET = apiRoute(async ({ db, actor, params, url }) =>
  json(await messageList.respond(db, actor, url, parseId(params.id))),
);
