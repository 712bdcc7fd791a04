import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { afterCommit } from '@/db/transaction';
import { webhookDeliveries, webhooks } from '@/db/schema';
import type { Change } from '@/lib/changes/record-change';
import { EVENT_CATALOG, isEventKey } from './events';
import { changedFields, newMessageId, serializeChangePayloads } from './payloads';
import { wakeDispatcher } from './dispatcher';

const PROJECT_EVENTS = new Set<string>(EVENT_CATALOG.filter((e) => e.project).map((e) => e.key));

/**
 * The transactional outbox: inside the change's transaction, one pending delivery per active webhook
 * in scope that subscribes to the event. Committed together with the change, or not at all.
 */
export async function queueDeliveries(tx: Tx, change: Change): Promise<number> {
  const key = `${change.action}:${change.resource}`;
  if (!isEventKey(key)) return 0;
  const scopes = [];
  if (change.organizationId !== null) scopes.push(sql`(${webhooks.type} = 'organization' and ${webhooks.organizationId} = ${change.organizationId})`);
  if (change.projectId !== null && PROJECT_EVENTS.has(key)) scopes.push(sql`(${webhooks.type} = 'project' and ${webhooks.projectId} = ${change.projectId})`);
  if (scopes.length === 0) return 0;
  const targets = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.isActive, true), isNull(webhooks.retiredDate), sql`${key} = any(${webhooks.events})`, sql`(${sql.join(scopes, sql` or `)})`))
    .orderBy(webhooks.id);
  if (targets.length === 0) return 0;
  const ids = targets.map((t) => t.id);
  const payloads = serializeChangePayloads(change, ids);
  const fields = changedFields(change);
  await tx.insert(webhookDeliveries).values(ids.map((webhookId, i) => ({ webhookId, messageId: newMessageId(), event: key, payload: payloads[i], changedFields: fields })));
  afterCommit(tx, wakeDispatcher);
  return ids.length;
}

/**
 * A deleted project's webhooks stop receiving new events but keep delivering what was queued for them
 * (its `delete:` events included); the dispatcher's sweep removes them once nothing is pending.
 */
export async function retireProjectWebhooks(tx: Tx, projectId: number): Promise<void> {
  await tx.update(webhooks).set({ retiredDate: new Date() }).where(and(eq(webhooks.projectId, projectId), isNull(webhooks.retiredDate)));
}
