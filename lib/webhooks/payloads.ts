import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Change } from '@/lib/changes/change';

/** A message's payload: the body up to the webhook's id and the rest (no tail: the whole body, a ping). */
export type Payload = { head: string; tail: string | null };

const RAW = 0;
const DEFLATED = 1;
// JSON text never holds a raw NUL (JSON.stringify escapes it): it can part the head from the tail.
const SEPARATOR = '\u0000';

/**
 * The stored form of a payload: a format byte, then the head and tail deflated. A kilobyte of JSON
 * takes less than half; the fastest level, since every change pays it.
 */
export function packPayload({ head, tail }: Payload): Buffer {
  const text = tail === null ? head : `${head}${SEPARATOR}${tail}`;
  return Buffer.concat([Buffer.of(DEFLATED), deflateRawSync(text, { level: 1 })]);
}

/** The payload of its stored form; RAW is a whole body as the old one-table log kept it. */
export function unpackPayload(stored: Uint8Array): Payload {
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const text =
    bytes[0] === RAW
      ? bytes.subarray(1).toString('utf8')
      : inflateRawSync(bytes.subarray(1)).toString('utf8');
  const at = text.indexOf(SEPARATOR);
  return at < 0 ? { head: text, tail: null } : { head: text.slice(0, at), tail: text.slice(at + 1) };
}

/** The body of a series: its message's payload around the webhook's id, the same bytes every time. */
export function buildBody({ head, tail }: Payload, webhookId: number): string {
  return tail === null ? head : `${head}${webhookId}${tail}`;
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
  if (change.action === 'update')
    head += `,"before_update":${JSON.stringify(change.beforeUpdate)},"changes":${JSON.stringify(change.changes)}`;
  return { head: `${head},"webhook_id":`, tail: `,"sender":${JSON.stringify(change.sender)}}` };
}

export function changedFields(change: Change): string | null {
  return change.action === 'update' ? Object.keys(change.changes).join(',') : null;
}
