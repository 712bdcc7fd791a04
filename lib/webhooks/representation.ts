import type { Tx } from '@/db/client';
import type { webhooks } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';
import { describeHealth } from './endpoint-health';
import { EVENT_KEYS } from './events';
import { MASKED_VALUE } from './schemas';

export type WebhookRow = typeof webhooks.$inferSelect;

const CATALOG_ORDER = new Map(EVENT_KEYS.map((k, i) => [k as string, i]));

/** The read shape of webhooks.md. The secret never leaves this module's input. */
export async function representWebhooks(tx: Tx, rows: WebhookRow[], baseUrl: string) {
  if (rows.length === 0) return [];
  const people = await loadBasicUsers(
    tx,
    rows.map((w) => w.ownerId),
    baseUrl,
  );
  // The latest attempt (pings included) is kept with the endpoint's health.
  const health = await describeHealth(tx, rows);
  return rows.map((w) => ({
    id: w.id,
    url: `${baseUrl}/api/webhooks/${w.id}`,
    target_url: w.targetUrl,
    description: w.description,
    type: w.type,
    content_type: w.contentType,
    is_active: w.isActive,
    enable_ssl: w.enableSsl,
    created_date: iso(w.createdDate),
    updated_date: iso(w.updatedDate),
    owner: pick(people, w.ownerId),
    project_id: w.projectId,
    organization: w.organizationId,
    events: [...w.events].sort((a, b) =>
      a < b ? -1 : a > b ? 1 : (CATALOG_ORDER.get(a) ?? 0) - (CATALOG_ORDER.get(b) ?? 0),
    ),
    last_status: health.get(w.id)?.row?.lastStatusCode ?? null,
    last_delivery_date: iso(health.get(w.id)?.row?.lastAttemptDate ?? null),
    /** Why Herald turned it off (410 Gone, failing for days); null otherwise. */
    disabled_reason: w.disabledReason,
    /** operations.md, "Endpoint health". */
    health: health.get(w.id)!.health,
    rate_limit: w.rateLimit,
    ordering: w.ordering,
    /** Custom header names; the values are write-only. */
    headers: Object.fromEntries(w.headers.map((h) => [h.name, MASKED_VALUE])),
    /** Whether deliveries are signed; the secret itself stays write-only. */
    has_secret: Boolean(w.secret),
  }));
}

export type WebhookRepresentation = Awaited<ReturnType<typeof representWebhooks>>[number];
