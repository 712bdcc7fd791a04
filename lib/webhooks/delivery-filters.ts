import { DELIVERY_TRIGGERS, SERIES_STATES, type DeliveryTrigger, type SeriesState } from '@/db/schema';
import { RESOURCES } from '@/lib/changes/change';
import { invalidChoice, listChoices } from '@/lib/http/choice';
import { invalid } from '@/lib/http/errors';
import type { ListQuery } from '@/lib/http/list-query';
import { parseDeliveryId } from './delivery-key';
import { isEventKey } from './events';

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'network'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The filters of both record lists (delivery.md, "Delivery records"), checked. */
export type RecordFilters = {
  event?: string;
  state?: SeriesState;
  status?: { code: number } | { class: StatusClass };
  trigger?: DeliveryTrigger;
  /** Of an attempt: answered 2xx or not; of a series: delivered, or failed for good. */
  outcome?: 'success' | 'failure';
  /** The uuid behind a `delivery_id`. */
  key?: string;
  resourceType?: string;
  resourceId?: string;
  since?: Date;
  until?: Date;
};

/** The filters' parameter names, as the API document lists them. */
export const RECORD_FILTER_NAMES = [
  'event',
  'state',
  'status',
  'delivery_id',
  'resource_type',
  'resource_id',
  'since',
  'until',
  'trigger',
  'outcome',
] as const;

const EVENTS_BEYOND_CATALOG = ['ping'];

function choice<T extends string>(query: ListQuery, name: string, allowed: readonly T[]): T | undefined {
  const value = query.filters.get(name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw invalidChoice(name, value, { hint: listChoices(allowed) });
  return value as T;
}

function date(query: ListQuery, name: string): Date | undefined {
  const value = query.filters.get(name);
  if (value === undefined) return undefined;
  const parsed = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
    ? new Date(value)
    : new Date(NaN);
  if (Number.isNaN(parsed.getTime()))
    throw invalid(name, 'Enter an ISO 8601 date, such as 2026-12-01 or 2026-12-01T10:42:00Z.');
  return parsed;
}

export function parseRecordFilters(query: ListQuery): RecordFilters {
  const filters: RecordFilters = {};
  const event = query.filters.get('event');
  if (event !== undefined) {
    if (!isEventKey(event) && !EVENTS_BEYOND_CATALOG.includes(event)) throw invalidChoice('event', event);
    filters.event = event;
  }
  filters.state = choice(query, 'state', SERIES_STATES);
  filters.trigger = choice(query, 'trigger', DELIVERY_TRIGGERS);
  // `status` is a code or a class; `status_code` and the UI's `outcome` are kept as its older spellings.
  const status = query.filters.get('status') ?? query.filters.get('status_code');
  if (status !== undefined) {
    const name = query.filters.has('status') ? 'status' : 'status_code';
    if (/^[1-5]\d\d$/.test(status)) filters.status = { code: Number(status) };
    else if ((STATUS_CLASSES as readonly string[]).includes(status) && name === 'status')
      filters.status = { class: status as StatusClass };
    else
      throw invalid(
        name,
        `"${status}" is not a status: use a code (such as 200) or one of ${STATUS_CLASSES.join(', ')}.`,
      );
  }
  filters.outcome = choice(query, 'outcome', ['success', 'failure'] as const);
  const deliveryId = query.filters.get('delivery_id');
  if (deliveryId !== undefined) {
    const key = parseDeliveryId(deliveryId);
    if (!key)
      throw invalid('delivery_id', 'A delivery id looks like msg_ followed by 22 letters, digits, - or _.');
    filters.key = key;
  }
  filters.resourceType = choice(query, 'resource_type', RESOURCES);
  const resourceId = query.filters.get('resource_id');
  if (resourceId !== undefined) {
    if (resourceId.length > 64)
      throw invalid('resource_id', 'Ensure this field has no more than 64 characters.');
    filters.resourceId = resourceId;
  }
  filters.since = date(query, 'since');
  filters.until = date(query, 'until');
  if (filters.since && filters.until && filters.since > filters.until)
    throw invalid('until', 'until must not be before since.');
  return filters;
}
