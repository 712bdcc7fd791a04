import { parseId } from '@/lib/http/parse';
import { paginated, parsePage } from '@/lib/http/pagination';
import { parseListQuery } from '@/lib/http/list-query';
import { apiRoute, json } from '@/lib/http/route';
import { listDeliveries } from '@/lib/webhooks/webhooks';

/** One row per attempt, newest first. */
export const GET = apiRoute(async ({ db, actor, params, url, baseUrl }) => {
  const page = parsePage(url);
  const { count, results } = await listDeliveries(db, actor, parseId(params.id), parseListQuery(url), page);
  return json(paginated(url, baseUrl, page, count, results));
});
