import { getDb, type Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requireCaller } from '@/lib/auth/authenticate';
import { resolveOrgContext } from '@/lib/organizations/resolve-org-context';
import { getBaseUrl } from './base-url';
import { ApiError, describeForLog, invalid, notFound } from './errors';
import { NULL_CHARACTER_MESSAGE } from './parse';
import { paginated, parsePage, type Page } from './pagination';
import { parseListQuery, type ListQuery } from './list-query';

type NextContext = { params: Promise<Record<string, string | string[]>> };
export type RouteContext = { req: Request; url: URL; params: Record<string, string>; db: Db; baseUrl: string };
export type AuthedContext = RouteContext & { actor: Actor };

export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** A route anyone may call (register, login). Errors become CVAT-shaped 4xx answers. */
export function publicRoute(handler: (ctx: RouteContext) => Promise<Response>) {
  return async (req: Request, next: NextContext): Promise<Response> => {
    try {
      return await handler(await buildContext(req, next));
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** A route for a signed-in caller, in the organization context the request names. */
export function apiRoute(handler: (ctx: AuthedContext) => Promise<Response>) {
  return publicRoute(async (ctx) => {
    const user = await requireCaller(ctx.db, ctx.req);
    const org = await resolveOrgContext(ctx.db, ctx.req, ctx.url, user);
    return handler({ ...ctx, actor: { user, baseUrl: ctx.baseUrl, org } });
  });
}

/** GET of a paginated list: `list` gets the parsed query and page and returns `{count, results}`. */
export function listRoute(list: (db: Db, actor: Actor, query: ListQuery, page: Page) => Promise<{ count: number; results: unknown[] }>) {
  return apiRoute(async ({ db, actor, url, baseUrl }) => {
    const page = parsePage(url);
    const { count, results } = await list(db, actor, parseListQuery(url), page);
    return json(paginated(url, baseUrl, page, count, results));
  });
}

async function buildContext(req: Request, next: NextContext): Promise<RouteContext> {
  const raw = next?.params ? await next.params : {};
  const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v]));
  const url = new URL(req.url);
  // PostgreSQL text cannot hold U+0000: no object has it in its key, and no filter can match it.
  if (Object.values(params).some((v) => v.includes('\u0000'))) throw notFound();
  for (const [name, value] of url.searchParams) if (value.includes('\u0000') || name.includes('\u0000')) throw invalid(name.replaceAll('\u0000', ''), NULL_CHARACTER_MESSAGE);
  return { req, url, params, db: await getDb(), baseUrl: getBaseUrl(req) };
}

/** PostgreSQL errors that a request can provoke, answered as 4xx rather than 500. */
const PG_CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  '23505': { status: 400, message: 'An object with these values already exists.' },
  '23503': { status: 400, message: 'A referenced object does not exist.' },
  '22P02': { status: 400, message: 'Invalid value.' },
  '22003': { status: 400, message: 'A number is out of range.' },
  '22001': { status: 400, message: 'A value is too long.' },
  '22021': { status: 400, message: 'Null characters are not allowed.' },
  '22P05': { status: 400, message: 'Null characters are not allowed.' },
  '40001': { status: 409, message: 'The object was changed at the same time by someone else; try again.' },
  '40P01': { status: 409, message: 'The object was changed at the same time by someone else; try again.' },
};

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return json(error.body, error.status);
  const code = (error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  const known = code ? PG_CLIENT_ERRORS[code] : undefined;
  if (known) return json({ non_field_errors: [known.message] }, known.status);
  console.error('[api] unexpected error:', describeForLog(error));
  return json({ detail: 'Internal server error.' }, 500);
}
