import { listRoute } from '@/lib/http/route';
import { listUsers } from '@/lib/users/users';

export const GET = listRoute(listUsers);
