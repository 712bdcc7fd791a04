import type { Change } from '@/lib/changes/change';

/**
 * The body of a series: its message's payload around the webhook's id, the same bytes every time.
 * A message without a tail (a ping) is the whole body.
 */
export function buildBody(payload: string, tail: string | null, webhookId: number): string {
  return tail === null ? payload : `${payload}${webhookId}${tail}`;
}

/**
 * The payload of a change as the exact bytes to send, in two parts that go on either side of the
 * webhook's id: the shared parts are serialized once per change, whatever the number of webhooks.
 * Key order follows the seed: event, <resource>, before_update, changes, webhook_id, sender.
 */
export function serializeChangePayload(change: Change): { head: string; tail: string } {
  const event = `${change.action}:${change.resource}`;
  const resource = change.action === 'delete' ? change.before : change.after;
  let head = `{"event":${JSON.stringify(event)},${JSON.stringify(change.resource)}:${JSON.stringify(resource)}`;
  if (change.action === 'update') head += `,"before_update":${JSON.stringify(change.beforeUpdate)},"changes":${JSON.stringify(change.changes)}`;
  return { head: `${head},"webhook_id":`, tail: `,"sender":${JSON.stringify(change.sender)}}` };
}

export function changedFields(change: Change): string | null {
  return change.action === 'update' ? Object.keys(change.changes).join(',') : null;
}
