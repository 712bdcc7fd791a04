/**
 * The event catalog: the one list from which validation, `/api/webhooks/events` (with its descriptions
 * and JSON Schemas), the form, the examples of "Send example" and the types derive. Adding an event is
 * adding a line here (and producing it in the domain); its payload schema and example follow from its
 * resource (lib/webhooks/event-payloads.ts), `example` only says what an update changed.
 * Order is the catalog order of webhooks.md, then the server events (operations.md).
 * `types`: the webhook types that may subscribe to the key.
 */
const ORG = ['organization'] as const;
const ORG_AND_PROJECT = ['organization', 'project'] as const;
const SERVER = ['server'] as const;

export const EVENT_CATALOG = [
  {
    key: 'create:project',
    group: 'Project',
    types: ORG,
    description: 'A project was created in the organization.',
  },
  {
    key: 'update:project',
    group: 'Project',
    types: ORG_AND_PROJECT,
    description: 'A project was renamed, relabeled, reassigned, transferred or changed status.',
    example: { name: 'Old project name' },
  },
  {
    key: 'delete:project',
    group: 'Project',
    types: ORG_AND_PROJECT,
    description: 'A project was deleted, with its tasks, jobs, issues and comments.',
  },
  { key: 'create:task', group: 'Task', types: ORG_AND_PROJECT, description: 'A task was created.' },
  {
    key: 'update:task',
    group: 'Task',
    types: ORG_AND_PROJECT,
    description: 'A task changed: its name, assignee, labels, data or the state of its jobs.',
    example: { name: 'task' },
  },
  {
    key: 'delete:task',
    group: 'Task',
    types: ORG_AND_PROJECT,
    description: 'A task was deleted, with its jobs.',
  },
  {
    key: 'create:job',
    group: 'Job',
    types: ORG_AND_PROJECT,
    description: 'A job was created when data was attached to its task.',
  },
  {
    key: 'update:job',
    group: 'Job',
    types: ORG_AND_PROJECT,
    description: 'A job changed assignee, stage or state.',
    example: { state: 'new' },
  },
  {
    key: 'delete:job',
    group: 'Job',
    types: ORG_AND_PROJECT,
    description: 'A job was deleted with its task.',
  },
  {
    key: 'create:issue',
    group: 'Issue',
    types: ORG_AND_PROJECT,
    description: 'An issue was opened on a job.',
  },
  {
    key: 'update:issue',
    group: 'Issue',
    types: ORG_AND_PROJECT,
    description: 'An issue was resolved, reopened, moved or reassigned.',
    example: { resolved: false },
  },
  { key: 'delete:issue', group: 'Issue', types: ORG_AND_PROJECT, description: 'An issue was deleted.' },
  {
    key: 'create:comment',
    group: 'Comment',
    types: ORG_AND_PROJECT,
    description: 'A comment was added to an issue.',
  },
  {
    key: 'update:comment',
    group: 'Comment',
    types: ORG_AND_PROJECT,
    description: 'A comment was edited.',
    example: { message: 'The box is off' },
  },
  { key: 'delete:comment', group: 'Comment', types: ORG_AND_PROJECT, description: 'A comment was deleted.' },
  {
    key: 'update:organization',
    group: 'Organization',
    types: ORG,
    description: 'The organization changed its name, description or contact.',
    example: { name: 'Old name' },
  },
  {
    key: 'create:invitation',
    group: 'Invitation',
    types: ORG,
    description: 'Someone was invited to join the organization.',
  },
  {
    key: 'delete:invitation',
    group: 'Invitation',
    types: ORG,
    description: 'An invitation was revoked, declined or accepted.',
  },
  {
    key: 'create:membership',
    group: 'Membership',
    types: ORG,
    description: 'A person joined the organization.',
  },
  {
    key: 'update:membership',
    group: 'Membership',
    types: ORG,
    description: 'A member’s role changed.',
    example: { role: 'worker' },
  },
  {
    key: 'delete:membership',
    group: 'Membership',
    types: ORG,
    description: 'A member left or was removed from the organization.',
  },
  {
    key: 'create:user',
    group: 'User',
    types: SERVER,
    description: 'An account was registered or created by an administrator.',
  },
  {
    key: 'update:user',
    group: 'User',
    types: SERVER,
    description: 'An account changed its names, or was activated, deactivated, promoted or demoted.',
    example: { first_name: '' },
  },
  { key: 'delete:user', group: 'User', types: SERVER, description: 'An account was deleted.' },
  {
    key: 'create:organization',
    group: 'Organization lifecycle',
    types: SERVER,
    description: 'An organization was created on the installation.',
  },
  {
    key: 'delete:organization',
    group: 'Organization lifecycle',
    types: SERVER,
    description: 'An organization was deleted, with everything in it.',
  },
] as const;

export type CatalogEntry = (typeof EVENT_CATALOG)[number];
export type EventKey = CatalogEntry['key'];
export type EventGroup = CatalogEntry['group'];
export const WEBHOOK_TYPES = ['project', 'organization', 'server'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export const EVENT_KEYS: readonly EventKey[] = EVENT_CATALOG.map((e) => e.key);

const BY_KEY = new Map<string, CatalogEntry>(EVENT_CATALOG.map((e) => [e.key, e]));

export function findEvent(key: string): CatalogEntry | undefined {
  return BY_KEY.get(key);
}

export function isAllowedFor(entry: CatalogEntry, type: WebhookType): boolean {
  return (entry.types as readonly WebhookType[]).includes(type);
}

/** The keys a webhook of this type may subscribe to, in catalog order (`all`: every key). */
export function eventsFor(type: WebhookType | 'all'): CatalogEntry[] {
  return EVENT_CATALOG.filter((e) => type === 'all' || isAllowedFor(e, type));
}

export function isEventKey(key: string): key is EventKey {
  return BY_KEY.has(key);
}

/** Server events reach server webhooks only, whatever the resource's organization. */
export function isServerEvent(key: string): boolean {
  const entry = BY_KEY.get(key);
  return entry !== undefined && isAllowedFor(entry, 'server');
}

/** Groups in catalog order with their keys: the form's checkboxes and the list's summary. */
export function groupEvents(type: WebhookType | 'all') {
  const groups: { group: EventGroup; keys: EventKey[] }[] = [];
  for (const e of eventsFor(type)) {
    const last = groups.at(-1);
    if (last?.group === e.group) last.keys.push(e.key);
    else groups.push({ group: e.group, keys: [e.key] });
  }
  return groups;
}
