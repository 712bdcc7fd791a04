import { listRoute } from '@/lib/http/route';
import { listMemberships } from '@/lib/memberships/memberships';

export const GET = listRoute(listMemberships);
