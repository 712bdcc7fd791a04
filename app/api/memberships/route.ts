import { listRoute } from '@/lib/http/route';
import { membershipList } from '@/lib/memberships/memberships';

export const GET = listRoute(membershipList);
