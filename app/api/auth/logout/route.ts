import { transaction } from '@/db/transaction';
import { deleteApiToken } from '@/lib/auth/credentials';
import { json, publicRoute } from '@/lib/http/route';

/** Forgets the token the request carries; browser sessions sign out through next-auth. */
export const POST = publicRoute(async ({ req, db }) => {
  const [scheme, key] = (req.headers.get('authorization') ?? '').split(/\s+/, 2);
  if (key && /^(token|bearer)$/i.test(scheme)) await transaction(db, (tx) => deleteApiToken(tx, key));
  return json({ detail: 'Successfully logged out.' });
});
