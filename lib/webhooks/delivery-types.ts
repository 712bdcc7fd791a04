import type { AttemptError, DeliveryTrigger, SeriesState, StoredHeader } from '@/db/schema';

/** A series ready for its next attempt, with the exact body every attempt of it sends. */
export type QueuedDelivery = {
  /** The series' id. */
  id: number;
  webhookId: number;
  /** The `webhook-id` header: the same for every attempt of the series (and its redeliveries). */
  webhookIdHeader: string;
  event: string;
  body: string;
  /** The number this attempt will have (1 for the first). */
  attempt: number;
  trigger: DeliveryTrigger;
  /**
   * When the series was queued (its row written in the change's transaction), on this process's clock
   * (ms since the epoch): the first-attempt latency metric counts from it.
   */
  queuedAt: number;
};

/** What an attempt needs of its webhook, read with the series so that it uses the latest settings. */
export type SendTarget = {
  id: number;
  targetUrl: string;
  /** Sealed (lib/crypto/secret-box.ts), as stored: the attempt opens them to sign. */
  secret: string | null;
  previousSecret: string | null;
  previousSecretExpires: Date | null;
  isActive: boolean;
  enableSsl: boolean;
  retiredDate: Date | null;
  /** `fifo`: one request at a time, in commit order; claims hand over only the head (queue/claim.ts). */
  ordering: 'unordered' | 'fifo';
  /** Requests per second, held by the claims' token bucket; null: none. */
  rateLimit: number | null;
  /** Custom headers, values sealed as stored: the attempt opens them to send. */
  customHeaders: StoredHeader[];
};

export type QueuedPair = { delivery: QueuedDelivery; webhook: SendTarget | undefined };
/** A series the outbox wrote leased to this process, with when the lease passes (ms since the epoch). */
export type AdoptedPair = QueuedPair & { leaseUntil: number };

/** What one attempt leaves behind: the log row (when a request was made) and where the series goes next. */
export type AttemptResult = {
  deliveryId: number;
  webhookId: number;
  attempt: number;
  /** When the request left (ms since the epoch); null when nothing was sent (cancelled). */
  sentAt: number | null;
  durationMs: number | null;
  statusCode: number | null;
  errorKind: AttemptError | null;
  response: string;
  responseHeaders: string | null;
  digests: Buffer | null;
  /** The names of the custom headers sent (their values are never kept). */
  customHeaderNames?: string[];
  /** The series' state after this attempt. */
  state: SeriesState;
  /** When the next attempt of the series is due; null when the series ends here. */
  retryAt: Date | null;
  /** Counts against the endpoint's health. */
  isFailure: boolean;
  /** 410 Gone: the receiver asked us to stop. */
  isGone: boolean;
  /** A 429/503 asked the whole endpoint to wait this long (seconds). */
  pauseSeconds: number | null;
  /**
   * A ping or test the receiver accepted: it ends the endpoint's pause (operations.md). A delivery that
   * succeeds does not: sent before the pause began, it says nothing of the receiver since.
   */
  endsPause: boolean;
};
