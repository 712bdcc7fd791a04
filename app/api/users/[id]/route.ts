import { parseId } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { getUser } from '@/lib/users/users';

export const GET = apiRoute(async ({ db, actor, params }) => json(await getUser(db, actor, parseId(params.id))));
