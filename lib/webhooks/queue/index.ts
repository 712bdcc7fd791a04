/**
 * The delivery store: every statement on webhook_messages, webhook_deliveries and webhook_attempts is in
 * this folder (lib/webhooks/queue/ownership.test.ts keeps it so).
 */
export { enqueueChange, enqueueDirect, enqueueRecovery, enqueueRedelivery } from './enqueue';
export type { RecoveryFilter } from './enqueue';
export { claimDue } from './claim';
export { completeAttempts, makeWaitingDue, releaseAllLeases, releaseLeases } from './complete';
export {
  deleteWebhookRecords,
  dropExpiredAttempts,
  ensureAttemptPartitions,
  listAttemptPartitions,
  listFinishedRetiredWebhooks,
  removeEndedSeries,
} from './retention';
export { setRateBucket } from './rate-buckets';
export {
  countAttemptsByBucket,
  countRecentAttempts,
  findAttempt,
  findLastMessageId,
  findLatestAttempt,
  findSeriesByKey,
  listAttempts,
  listAttemptsOfKey,
  listMessagesAfter,
  listSeries,
  measureWaitingSeries,
} from './records';
export type { AttemptRecord, MessageRecord, RecentAttemptCounts, SeriesRecord } from './records';
