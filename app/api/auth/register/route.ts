import { transaction } from '@/db/transaction';
import { readBody } from '@/lib/http/parse';
import { json, publicRoute } from '@/lib/http/route';
import { hashPassword } from '@/lib/users/password';
import { registerUser } from '@/lib/users/register-user';
import { registerSchema } from '@/lib/users/schemas';

export const POST = publicRoute(async ({ req, db, baseUrl }) => {
  const input = await readBody(req, registerSchema);
  const passwordHash = await hashPassword(input.password1);
  const user = await transaction(db, (tx) =>
    registerUser(
      tx,
      {
        username: input.username,
        email: input.email,
        passwordHash,
        firstName: input.first_name,
        lastName: input.last_name,
      },
      { baseUrl, by: 'self' },
    ),
  );
  return json(
    { username: user.username, email: user.email, first_name: user.firstName, last_name: user.lastName },
    201,
  );
});
