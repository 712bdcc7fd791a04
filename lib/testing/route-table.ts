import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The route table of the in-process test client, read from `app/api/**\/route.ts` as Next's file-system
 * router reads it, so that a route added, moved or removed is reachable (or gone) in tests without a list
 * to keep in step.
 */

export const ROUTE_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];
export type RouteParams = Record<string, string | string[]>;
export type RouteHandler = (
  req: Request,
  ctx: { params: Promise<RouteParams> },
) => Promise<Response> | Response;
export type RouteModule = Partial<Record<RouteMethod, RouteHandler>>;

type Segment =
  | { kind: 'static'; value: string }
  | { kind: 'dynamic'; name: string }
  | { kind: 'catch-all'; name: string }
  | { kind: 'optional-catch-all'; name: string };

export type Route = {
  /** Absolute path of the route.ts file. */
  file: string;
  /** The URL pattern as Next writes it, e.g. `/api/webhooks/[id]/ping`. */
  pattern: string;
  segments: Segment[];
};

// Next ranks sibling segments: a static name before `[x]`, before `[...x]`, before `[[...x]]`.
const RANK: Record<Segment['kind'], number> = {
  static: 0,
  dynamic: 1,
  'catch-all': 2,
  'optional-catch-all': 3,
};

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const API_DIR = path.join(PROJECT_ROOT, 'app', 'api');

/** Every `route.ts` under app/api; `_private` folders are not routes in Next, so they are skipped. */
export function findRouteFiles(dir = API_DIR): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('_')) files.push(...findRouteFiles(full));
    else if (entry.isFile() && entry.name === 'route.ts') files.push(full);
  }
  return files;
}

function parseSegment(name: string): Segment | null {
  // A route group `(name)` organizes files without appearing in the URL.
  if (/^\(.*\)$/.test(name)) return null;
  let m = /^\[\[\.\.\.(\w+)\]\]$/.exec(name);
  if (m) return { kind: 'optional-catch-all', name: m[1] };
  m = /^\[\.\.\.(\w+)\]$/.exec(name);
  if (m) return { kind: 'catch-all', name: m[1] };
  m = /^\[(\w+)\]$/.exec(name);
  if (m) return { kind: 'dynamic', name: m[1] };
  return { kind: 'static', value: name };
}

export function describeRoute(file: string): Route {
  const folders = path.relative(path.join(PROJECT_ROOT, 'app'), path.dirname(file)).split(path.sep);
  const segments = folders.map(parseSegment).filter((s): s is Segment => s !== null);
  const pattern =
    '/' +
    segments
      .map((s) =>
        s.kind === 'static'
          ? s.value
          : s.kind === 'dynamic'
            ? `[${s.name}]`
            : s.kind === 'catch-all'
              ? `[...${s.name}]`
              : `[[...${s.name}]]`,
      )
      .join('/');
  return { file, pattern, segments };
}

/** Next's order: segment by segment, the more specific kind first; the first route that matches wins. */
function compareRoutes(a: Route, b: Route): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const diff = RANK[a.segments[i].kind] - RANK[b.segments[i].kind];
    if (diff) return diff;
  }
  return a.segments.length - b.segments.length || a.pattern.localeCompare(b.pattern);
}

function matchSegments(segments: Segment[], parts: string[]): RouteParams | null {
  const params: RouteParams = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === 'catch-all' || segment.kind === 'optional-catch-all') {
      // A catch-all is the last segment of its route; `[...x]` needs at least one part, `[[...x]]` none.
      const rest = parts.slice(i);
      if (segment.kind === 'catch-all' && rest.length === 0) return null;
      if (rest.length) params[segment.name] = rest;
      return params;
    }
    if (i >= parts.length) return null;
    if (segment.kind === 'static') {
      if (segment.value !== parts[i]) return null;
    } else params[segment.name] = parts[i];
  }
  return segments.length === parts.length ? params : null;
}

let routes: Route[] | undefined;

/** The routes in the order Next tries them, read once per test file. */
export function listRoutes(): Route[] {
  routes ??= findRouteFiles().map(describeRoute).sort(compareRoutes);
  return routes;
}

/** The route a pathname reaches and its params (decoded, as handlers get them), or null: Next's 404. */
export function findRoute(pathname: string): { route: Route; params: RouteParams } | null {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  for (const route of listRoutes()) {
    const params = matchSegments(route.segments, parts);
    if (params) return { route, params };
  }
  return null;
}

export async function loadRoute(route: Route): Promise<RouteModule> {
  return (await import(/* @vite-ignore */ route.file)) as RouteModule;
}

/** The methods a route module answers: HEAD comes with GET and OPTIONS with any, as Next adds them. */
export function allowedMethods(routeModule: RouteModule): RouteMethod[] {
  const own = ROUTE_METHODS.filter((m) => typeof routeModule[m] === 'function');
  const allowed = new Set<RouteMethod>(own);
  if (allowed.has('GET')) allowed.add('HEAD');
  allowed.add('OPTIONS');
  return ROUTE_METHODS.filter((m) => allowed.has(m));
}

/**
 * Dispatches a request to a route module by method as Next does: HEAD runs GET without its body,
 * OPTIONS answers 204 with Allow, any other method the module does not export 405 with Allow.
 */
export async function dispatch(
  routeModule: RouteModule,
  request: Request,
  params: RouteParams,
): Promise<Response> {
  const method = request.method.toUpperCase() as RouteMethod;
  const ctx = { params: Promise.resolve(params) };
  const own = routeModule[method];
  if (own) return own(request, ctx);
  const allow = allowedMethods(routeModule).join(', ');
  if (method === 'HEAD' && routeModule.GET) {
    const response = await routeModule.GET(new Request(request, { method: 'GET' }), ctx);
    return new Response(null, { status: response.status, headers: response.headers });
  }
  if (method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow } });
  return new Response(null, { status: 405, headers: { allow } });
}
