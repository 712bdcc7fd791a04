import type { UntypedJson } from './untyped-json';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

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
 * (auth, parsing, domain, database) runs as in production.
 */
type Handler = (
  req: Request,
  ctx: { params: Promise<Record<string, string>> },
) => Promise<Response> | Response;
type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;

const ROUTES: [string, () => Promise<RouteModule>][] = [
  ['/api/auth/register', () => import('@/app/api/auth/register/route')],
  ['/api/auth/login', () => import('@/app/api/auth/login/route')],
  ['/api/auth/logout', () => import('@/app/api/auth/logout/route')],
  ['/api/users', () => import('@/app/api/users/route')],
  ['/api/users/self', () => import('@/app/api/users/self/route')],
  ['/api/users/:id', () => import('@/app/api/users/[id]/route')],
  ['/api/organizations', () => import('@/app/api/organizations/route')],
  ['/api/organizations/:id', () => import('@/app/api/organizations/[id]/route')],
  ['/api/memberships', () => import('@/app/api/memberships/route')],
  ['/api/memberships/:id', () => import('@/app/api/memberships/[id]/route')],
  ['/api/invitations', () => import('@/app/api/invitations/route')],
  ['/api/invitations/:key', () => import('@/app/api/invitations/[key]/route')],
  ['/api/invitations/:key/accept', () => import('@/app/api/invitations/[key]/accept/route')],
  ['/api/invitations/:key/decline', () => import('@/app/api/invitations/[key]/decline/route')],
  ['/api/projects', () => import('@/app/api/projects/route')],
  ['/api/projects/:id', () => import('@/app/api/projects/[id]/route')],
  ['/api/tasks', () => import('@/app/api/tasks/route')],
  ['/api/tasks/:id', () => import('@/app/api/tasks/[id]/route')],
  ['/api/tasks/:id/data', () => import('@/app/api/tasks/[id]/data/route')],
  ['/api/jobs', () => import('@/app/api/jobs/route')],
  ['/api/jobs/:id', () => import('@/app/api/jobs/[id]/route')],
  ['/api/issues', () => import('@/app/api/issues/route')],
  ['/api/issues/:id', () => import('@/app/api/issues/[id]/route')],
  ['/api/comments', () => import('@/app/api/comments/route')],
  ['/api/comments/:id', () => import('@/app/api/comments/[id]/route')],
  ['/api/webhooks', () => import('@/app/api/webhooks/route')],
  ['/api/webhooks/events', () => import('@/app/api/webhooks/events/route')],
  ['/api/webhooks/events/:key/schema', () => import('@/app/api/webhooks/events/[key]/schema/route')],
  ['/api/webhooks/:id', () => import('@/app/api/webhooks/[id]/route')],
  ['/api/webhooks/:id/ping', () => import('@/app/api/webhooks/[id]/ping/route')],
  ['/api/webhooks/:id/test', () => import('@/app/api/webhooks/[id]/test/route')],
  ['/api/webhooks/:id/recover', () => import('@/app/api/webhooks/[id]/recover/route')],
  ['/api/webhooks/:id/deliveries', () => import('@/app/api/webhooks/[id]/deliveries/route')],
  // Before `:deliveryId`: a static segment wins over a dynamic one, as in Next's router.
  ['/api/webhooks/:id/deliveries/stats', () => import('@/app/api/webhooks/[id]/deliveries/stats/route')],
  [
    '/api/webhooks/:id/deliveries/:deliveryId',
    () => import('@/app/api/webhooks/[id]/deliveries/[deliveryId]/route'),
  ],
  [
    '/api/webhooks/:id/deliveries/:deliveryId/redelivery',
    () => import('@/app/api/webhooks/[id]/deliveries/[deliveryId]/redelivery/route'),
  ],
  ['/api/webhooks/:id/messages', () => import('@/app/api/webhooks/[id]/messages/route')],
  [
    '/api/webhooks/:id/messages/:deliveryId',
    () => import('@/app/api/webhooks/[id]/messages/[deliveryId]/route'),
  ],
  ['/api/server/about', () => import('@/app/api/server/about/route')],
  ['/api/metrics', () => import('@/app/api/metrics/route')],
  ['/api/schema', () => import('@/app/api/schema/route')],
  ['/api/docs', () => import('@/app/api/docs/route')],
  ['/api/docs/:asset', () => import('@/app/api/docs/[asset]/route')],
];

export const BASE = 'http://herald.test';

function match(pathname: string) {
  for (const [pattern, load] of ROUTES) {
    const names: string[] = [];
    const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, n) => (names.push(n), '([^/]+)')) + '$');
    const m = re.exec(pathname);
    if (m)
      return { load, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

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
  const found = match(url.pathname);
  if (!found) throw new Error(`No route for ${url.pathname}`);
  const routeModule = await found.load();
  const handler = routeModule[method as keyof RouteModule];
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = options.as.auth;
  let payload: BodyInit | undefined = options.raw;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.contentType) headers['content-type'] = options.contentType;
  if (!handler) return { status: 405, body: {} as T, headers: new Headers() };
  // `duplex`: a streamed body (a chunked upload, an endless JSON body) is sent as the client writes it.
  const request = new Request(url, { method, headers, body: payload, duplex: 'half' } as RequestInit);
  const response = await handler(request, { params: Promise.resolve(found.params) });
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
