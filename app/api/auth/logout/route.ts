import { transaction } from '@/db/transaction';
import { readSessionToken } from '@/lib/auth/authenticate';
import { deleteApiToken, endBrowserSessions } from '@/lib/auth/credentials';
import { json, publicRoute } from '@/lib/http/route';
import { requireSameOrigin } from '@/lib/http/same-origin';

const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];

/**
 * Forgets the token the request carries. Called with the browser's session instead, it ends that
 * session (and the user's other browser sessions issued before it: they share the session version).
 */
export const POST = publicRoute(async ({ req, db }) => {
  const [scheme, key] = (req.headers.get('authorization') ?? '').split(/\s+/, 2);
  if (key && /^(token|bearer)$/i.test(scheme)) {
    await transaction(db, (tx) => deleteApiToken(tx, key));
    return json({ detail: 'Successfully logged out.' });
  }
  const session = await readSessionToken(req);
  if (!session) return json({ detail: 'Successfully logged out.' });
  requireSameOrigin(req);
  await endBrowserSessions(db, session.uid);
  const response = json({ detail: 'Successfully logged out.' });
  for (const name of SESSION_COOKIES) {
    response.headers.append(
      'set-cookie',
      `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith('__Secure-') ? '; Secure' : ''}`,
    );
  }
  return response;
});
