'use client';

import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import { apiFetch, type ApiOptions, type OrgScope } from './api';
import { useOrg } from './org-context';
import { queryKeys } from './query-keys';

type Query = ApiOptions['query'];

/**
 * GET `path` in the selected organization context, or in `scope` when given (`global`: without
 * any context, e.g. the invitations addressed to the caller). `path` null disables the query.
 */
export function useApiQuery<T>(
  path: string | null,
  query?: Query,
  options: { global?: boolean; scope?: OrgScope } & Omit<
    UseQueryOptions<T, Error>,
    'queryKey' | 'queryFn'
  > = {},
) {
  const { org } = useOrg();
  const { global, scope: given, ...rest } = options;
  const scope: OrgScope = global ? undefined : 'scope' in options ? given : org;
  return useQuery<T, Error>({
    queryKey: queryKeys.get(path, query, scope),
    queryFn: () => apiFetch<T>(path!, { query, org: scope }),
    enabled: path !== null && (rest.enabled ?? true),
    ...rest,
  });
}
