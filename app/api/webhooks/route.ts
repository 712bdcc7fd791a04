import { transaction } from '@/db/transaction';
import { readBody } from '@/lib/http/parse';
import { apiRoute, json, listRoute } from '@/lib/http/route';
import { createWebhookSchema } from '@/lib/webhooks/schemas';
import { createWebhook, webhookList } from '@/lib/webhooks/webhooks';

export const GET = listRoute(webhookList);

export const POST = apiRoute(async ({ req, db, actor }) => {
  const input = await readBody(req, createWebhookSchema);
  return json(await transaction(db, (tx) => createWebhook(tx, actor, input)), 201);
});
