/**
 * A series' key is 16 random bytes (a uuid column); receivers see it as the `webhook-id` header and
 * people as `delivery_id`: `msg_` and the bytes in base64url, as Standard Webhooks' examples do.
 */
const PREFIX = 'msg_';

export function formatDeliveryId(uuid: string): string {
  return PREFIX + Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
}

/** The uuid behind a `delivery_id`; null when the text is not one. */
export function parseDeliveryId(text: string): string | null {
  if (!/^msg_[A-Za-z0-9_-]{22}$/.test(text)) return null;
  const hex = Buffer.from(text.slice(PREFIX.length), 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
