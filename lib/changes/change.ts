import type { BasicUser } from '@/lib/users/representation';

export const RESOURCES = [
  'organization',
  'membership',
  'invitation',
  'project',
  'task',
  'job',
  'issue',
  'comment',
  'user',
] as const;
export type ResourceName = (typeof RESOURCES)[number];
export type Representation = Record<string, unknown>;

/**
 * One committed-or-not change to a resource, with its API representation before and after.
 * Every create, update and delete of the eight resources goes through `recordChange` inside its
 * transaction: this is where webhooks queue their deliveries, so a rolled-back change sends nothing.
 */
export type Change = {
  action: 'create' | 'update' | 'delete';
  resource: ResourceName;
  /** The resource's organization and project: who may hear of it. */
  organizationId: number | null;
  projectId: number | null;
  before: Representation | null;
  after: Representation | null;
  /** For updates: the keys whose values changed, old values (CVAT's `before_update`). */
  beforeUpdate: Representation;
  changes: Record<string, { from: unknown; to: unknown }>;
  sender: BasicUser | null;
};
