import { describeForLog } from './describe-for-log';
import type { Db, Tx } from './client';

const afterCommitCallbacks = new WeakMap<Tx, (() => void)[]>();

/**
 * Runs `fn` in a transaction; callbacks registered with `afterCommit(tx, …)` run once it has committed
 * (and never when it rolls back): removing files, waking the webhook dispatcher.
 */
export async function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let callbacks: (() => void)[] = [];
  const result = await db.transaction(async (tx) => {
    callbacks = [];
    afterCommitCallbacks.set(tx, callbacks);
    return fn(tx);
  });
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      console.error('[db] after-commit callback failed:', describeForLog(error));
    }
  }
  return result;
}

/** Schedules `callback` for after `tx` commits; outside a transaction it runs at once. */
export function afterCommit(tx: Tx, callback: () => void): void {
  const list = afterCommitCallbacks.get(tx);
  if (list) list.push(callback);
  else queueMicrotask(callback);
}
