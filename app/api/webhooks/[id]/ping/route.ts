import { parseId } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { pingWebhook } from '@/lib/webhooks/webhooks';

export const POST = apiRoute(async ({ db, actor, params }) => json(await pingWebhook(db, actor, parseId(params.id))));
