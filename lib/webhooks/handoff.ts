import type { AdoptedPair, AttemptResult, QueuedPair } from './delivery-types';

/**
 * What the process's dispatcher offers the code that queues deliveries, without that code knowing
 * the dispatcher: the outbox hands it the series its transaction wrote leased to this process, and a
 * ping is sent through it so that it counts against the endpoint's in-flight cap like any delivery.
 * The dispatcher registers itself here when it starts; with none running, nothing is handed over and
 * the series wait in the table for any process's claim.
 */
export interface DeliveryHandoff {
  /**
   * Endpoints whose new series this process may not send straight from the outbox (at their cap, or
   * with series waiting in the table). null: none may (not running, at the global cap, or the table
   * not known to be drained).
   */
  adoptionExclusions(): number[] | null;
  /** Series written leased to this process, once their transaction has committed; `leftInTable`: endpoints of the rest. */
  adopt(pairs: AdoptedPair[], leftInTable: number[]): void;
  /** Series were written to the table: look for them now rather than at the next timer tick. */
  wake(): void;
  /** Sends one leased series as soon as its endpoint has a free slot, and resolves once its attempt is recorded. */
  sendNow(pair: QueuedPair): Promise<AttemptResult>;
}

// One per process, shared by every bundle that imports this module.
const state = globalThis as unknown as { __heraldHandoff?: DeliveryHandoff };

export function setHandoff(handoff: DeliveryHandoff | undefined): void {
  state.__heraldHandoff = handoff;
}

export function getHandoff(): DeliveryHandoff | undefined {
  return state.__heraldHandoff;
}
