'use client';

import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { apiFetch, type ApiOptions, type OrgScope } from './api';
import { useOrg } from './org-context';

type Query = ApiOptions['query'];

/**
 * GET `path` in the selected organization context, or in `scope` when given (`global`: without
 * any context, e.g. the invitations addressed to the caller). `path` null disables the query.
 */
export function useApiQuery<T>(
  path: string | null,
  query?: Query,
  options: { global?: boolean; scope?: OrgScope } & Omit<UseQueryOptions<T, Error>, 'queryKey' | 'queryFn'> = {},
) {
  const { org } = useOrg();
  const { global, scope: given, ...rest } = options;
  const scope: OrgScope = global ? undefined : 'scope' in options ? given : org;
  return useQuery<T, Error>({
    queryKey: ['api', path, query ?? {}, scope === undefined ? '*' : JSON.stringify(scope)],
    queryFn: () => apiFetch<T>(path!, { query, org: scope }),
    enabled: path !== null && (rest.enabled ?? true),
    ...rest,
  });
}

export type MutationRequest = { path: string; method?: ApiOptions['method']; body?: unknown; global?: boolean; scope?: OrgScope };

/** A write in the selected organization context; every cached read is refreshed once it succeeds. */
export function useApiMutation<TVars = void, TResult = unknown>(request: (vars: TVars) => MutationRequest) {
  const { org } = useOrg();
  const queryClient = useQueryClient();
  return useMutation<TResult, Error, TVars>({
    mutationFn: (vars) => {
      const req = request(vars);
      const scope: OrgScope = req.global ? undefined : 'scope' in req ? req.scope : org;
      return apiFetch<TResult>(req.path, { method: req.method ?? 'POST', body: req.body, org: scope });
    },
    onSuccess: (_data, vars) => {
      const req = request(vars);
      if (req.method === 'DELETE') {
        // The deleted object is gone: asking for it again would only show a 404 while the page moves on.
        return queryClient.invalidateQueries({ queryKey: ['api'], predicate: (q) => q.queryKey[1] !== req.path });
      }
      return queryClient.invalidateQueries({ queryKey: ['api'] });
    },
  });
}
