import type { Db } from '@/db/client';
import { transaction } from '@/db/transaction';
import type { AttemptResult } from './delivery-types';
import { announcePauses, deactivateEndpoints, recordHealth, type HealthChanges } from './endpoint-health';
import { completeAttempts, makeWaitingDue } from './queue';

/**
 * Writes what a batch of attempts left behind in one transaction: the log rows and where each series
 * goes next, and each endpoint's health (a paused endpoint that answered gets its waiting series due at
 * once). Returns the endpoints paused now, and those whose pause ended. Then, apart, turns off the endpoints that asked to be (410) or have failed for too long.
 */
export async function recordAttempts(
  db: Db,
  results: AttemptResult[],
): Promise<Pick<HealthChanges, 'paused' | 'resumed'>> {
  if (results.length === 0) return { paused: new Map(), resumed: [] };
  const { deactivate, paused, resumed } = await transaction(db, async (tx) => {
    await completeAttempts(tx, results);
    const changes = await recordHealth(tx, results);
    // Only a pause that began or moved: one that runs on was told when it began.
    await announcePauses(tx, changes.changedPauses);
    await makeWaitingDue(tx, changes.resumed);
    return changes;
  });
  await deactivateEndpoints(db, deactivate);
  return { paused, resumed };
}
