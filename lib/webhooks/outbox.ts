import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { webhooks } from '@/db/schema';
import { afterCommit } from '@/db/transaction';
import type { Change } from '@/lib/changes/change';
import { isEventKey } from './events';
import { getHandoff } from './handoff';
import { enqueueChange } from './queue';

// Endpoints a transaction left series for in the table: its later changes must not overtake them.
const leftInTableByTx = new WeakMap<Tx, Set<number>>();

/**
 * Queues a change's deliveries inside its transaction (the transactional outbox: see enqueueChange).
 * When this process's dispatcher has room, the series are written leased to it and handed over as
 * soon as the transaction commits; the rest wait in the table for a claim. An endpoint with series
 * waiting in the table gets its new ones there too, behind them, so that it receives them in commit order.
 */
export async function queueDeliveries(tx: Tx, change: Change): Promise<number> {
  if (!isEventKey(`${change.action}:${change.resource}`)) return 0;
  const leftBefore = leftInTableByTx.get(tx) ?? new Set<number>();
  const exclusions = getHandoff()?.adoptionExclusions() ?? null;
  const { adopted, leftInTable, count } = await enqueueChange(
    tx,
    change,
    exclusions ? { excluded: [...exclusions, ...leftBefore] } : null,
  );
  if (count === 0) return 0;
  if (leftInTable.length) leftInTableByTx.set(tx, new Set([...leftBefore, ...leftInTable]));
  afterCommit(tx, () => {
    // The dispatcher running at commit: it may have been restarted since the insert.
    const handoff = getHandoff();
    if (handoff) handoff.adopt(adopted, leftInTable);
  });
  return count;
}

/**
 * A deleted project's webhooks stop receiving new events but keep delivering what was queued for them
 * (its `delete:` events included); maintenance removes them once nothing is pending.
 */
export async function retireProjectWebhooks(tx: Tx, projectId: number): Promise<void> {
  await tx
    .update(webhooks)
    .set({ retiredDate: new Date() })
    .where(and(eq(webhooks.projectId, projectId), isNull(webhooks.retiredDate)));
}
