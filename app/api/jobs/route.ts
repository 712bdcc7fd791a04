import { listRoute } from '@/lib/http/route';
import { jobList } from '@/lib/jobs/jobs';

export const GET = listRoute(jobList);
