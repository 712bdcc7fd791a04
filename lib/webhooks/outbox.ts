import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { afterCommit } from '@/db/transaction';
import { queryRows } from '@/db/raw';
import { webhooks } from '@/db/schema';
import type { Change } from '@/lib/changes/record-change';
import { EVENT_CATALOG, isEventKey } from './events';
import { changedFields, serializeChangePayload } from './payloads';
import { wakeDispatcher } from './dispatcher';

const PROJECT_EVENTS = new Set<string>(EVENT_CATALOG.filter((e) => e.project).map((e) => e.key));

/**
 * The transactional outbox: inside the change's transaction, one pending delivery per active webhook
 * in scope that subscribes to the event. Committed together with the change, or not at all.
 * One statement finds the webhooks and writes their rows: it is on the path of every change.
 */
export async function queueDeliveries(tx: Tx, change: Change): Promise<number> {
  const key = `${change.action}:${change.resource}`;
  if (!isEventKey(key)) return 0;
  const scopes = [];
  if (change.organizationId !== null) scopes.push(sql`(w.type = 'organization' and w.organization_id = ${change.organizationId})`);
  if (change.projectId !== null && PROJECT_EVENTS.has(key)) scopes.push(sql`(w.type = 'project' and w.project_id = ${change.projectId})`);
  if (scopes.length === 0) return 0;
  const { head, tail } = serializeChangePayload(change);
  const queued = await queryRows<{ id: number }>(tx, sql`
    insert into webhook_deliveries (webhook_id, event, payload, changed_fields)
    select w.id, ${key}::text, ${head}::text || w.id || ${tail}::text, ${changedFields(change)}::text
    from webhooks w
    where w.is_active and w.retired_date is null and ${key} = any(w.events) and (${sql.join(scopes, sql` or `)})
    order by w.id
    returning id`);
  if (queued.length > 0) afterCommit(tx, wakeDispatcher);
  return queued.length;
}

/**
 * A deleted project's webhooks stop receiving new events but keep delivering what was queued for them
 * (its `delete:` events included); the dispatcher's sweep removes them once nothing is pending.
 */
export async function retireProjectWebhooks(tx: Tx, projectId: number): Promise<void> {
  await tx.update(webhooks).set({ retiredDate: new Date() }).where(and(eq(webhooks.projectId, projectId), isNull(webhooks.retiredDate)));
}
