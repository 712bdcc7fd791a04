import type { Db } from '@/db/client';
import { transaction } from '@/db/transaction';
import { settings } from '@/lib/config/settings';
import {
  dropExpiredAttempts,
  ensureAttemptPartitions,
  listFinishedRetiredWebhooks,
  removeEndedSeries,
} from './queue';
import { removeWebhook } from './webhooks';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Housekeeping, at start and every few minutes in each delivering process (each step is safe to run
 * from several at once): the log's partitions for the days ahead, retention (whole partitions dropped,
 * then the series and messages nothing refers to), and retired webhooks (of deleted projects) once
 * nothing is left to deliver for them.
 */
export async function runMaintenance(db: Db, now = Date.now()) {
  const created = await ensureAttemptPartitions(db);
  const cutoff = new Date(now - settings.deliveryRetentionDays * DAY_MS);
  const dropped = await dropExpiredAttempts(db, cutoff);
  const removed = await removeEndedSeries(db, cutoff);
  const retired = await listFinishedRetiredWebhooks(db);
  for (const id of retired) await transaction(db, (tx) => removeWebhook(tx, id));
  return { created, dropped, ...removed, retired: retired.length };
}
