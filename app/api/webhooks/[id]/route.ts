import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json, noContent } from '@/lib/http/route';
import { replaceWebhookSchema, updateWebhookSchema } from '@/lib/webhooks/schemas';
import { deleteWebhook, getWebhook, updateWebhook } from '@/lib/webhooks/webhooks';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getWebhook(db, actor, parseId(params.id))),
);

export const PATCH = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, updateWebhookSchema);
  return json(await transaction(db, (tx) => updateWebhook(tx, actor, id, input)));
});

export const PUT = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, replaceWebhookSchema);
  return json(await transaction(db, (tx) => updateWebhook(tx, actor, id, input)));
});

export const DELETE = apiRoute(async ({ db, actor, params }) => {
  const id = parseId(params.id);
  await transaction(db, (tx) => deleteWebhook(tx, actor, id));
  return noContent();
});
