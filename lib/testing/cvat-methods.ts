import type { UntypedJson } from './untyped-json';
import type { CvatWorld } from './cvat-fixtures';
import { api, type Reply } from './test-api';

/**
 * CVAT's shared/utils/config.py helpers (get_method, post_method, patch_method, delete_method): a request
 * as the named fixture user to `/api/<path>`, keyword arguments as query parameters (`org_id=""` is the
 * personal workspace), the reply with CVAT's `status_code` and `json()`.
 */
export type Query = Record<string, string | number | null | undefined>;
export type CvatReply = Reply & { status_code: number; json: () => UntypedJson };

function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null) params.set(key, String(value));
  const search = params.toString();
  return `/api/${path}${search ? `?${search}` : ''}`;
}

function wrap(reply: Reply): CvatReply {
  return Object.assign(reply, { status_code: reply.status, json: () => reply.body });
}

export function cvatMethods(world: () => CvatWorld) {
  const as = (username: string) => ({ as: world().user(username) });
  return {
    get_method: async (username: string, path: string, query?: Query) =>
      wrap(await api.get(url(path, query), as(username))),
    post_method: async (username: string, path: string, data: unknown, query?: Query) =>
      wrap(await api.post(url(path, query), data, as(username))),
    patch_method: async (username: string, path: string, data: unknown, query?: Query) =>
      wrap(await api.patch(url(path, query), data, as(username))),
    delete_method: async (username: string, path: string, query?: Query) =>
      wrap(await api.delete(url(path, query), as(username))),
  };
}

/** CVAT's HTTPStatus names. */
export const HTTPStatus = {
  OK: 200,
  CREATED: 201,
  NO_CONTENT: 204,
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INTERNAL_SERVER_ERROR: 500,
} as const;
