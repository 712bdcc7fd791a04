import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';
import type { webhooks } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';
import { EVENT_KEYS } from './events';

export type WebhookRow = typeof webhooks.$inferSelect;

/** Status and time of each webhook's latest attempt (pings included), from the delivery log. */
async function loadLastAttempts(tx: Tx, ids: number[]) {
  const rows = await queryRows<{ id: number; status_code: number | null; updated_date: string | Date }>(tx, sql`
    select w.id, last.status_code, last.updated_date
    from unnest(${idArray(ids)}) as w(id)
    cross join lateral (
      select status_code, updated_date from webhook_deliveries d
      where d.webhook_id = w.id and d.state in ('delivered', 'failed', 'refused')
      order by d.id desc limit 1
    ) last`);
  const map = new Map<number, { status: number | null; date: string | null }>();
  for (const row of rows) {
    map.set(row.id, { status: row.status_code, date: iso(new Date(row.updated_date)) });
  }
  return map;
}

const CATALOG_ORDER = new Map(EVENT_KEYS.map((k, i) => [k as string, i]));

/** The read shape of webhooks.md. The secret never leaves this module's input. */
export async function representWebhooks(tx: Tx, rows: WebhookRow[], baseUrl: string) {
  if (rows.length === 0) return [];
  const people = await loadBasicUsers(tx, rows.map((w) => w.ownerId), baseUrl);
  const last = await loadLastAttempts(tx, rows.map((w) => w.id));
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
    events: [...w.events].sort((a, b) => (a < b ? -1 : a > b ? 1 : (CATALOG_ORDER.get(a) ?? 0) - (CATALOG_ORDER.get(b) ?? 0))),
    last_status: last.get(w.id)?.status ?? null,
    last_delivery_date: last.get(w.id)?.date ?? null,
    /** Why Herald turned it off (410 Gone, failing for days); null otherwise. */
    disabled_reason: w.disabledReason,
  }));
}

export type WebhookRepresentation = Awaited<ReturnType<typeof representWebhooks>>[number];
