import { NextRequest } from 'next/server';
import { getDb } from '@/db/client';
import { findAccountKey } from '@/lib/auth/credentials';
import { handlers } from '@/lib/auth/next-auth';
import { findThrottle } from '@/lib/auth/sign-in-throttle';
import { readBoundedBody } from '@/lib/http/bounded-body';
import { requestOrigin } from '@/lib/http/base-url';
import { clientAddress } from '@/lib/http/client-address';
import { settings } from '@/lib/config/settings';
import { errorResponse } from '@/lib/http/route';

/**
 * next-auth's own routes (the sign-in page's credentials post, sign-out, session), with what it does not
 * do itself: the body is read bounded before next-auth buffers it, the sign-in throttle answers 429 before
 * a hash is computed, and X-Forwarded-Host/-Proto are those of the request's own Host unless
 * TRUST_PROXY=1, so that redirects go to the host the person came in on.
 */
function ownHeaders(req: Request): Headers {
  const headers = new Headers(req.headers);
  if (!settings.trustProxy) {
    // next-auth takes its origin from X-Forwarded-Host/-Proto: make them say what the request itself does.
    const origin = new URL(requestOrigin(req));
    headers.set('x-forwarded-host', origin.host);
    headers.set('x-forwarded-proto', origin.protocol.replace(':', ''));
    headers.delete('x-forwarded-port');
  }
  return headers;
}

/** next-auth takes its base URL from the request's URL: Next.js builds that from the server's own name, not the Host. */
function ownUrl(req: Request): string {
  const url = new URL(req.url);
  return `${requestOrigin(req)}${url.pathname}${url.search}`;
}

/**
 * The request next-auth gets. A NextRequest would turn a loopback host (127.0.0.1, [::1]) into
 * `localhost` in its URL, sending a person who came in on 127.0.0.1 elsewhere: a plain Request keeps it.
 * next-auth reads the NextRequest-only `nextUrl` only when AUTH_URL is set, which fixes the origin anyway.
 */
function forNextAuth(url: string, init: RequestInit): NextRequest {
  if (process.env.AUTH_URL || process.env.NEXTAUTH_URL) return new NextRequest(url, init as never);
  return new Request(url, init) as unknown as NextRequest;
}

export async function GET(req: NextRequest) {
  return handlers.GET(forNextAuth(ownUrl(req), { method: 'GET', headers: ownHeaders(req) }));
}

export async function POST(req: NextRequest) {
  try {
    const body = await readBoundedBody(req, settings.maxJsonBytes);
    if (new URL(req.url).pathname.endsWith('/callback/credentials')) {
      const login = new URLSearchParams(body.toString('utf8')).get('username') ?? '';
      if (login && login.length <= 254) {
        const db = await getDb();
        const refusal = await findThrottle(db, await findAccountKey(db, login), clientAddress(req));
        if (refusal) {
          // next-auth's client reads `url` (error and code) from the answer; the page says "too many attempts".
          const url = `${requestOrigin(req)}/login?error=CredentialsSignin&code=throttled`;
          return Response.json(
            { ...refusal.body, url },
            { status: refusal.status, headers: refusal.headers },
          );
        }
      }
    }
    return await handlers.POST(
      forNextAuth(ownUrl(req), { method: 'POST', headers: ownHeaders(req), body: new Uint8Array(body) }),
    );
  } catch (error) {
    return errorResponse(error);
  }
}
