'use client';

import { partialMatchKey, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ActionResult } from '@/lib/actions/run-action';
import { ApiRequestError, type OrgScope } from './api';
import { useOrg } from './org-context';
import { queryKeys } from './query-keys';

/**
 * Calls a server action and turns its result into what the REST client gives: the data, or an ApiRequestError
 * with the status and `{field: ["message"]}` body, so forms show the same messages on the same fields.
 */
export async function callAction<T>(run: () => Promise<ActionResult<T>>): Promise<T> {
  let result: ActionResult<T>;
  try {
    result = await run();
  } catch {
    throw new ApiRequestError(0, {
      detail: 'The server could not be reached. Check your connection and try again.',
    });
  }
  if (!result.ok) throw new ApiRequestError(result.status, result.body);
  return result.data;
}

export type ActionOptions<TVars> = {
  /** No organization context (organizations themselves, invitations addressed to the caller). */
  global?: boolean;
  /** This context instead of the selected organization's. */
  scope?: OrgScope;
  /** The API path of what the action deletes: it is not asked for again (that would only be a 404). */
  removes?: (vars: TVars) => string;
};

/**
 * A mutation made by a server action, in the selected organization context; the cached reads (React
 * Query over the REST API) are refreshed once it succeeds, as after a REST write.
 */
export function useActionMutation<TVars = void, TResult = unknown>(
  action: (scope: OrgScope, vars: TVars) => Promise<ActionResult<TResult>>,
  options: ActionOptions<TVars> = {},
) {
  const { org } = useOrg();
  const queryClient = useQueryClient();
  const scope: OrgScope = options.global ? undefined : 'scope' in options ? options.scope : org;
  return useMutation<TResult, Error, TVars>({
    mutationFn: (vars) => callAction(() => action(scope, vars)),
    onSuccess: (_data, vars) => {
      const removed = options.removes?.(vars);
      if (removed)
        return queryClient.invalidateQueries({
          queryKey: queryKeys.all,
          predicate: (q) => !partialMatchKey(q.queryKey, queryKeys.at(removed)),
        });
      return queryClient.invalidateQueries({ queryKey: queryKeys.all });
    },
  });
}
