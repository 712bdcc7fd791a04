/**
 * The event catalog: the one list from which validation, `/api/webhooks/events`, the form and the
 * types derive. Adding an event is adding a line here (and producing it in the domain).
 * Order is the catalog order of webhooks.md; `project: false` keys reach organization webhooks only.
 */
export const EVENT_CATALOG = [
  { key: 'create:project', group: 'Project', project: false },
  { key: 'update:project', group: 'Project', project: true },
  { key: 'delete:project', group: 'Project', project: true },
  { key: 'create:task', group: 'Task', project: true },
  { key: 'update:task', group: 'Task', project: true },
  { key: 'delete:task', group: 'Task', project: true },
  { key: 'create:job', group: 'Job', project: true },
  { key: 'update:job', group: 'Job', project: true },
  { key: 'delete:job', group: 'Job', project: true },
  { key: 'create:issue', group: 'Issue', project: true },
  { key: 'update:issue', group: 'Issue', project: true },
  { key: 'delete:issue', group: 'Issue', project: true },
  { key: 'create:comment', group: 'Comment', project: true },
  { key: 'update:comment', group: 'Comment', project: true },
  { key: 'delete:comment', group: 'Comment', project: true },
  { key: 'update:organization', group: 'Organization', project: false },
  { key: 'create:invitation', group: 'Invitation', project: false },
  { key: 'delete:invitation', group: 'Invitation', project: false },
  { key: 'create:membership', group: 'Membership', project: false },
  { key: 'update:membership', group: 'Membership', project: false },
  { key: 'delete:membership', group: 'Membership', project: false },
] as const;

export type EventKey = (typeof EVENT_CATALOG)[number]['key'];
export type EventGroup = (typeof EVENT_CATALOG)[number]['group'];
export const WEBHOOK_TYPES = ['project', 'organization'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export const EVENT_KEYS: readonly EventKey[] = EVENT_CATALOG.map((e) => e.key);

/** The keys a webhook of this type may subscribe to, in catalog order. */
export function eventsFor(type: WebhookType | 'all'): (typeof EVENT_CATALOG)[number][] {
  return EVENT_CATALOG.filter((e) => type !== 'project' || e.project);
}

export function isEventKey(key: string): key is EventKey {
  return (EVENT_KEYS as readonly string[]).includes(key);
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
