import { listRoute } from '@/lib/http/route';
import { userList } from '@/lib/users/users';

export const GET = listRoute(userList);
