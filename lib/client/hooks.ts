'use client';

import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { apiFetch, type ApiOptions } from './api';
import { useOrg } from './org-context';

type Query = ApiOptions['query'];

/**
 * GET `path` in the selected organization context (`global`: without any context, e.g. the
 * invitations addressed to the caller). `path` null disables the query.
 */
export function useApiQuery<T>(
  path: string | null,
  query?: Query,
  options: { global?: boolean } & Omit<UseQueryOptions<T, Error>, 'queryKey' | 'queryFn'> = {},
) {
  const { org } = useOrg();
  const { global, ...rest } = options;
  const scope = global ? undefined : org;
  return useQuery<T, Error>({
    queryKey: ['api', path, query ?? {}, global ? '*' : (org ?? '')],
    queryFn: () => apiFetch<T>(path!, { query, org: scope }),
    enabled: path !== null && (rest.enabled ?? true),
    ...rest,
  });
}

export type MutationRequest = { path: string; method?: ApiOptions['method']; body?: unknown; global?: boolean };

/** A write in the selected organization context; every cached read is refreshed once it succeeds. */
export function useApiMutation<TVars = void, TResult = unknown>(request: (vars: TVars) => MutationRequest) {
  const { org } = useOrg();
  const queryClient = useQueryClient();
  return useMutation<TResult, Error, TVars>({
    mutationFn: (vars) => {
      const { path, method = 'POST', body, global } = request(vars);
      return apiFetch<TResult>(path, { method, body, org: global ? undefined : org });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api'] }),
  });
}
