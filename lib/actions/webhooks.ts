'use server';

import { transaction } from '@/db/transaction';
import { parseInput } from '@/lib/http/parse';
import {
  createWebhookSchema,
  recoverWebhookSchema,
  sendExampleSchema,
  updateWebhookSchema,
} from '@/lib/webhooks/schemas';
import { pingWebhook, recoverDeliveries, redeliver, sendExample } from '@/lib/webhooks/deliveries';
import { createWebhook, deleteWebhook, updateWebhook } from '@/lib/webhooks/webhooks';
import { idOf, runAction, type ActionScope } from './run-action';

// Server actions of the webhook pages: the glue of app/api/webhooks. Ping is sent within the action and
// returns its delivery, as POST …/ping does; a redelivery is queued and sent right after its commit.

export async function createWebhookAction(scope: ActionScope, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const body = parseInput(createWebhookSchema, input);
    return transaction(db, (tx) => createWebhook(tx, actor, body));
  });
}

export async function updateWebhookAction(scope: ActionScope, id: unknown, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const webhookId = idOf(id);
    const body = parseInput(updateWebhookSchema, input);
    return transaction(db, (tx) => updateWebhook(tx, actor, webhookId, body));
  });
}

export async function deleteWebhookAction(scope: ActionScope, id: unknown) {
  return runAction(scope, async ({ db, actor }) => {
    const webhookId = idOf(id);
    await transaction(db, (tx) => deleteWebhook(tx, actor, webhookId));
    return null;
  });
}

export async function pingWebhookAction(scope: ActionScope, id: unknown) {
  return runAction(scope, ({ db, actor }) => pingWebhook(db, actor, idOf(id)));
}

/** "Send example": an event's example payload, sent within the action as POST …/test does. */
export async function sendExampleAction(scope: ActionScope, id: unknown, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const webhookId = idOf(id);
    const { event } = parseInput(sendExampleSchema, input);
    return sendExample(db, actor, webhookId, event);
  });
}

export async function redeliverAction(scope: ActionScope, webhookId: unknown, deliveryId: unknown) {
  return runAction(scope, async ({ db, actor }) => {
    const hook = idOf(webhookId);
    const delivery = idOf(deliveryId, 'delivery');
    await transaction(db, (tx) => redeliver(tx, actor, hook, delivery));
    return {};
  });
}

/** Recover (as POST …/recover): with `dry_run` only the count, else the matching messages are queued again. */
export async function recoverDeliveriesAction(scope: ActionScope, webhookId: unknown, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const hook = idOf(webhookId);
    const body = parseInput(recoverWebhookSchema, input);
    return transaction(db, (tx) => recoverDeliveries(tx, actor, hook, body));
  });
}
