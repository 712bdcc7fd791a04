import { headers } from 'next/headers';
import { getDb, type Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requireCaller } from '@/lib/auth/authenticate';
import { getBaseUrl } from '@/lib/http/base-url';
import { parseId } from '@/lib/http/parse';
import { errorResponse } from '@/lib/http/route';
import { resolveOrgContext } from '@/lib/organizations/resolve-org-context';

/**
 * What every server action returns: the data, or the status and body the REST route would have answered
 * (Next hides the message of an error thrown by an action in production, so errors travel as values).
 */
export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; status: number; body: Record<string, unknown> };

/** The organization context of the page, as the client holds it (lib/client/api.ts's OrgScope). */
export type ActionScope = string | null | undefined | { id: number };

/**
 * Runs a server action as a REST route runs: the caller from the session cookie, the organization
 * context the page is in, the same error table. `fn` calls the same `lib/` functions as the route.
 */
export async function runAction<T>(
  scope: ActionScope,
  fn: (ctx: { db: Db; actor: Actor }) => Promise<T>,
): Promise<ActionResult<T>> {
  try {
    const req = await actionRequest(scope);
    const db = await getDb();
    const { user } = await requireCaller(db, req);
    const org = await resolveOrgContext(db, req, new URL(req.url), user);
    return { ok: true, data: await fn({ db, actor: { user, baseUrl: getBaseUrl(req), org } }) };
  } catch (error) {
    const response = errorResponse(error);
    return { ok: false, status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
}

/** The action's request as the route helpers read one: its headers (cookie, host) and the context as `org`/`org_id`. */
async function actionRequest(scope: ActionScope): Promise<Request> {
  const incoming = await headers();
  const params = new URLSearchParams();
  if (scope === null) params.set('org_id', '');
  else if (typeof scope === 'object' && scope !== undefined) params.set('org_id', String(scope.id));
  else if (typeof scope === 'string') params.set('org', scope);
  else if (scope !== undefined) params.set('org', String(scope));
  const proto = incoming.get('x-forwarded-proto')?.split(',')[0].trim() === 'https' ? 'https' : 'http';
  const host = incoming.get('host') ?? 'localhost';
  return new Request(`${proto}://${host}/api/actions?${params}`, { headers: new Headers(incoming) });
}

/** An id argument (number or digits) the way a route reads it from its path: 404 when it is not one. */
export function idOf(value: unknown, field = 'id'): number {
  return parseId(typeof value === 'number' || typeof value === 'string' ? String(value) : '', field);
}
