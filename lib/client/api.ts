/**
 * The one way the browser talks to Herald's REST API. The organization context travels as the
 * `X-Organization` header (a slug) or `org_id=` (empty: the personal workspace).
 */

export type ErrorBody = Record<string, unknown>;

/** A failed request as the browser sees it; not the server's ApiError (lib/http/errors.ts), which makes the answer. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(describeError(status, body));
    this.name = 'ApiRequestError';
  }

  /** Messages per field of a 400 answer (`{field: ["message"]}`). */
  get fieldErrors(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(this.body)) {
      if (Array.isArray(value)) out[key] = value.map(String);
      else if (typeof value === 'string') out[key] = [value];
    }
    return out;
  }
}

function describeError(status: number, body: ErrorBody): string {
  if (typeof body.detail === 'string') return body.detail;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    parts.push(key === 'non_field_errors' ? text : `${key}: ${text}`);
  }
  return parts.join('; ') || `The server answered ${status}.`;
}

/**
 * `undefined`: no context (everything visible); `null`: the personal workspace; a string: an
 * organization slug; `{id}`: an organization by id (a resource's own `organization`).
 */
export type OrgScope = string | null | undefined | { id: number };

/** The context of a resource's own organization id (null: the personal workspace). */
export function scopeOf(organization: number | null): OrgScope {
  return organization === null ? null : { id: organization };
}

export type ApiOptions = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  org?: OrgScope;
  query?: Record<string, string | number | boolean | null | undefined>;
};

export function apiUrl(path: string, query: ApiOptions['query'] = {}, org?: OrgScope): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  if (org === null) params.set('org_id', '');
  else if (typeof org === 'object') params.set('org_id', String(org.id));
  const search = params.toString();
  return `/api${path}${search ? (path.includes('?') ? '&' : '?') + search : ''}`;
}

export async function apiFetch<T = unknown>(path: string, options: ApiOptions = {}): Promise<T> {
  const { method = 'GET', body, org, query } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (typeof org === 'string') headers['x-organization'] = org;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query, org), {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiRequestError(0, {
      detail: 'The server could not be reached. Check your connection and try again.',
    });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const errorBody =
      parsed && typeof parsed === 'object'
        ? (parsed as ErrorBody)
        : { detail: text.slice(0, 200) || `The server answered ${res.status}.` };
    throw new ApiRequestError(res.status, errorBody);
  }
  return parsed as T;
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiRequestError && error.status === 403;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
