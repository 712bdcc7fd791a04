import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allowedMethods,
  findRoute,
  findRouteFiles,
  loadRoute,
  PROJECT_ROOT,
  ROUTE_METHODS,
} from './route-table';
import { call, createUser } from './test-api';

const API = path.join(PROJECT_ROOT, 'app', 'api');
const file = (relative: string) => path.join(API, relative, 'route.ts');

/** A URL that reaches a route file, written from its folders independently of the table's own parsing. */
function sampleUrl(routeFile: string): string {
  const folders = path.relative(path.join(PROJECT_ROOT, 'app'), path.dirname(routeFile)).split(path.sep);
  return (
    '/' +
    folders
      .filter((f) => !f.startsWith('('))
      .map((f) => (f.startsWith('[...') || f.startsWith('[[...') ? 'one/two' : f.startsWith('[') ? '7' : f))
      .join('/')
  );
}

describe('the in-process route table', () => {
  const files = findRouteFiles();

  it('finds the route files under app/api', () => {
    // A floor, not a count: a new route needs no edit here.
    expect(files.length).toBeGreaterThan(40);
    expect(files).toContain(file('webhooks/[id]/deliveries/[deliveryId]/redelivery'));
    expect(files).toContain(file('auth/[...nextauth]'));
  });

  it('reaches every route file, and each method it exports answers from the file itself', async () => {
    const wrong: string[] = [];
    for (const routeFile of files) {
      const url = sampleUrl(routeFile);
      const found = findRoute(url);
      if (found?.route.file !== routeFile) {
        wrong.push(`${url}: reaches ${found ? path.relative(API, found.route.file) : 'nothing'}`);
        continue;
      }
      const routeModule = await loadRoute(found.route);
      const own = ROUTE_METHODS.filter((m) => typeof routeModule[m] === 'function');
      if (!own.length) wrong.push(`${url}: exports no method`);
      for (const method of own) {
        // No credentials, no body: each handler refuses or answers; a 405 here would be the table's own.
        const reply = await call(method, url);
        if (reply.status === 405 || reply.status >= 500) wrong.push(`${method} ${url}: ${reply.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers a method a route does not export as Next does: 405 with Allow, OPTIONS 204, HEAD from GET', async () => {
    const put = await call('PUT', '/api/webhooks/events');
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const options = await call('OPTIONS', '/api/projects');
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    const head = await call('HEAD', '/api/server/about');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(allowedMethods(await loadRoute(findRoute('/api/webhooks/1')!.route))).toEqual([
      'GET',
      'HEAD',
      'OPTIONS',
      'PUT',
      'PATCH',
      'DELETE',
    ]);
  });

  it('has no route for a path no file serves', async () => {
    expect(findRoute('/api/no-such-thing')).toBeNull();
    expect(findRoute('/api/webhooks/1/deliveries/2/redelivery/extra')).toBeNull();
    await expect(call('GET', '/api/no-such-thing')).rejects.toThrow(/No route file/);
  });

  describe("follows Next's precedence: static, then dynamic, then catch-all", () => {
    const cases: [string, string, Record<string, string | string[]>][] = [
      ['/api/webhooks/events', 'webhooks/events', {}],
      ['/api/webhooks/12', 'webhooks/[id]', { id: '12' }],
      ['/api/webhooks/events/task/schema', 'webhooks/events/[key]/schema', { key: 'task' }],
      // No `events/[key]/ping`: the static branch does not match, so the dynamic one is tried next.
      ['/api/webhooks/events/ping', 'webhooks/[id]/ping', { id: 'events' }],
      ['/api/webhooks/3/deliveries/stats', 'webhooks/[id]/deliveries/stats', { id: '3' }],
      ['/api/webhooks/3/deliveries/9', 'webhooks/[id]/deliveries/[deliveryId]', { id: '3', deliveryId: '9' }],
      ['/api/users/self', 'users/self', {}],
      ['/api/users/5', 'users/[id]', { id: '5' }],
      ['/api/auth/login', 'auth/login', {}],
      ['/api/auth/session', 'auth/[...nextauth]', { nextauth: ['session'] }],
      ['/api/auth/callback/credentials', 'auth/[...nextauth]', { nextauth: ['callback', 'credentials'] }],
      ['/api/invitations/a%20b/accept', 'invitations/[key]/accept', { key: 'a b' }],
    ];
    it.each(cases)('%s -> %s', (url, expected, params) => {
      const found = findRoute(url);
      expect(found && path.relative(API, path.dirname(found.route.file))).toBe(expected);
      expect(found?.params).toEqual(params);
    });

    it('serves the event list at /api/webhooks/events, not webhook "events"', async () => {
      const user = await createUser('routes');
      const reply = await call('GET', '/api/webhooks/events', undefined, { as: user });
      expect(reply.status).toBe(200);
      expect(reply.body.events.map((e: { key: string }) => e.key)).toContain('create:task');
    });
  });
});
