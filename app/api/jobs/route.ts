import { listRoute } from '@/lib/http/route';
import { listJobs } from '@/lib/jobs/jobs';

export const GET = listRoute(listJobs);
