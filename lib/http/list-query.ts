import { asc, desc, type AnyColumn, type SQL } from 'drizzle-orm';
import { invalid } from './errors';

/** `filter` is CVAT's JSON Logic rule, as sent; each list translates it with its own fields (json-logic-filter.ts). */
export type ListQuery = { search?: string; sort?: string; filter?: string; filters: Map<string, string> };

const RESERVED = new Set(['page', 'page_size', 'sort', 'search', 'org', 'org_id', 'filter']);

export function parseListQuery(url: URL): ListQuery {
  const filters = new Map<string, string>();
  // An empty filter is no filter, as with django-filter behind CVAT (`?owner=` lists everything).
  for (const [key, value] of url.searchParams)
    if (!RESERVED.has(key) && value !== '') filters.set(key, value);
  const search = url.searchParams.get('search')?.trim();
  if (search && search.length > 256)
    throw invalid('search', 'Ensure this field has no more than 256 characters.');
  return {
    search: search || undefined,
    sort: url.searchParams.get('sort') || undefined,
    filter: url.searchParams.get('filter') || undefined,
    filters,
  };
}

/** `sort=name,-id` over the named columns; an unknown field is a 400 naming it. */
export function orderBy(
  sort: string | undefined,
  sortable: Record<string, AnyColumn | SQL>,
  fallback: SQL[],
): SQL[] {
  if (!sort) return fallback;
  const out: SQL[] = [];
  for (const raw of sort.split(',')) {
    const field = raw.trim().replace(/^-/, '');
    // Own keys only: `sort=constructor` names no field.
    const column = Object.hasOwn(sortable, field) ? sortable[field] : undefined;
    if (!column)
      throw invalid(
        'sort',
        `Unsupported sort field "${field}". Use one of: ${Object.keys(sortable).join(', ')}.`,
      );
    out.push(raw.trim().startsWith('-') ? desc(column) : asc(column));
  }
  return [...out, ...fallback];
}

/** A LIKE pattern that matches `text` literally anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
