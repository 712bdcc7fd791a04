import { isDeepStrictEqual } from 'node:util';
import type { Tx } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { toBasicUser } from '@/lib/users/representation';
import { queueDeliveries } from '@/lib/webhooks/outbox';
import type { Change, Representation } from './change';

export type { Change, Representation, ResourceName } from './change';
export { RESOURCES } from './change';

/** Keys a client does not count as a change on their own. */
const IGNORED_KEYS = new Set(['updated_date']);

export function diffRepresentations(before: Representation, after: Representation) {
  const beforeUpdate: Representation = {};
  const changes: Change['changes'] = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (IGNORED_KEYS.has(key) || isDeepStrictEqual(before[key], after[key])) continue;
    beforeUpdate[key] = before[key] ?? null;
    changes[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return { beforeUpdate, changes };
}

/**
 * Records a change inside `tx`. Returns false (and records nothing) for an update that changed nothing
 * a client can see, so no-op saves send no `update:` event.
 */
export async function recordChange(
  tx: Tx,
  actor: Pick<Actor, 'user' | 'baseUrl'> | null,
  input: Pick<Change, 'action' | 'resource' | 'organizationId' | 'projectId' | 'before' | 'after'>,
): Promise<boolean> {
  const diff =
    input.action === 'update' && input.before && input.after
      ? diffRepresentations(input.before, input.after)
      : null;
  if (diff && Object.keys(diff.changes).length === 0) return false;
  const change: Change = {
    ...input,
    beforeUpdate: diff?.beforeUpdate ?? {},
    changes: diff?.changes ?? {},
    sender: actor ? toBasicUser(actor.user, actor.baseUrl) : null,
  };
  await queueDeliveries(tx, change);
  return true;
}
