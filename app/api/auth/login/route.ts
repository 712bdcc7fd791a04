import { transaction } from '@/db/transaction';
import { createApiToken, verifyCredentials } from '@/lib/auth/credentials';
import { clientAddress } from '@/lib/http/client-address';
import { invalid } from '@/lib/http/errors';
import { readBody } from '@/lib/http/parse';
import { json, publicRoute } from '@/lib/http/route';
import { loginSchema } from '@/lib/users/schemas';

export const POST = publicRoute(async ({ req, db }) => {
  const input = await readBody(req, loginSchema);
  const user = await verifyCredentials(
    db,
    (input.username || input.email)!,
    input.password,
    clientAddress(req),
  );
  if (!user) throw invalid('non_field_errors', 'Unable to log in with provided credentials.');
  return json({ key: await transaction(db, (tx) => createApiToken(tx, user.id)) });
});
