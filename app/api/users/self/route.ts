import { apiRoute, json } from '@/lib/http/route';
import { toUser } from '@/lib/users/representation';

export const GET = apiRoute(async ({ actor }) => json(toUser(actor.user, actor.baseUrl, true)));
