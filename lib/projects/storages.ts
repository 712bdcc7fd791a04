import type { Tx } from '@/db/client';
import { storages } from '@/db/schema';

/** CVAT gives each project and task its own source and target storage objects; Herald keeps them local. */
export async function createStorages(tx: Tx) {
  const [source, target] = await tx.insert(storages).values([{}, {}]).returning({ id: storages.id });
  return { sourceStorageId: source.id, targetStorageId: target.id };
}

export function representStorage(id: number | null) {
  return id === null ? null : { id, location: 'local', cloud_storage_id: null };
}
