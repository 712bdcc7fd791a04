import { getDb, type Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requireCaller } from '@/lib/auth/authenticate';
import type { List } from '@/lib/lists/define-list';
import { resolveOrgContext } from '@/lib/organizations/resolve-org-context';
import { settings } from '@/lib/config/settings';
import { getBaseUrl } from './base-url';
import { readBoundedBody, tooLarge } from './bounded-body';
import { loggerFor } from '@/lib/logging/logger';
import { ApiError, invalid, notFound } from './errors';
import { NULL_CHARACTER_MESSAGE } from './parse';
import { isStateChanging, requireSameOrigin } from './same-origin';

type NextContext = { params: Promise<Record<string, string | string[]>> };
export type RouteContext = {
  req: Request;
  url: URL;
  params: Record<string, string>;
  db: Db;
  baseUrl: string;
};
export type AuthedContext = RouteContext & { actor: Actor };

export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/**
 * How a route takes its body: `json` (the default) reads it, bounded by MAX_JSON_BYTES, before anything
 * else is done, authentication included, so that an oversized body costs no work; `stream` leaves it to
 * the handler (uploads, bounded by MAX_UPLOAD_BYTES), refusing only a declared length over that at once.
 */
export type RouteOptions = { body?: 'json' | 'stream' };

/** A route anyone may call (register, login). Errors become CVAT-shaped 4xx answers. */
export function publicRoute(handler: (ctx: RouteContext) => Promise<Response>, options: RouteOptions = {}) {
  return async (req: Request, next: NextContext): Promise<Response> => {
    try {
      if (isStateChanging(req.method)) await admitBody(req, options.body ?? 'json');
      return await handler(await buildContext(req, next));
    } catch (error) {
      return errorResponse(error);
    }
  };
}

async function admitBody(req: Request, kind: 'json' | 'stream') {
  if (kind === 'json') {
    await readBoundedBody(req, settings.maxJsonBytes);
    return;
  }
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > settings.maxUploadBytes)
    throw tooLarge(settings.maxUploadBytes);
}

/**
 * A route for a signed-in caller, in the organization context the request names. A change made with the
 * browser's cookie must come from Herald's own pages (same-origin.ts).
 */
export function apiRoute(handler: (ctx: AuthedContext) => Promise<Response>, options: RouteOptions = {}) {
  return publicRoute(async (ctx) => {
    const { user, via } = await requireCaller(ctx.db, ctx.req);
    if (via === 'session' && isStateChanging(ctx.req.method)) requireSameOrigin(ctx.req);
    const org = await resolveOrgContext(ctx.db, ctx.req, ctx.url, user);
    return handler({ ...ctx, actor: { user, baseUrl: ctx.baseUrl, org } });
  }, options);
}

/** GET of a list: the page the URL asks for, as its definition answers it (lib/lists/define-list.ts). */
export function listRoute(list: List) {
  return apiRoute(async ({ db, actor, url }) => json(await list.respond(db, actor, url)));
}

async function buildContext(req: Request, next: NextContext): Promise<RouteContext> {
  const raw = (await next?.params) ?? {};
  const params = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v]),
  );
  const url = new URL(req.url);
  // PostgreSQL text cannot hold U+0000: no object has it in its key, and no filter can match it.
  if (Object.values(params).some((v) => v.includes('\u0000'))) throw notFound();
  for (const [name, value] of url.searchParams)
    if (value.includes('\u0000') || name.includes('\u0000'))
      throw invalid(name.replaceAll('\u0000', ''), NULL_CHARACTER_MESSAGE);
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
  if (error instanceof ApiError)
    return Response.json(error.body, { status: error.status, headers: error.headers });
  const code = (error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  const known = code ? PG_CLIENT_ERRORS[code] : undefined;
  if (known) return json({ non_field_errors: [known.message] }, known.status);
  loggerFor('api').error({ err: error }, 'unexpected error');
  return json({ detail: 'Internal server error.' }, 500);
}
