import type { UntypedJson } from './untyped-json';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { dispatch, findRoute, loadRoute } from './route-table';

// On PGlite each test file has its own database, so task ids start at 1 in every file: each file needs its
// own media directory too, or deleting task 3 in one file removes the images of task 3 in another.
process.env.HERALD_MEDIA_DIR = path.join(
  'data',
  'test-media',
  process.env.HERALD_TEST_RUN_ID ?? 'run',
  `${process.pid}-${randomBytes(3).toString('hex')}`,
);

/**
 * Calls Herald's real route handlers in-process with real Requests: everything but the HTTP socket
 * (auth, parsing, domain, database) runs as in production. Routes are found as Next finds them, from the
 * files under app/api (route-table.ts).
 */

export const BASE = 'http://herald.test';

export type TestUser = { id: number; username: string; password: string; email: string; auth: string };
export type Reply<T = UntypedJson> = { status: number; body: T; headers: Headers };

export type CallOptions = {
  as?: TestUser | null;
  headers?: Record<string, string>;
  raw?: BodyInit;
  contentType?: string;
};

export async function call<T = UntypedJson>(
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<Reply<T>> {
  const url = new URL(path, BASE);
  const found = findRoute(url.pathname);
  if (!found) throw new Error(`No route file under app/api serves ${url.pathname}`);
  const routeModule = await loadRoute(found.route);
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = options.as.auth;
  let payload: BodyInit | undefined = options.raw;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.contentType) headers['content-type'] = options.contentType;
  // `duplex`: a streamed body (a chunked upload, an endless JSON body) is sent as the client writes it.
  const request = new Request(url, { method, headers, body: payload, duplex: 'half' } as RequestInit);
  const response = await dispatch(routeModule, request, found.params);
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    body: (type.includes('json') && text ? JSON.parse(text) : text) as T,
    headers: response.headers,
  };
}

export const api = {
  get: <T = UntypedJson>(path: string, o?: CallOptions) => call<T>('GET', path, undefined, o),
  post: <T = UntypedJson>(path: string, body?: unknown, o?: CallOptions) => call<T>('POST', path, body, o),
  patch: <T = UntypedJson>(path: string, body?: unknown, o?: CallOptions) => call<T>('PATCH', path, body, o),
  put: <T = UntypedJson>(path: string, body?: unknown, o?: CallOptions) => call<T>('PUT', path, body, o),
  delete: <T = UntypedJson>(path: string, o?: CallOptions) => call<T>('DELETE', path, undefined, o),
};

export function unique(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

/** Registers a fresh user through the API and returns Basic credentials for it. */
export async function createUser(
  prefix = 'user',
  extra: { first_name?: string; last_name?: string } = {},
): Promise<TestUser> {
  const username = unique(prefix);
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const email = `${username}@example.test`;
  const reply = await api.post('/api/auth/register', {
    username,
    email,
    password1: password,
    password2: password,
    ...extra,
  });
  if (reply.status !== 201) throw new Error(`register failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const self = await api.get('/api/users/self', { as: { auth } as TestUser });
  return { id: self.body.id, username, password, email, auth };
}

/** A tiny PNG (1x1) for uploads. */
export const PNG_1X1 = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
);

export async function uploadImages(taskId: number, user: TestUser, count = 1, quality = 70) {
  const form = new FormData();
  for (let i = 0; i < count; i++)
    form.append(`client_files[${i}]`, new Blob([PNG_1X1], { type: 'image/png' }), `frame_${i}.png`);
  form.append('image_quality', String(quality));
  return call('POST', `/api/tasks/${taskId}/data`, undefined, { as: user, raw: form });
}
