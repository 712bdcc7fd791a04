import { invalidChoice } from '@/lib/http/choice';
import { apiRoute, json } from '@/lib/http/route';
import { eventsFor, WEBHOOK_TYPES, type WebhookType } from '@/lib/webhooks/events';

/** The catalog for a webhook type, in catalog order, with each event's description. Signed-in users only (CVAT leaves it open). */
export const GET = apiRoute(async ({ url }) => {
  const type = url.searchParams.get('type') ?? 'all';
  if (type !== 'all' && !(WEBHOOK_TYPES as readonly string[]).includes(type))
    throw invalidChoice('type', type);
  const events = eventsFor(type as WebhookType | 'all').map((e) => ({
    key: e.key,
    group: { display_name: e.group },
    description: e.description,
  }));
  return json({ webhook_type: type, events });
});
