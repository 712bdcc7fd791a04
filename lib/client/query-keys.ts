/**
 * The React Query cache keys of every read (a GET of Herald's REST API), and the filters that find them
 * again for invalidateQueries, setQueriesData and removeQueries. A key is the path's segments, then one
 * object with what varies the answer:
 *
 *   GET /webhooks/5/messages?page=2 (no context)  ->  ['api', 'webhooks', '5', 'messages', {query: {page: 2}, scope: '*'}]
 *
 * React Query matches a filter's key as a prefix, element by element, and an object partially. So a filter
 * ending with a path segment takes everything under that path, and one ending with `{}` takes that path
 * itself, whatever its query or context (a segment is a string, never an object).
 */
import type { QueryKey } from '@tanstack/react-query';
import type { ApiOptions, OrgScope } from './api';

type Query = ApiOptions['query'];

function segmentsOf(path: string | null): (string | null)[] {
  return path === null ? [null] : path.split('/').filter(Boolean);
}

/** Everything read under `path`: under `/webhooks`, the lists, each webhook and its deliveries. */
function under(path: string): QueryKey {
  return ['api', ...segmentsOf(path)];
}

/** GET `path` itself, with any query, in any organization context. */
function at(path: string): QueryKey {
  return [...under(path), {}];
}

export const queryKeys = {
  all: ['api'] as QueryKey,
  under,
  at,
  /** The key of one read: GET `path` with `query`, in `scope` (undefined: no context). Null: a disabled read. */
  get(path: string | null, query: Query | undefined, scope: OrgScope): QueryKey {
    return [
      'api',
      ...segmentsOf(path),
      { query: query ?? {}, scope: scope === undefined ? '*' : JSON.stringify(scope) },
    ];
  },
  webhooks: {
    /** Lists, webhooks, their deliveries: whatever a created or changed webhook may show up in. */
    all: () => under('/webhooks'),
    lists: () => at('/webhooks'),
    detail: (id: number) => at(`/webhooks/${id}`),
    /** The webhook and everything read under it (its deliveries, series, chart). */
    tree: (id: number) => under(`/webhooks/${id}`),
    /** Its attempts (`/deliveries`, the chart's `/deliveries/stats`) and its series (`/messages`). */
    deliveries: (id: number) => under(`/webhooks/${id}/deliveries`),
    messages: (id: number) => under(`/webhooks/${id}/messages`),
  },
};
