import type { Db } from '@/db/client';
import { transaction } from '@/db/transaction';
import type { AttemptResult } from './delivery-types';
import { deactivateEndpoints, recordHealth } from './endpoint-health';
import { completeAttempts, makeWaitingDue } from './queue';

/**
 * Writes what a batch of attempts left behind in one transaction: the log rows and where each series
 * goes next, and each endpoint's health (a paused endpoint that answered gets its waiting series due at
 * once). Then, apart, turns off the endpoints that asked to be (410) or have failed for too long.
 */
export async function recordAttempts(db: Db, results: AttemptResult[]): Promise<void> {
  if (results.length === 0) return;
  const { deactivate } = await transaction(db, async (tx) => {
    await completeAttempts(tx, results);
    const changes = await recordHealth(tx, results);
    await makeWaitingDue(tx, changes.resumed);
    return changes;
  });
  await deactivateEndpoints(db, deactivate);
}
