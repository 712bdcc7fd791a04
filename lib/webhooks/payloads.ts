import { randomBytes } from 'node:crypto';
import type { Change } from '@/lib/changes/record-change';

/** A delivery series id: the `webhook-id` header every attempt of the same (event, webhook) carries. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/**
 * The payload of a change for each webhook, as the exact bytes to send. The shared parts are
 * serialized once per change; only `webhook_id` differs between webhooks.
 * Key order follows the seed: event, <resource>, before_update, changes, webhook_id, sender.
 */
export function serializeChangePayloads(change: Change, webhookIds: number[]): string[] {
  const event = `${change.action}:${change.resource}`;
  const resource = change.action === 'delete' ? change.before : change.after;
  let head = `{"event":${JSON.stringify(event)},${JSON.stringify(change.resource)}:${JSON.stringify(resource)}`;
  if (change.action === 'update') head += `,"before_update":${JSON.stringify(change.beforeUpdate)},"changes":${JSON.stringify(change.changes)}`;
  const tail = `,"sender":${JSON.stringify(change.sender)}}`;
  return webhookIds.map((id) => `${head},"webhook_id":${id}${tail}`);
}

export function changedFields(change: Change): string | null {
  return change.action === 'update' ? Object.keys(change.changes).join(',') : null;
}
