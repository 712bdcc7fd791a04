import { parseId } from '@/lib/http/parse';
import { boundPage, paginated, parsePage } from '@/lib/http/pagination';
import { parseListQuery } from '@/lib/http/list-query';
import { apiRoute, json } from '@/lib/http/route';
import { listMessages } from '@/lib/webhooks/deliveries';

/** One row per series (an event's deliveries to this webhook), newest first. */
export const GET = apiRoute(async ({ db, actor, params, url, baseUrl }) => {
  const page = boundPage(parsePage(url));
  const { count, results } = await listMessages(db, actor, parseId(params.id), parseListQuery(url), page);
  return json(paginated(url, baseUrl, page, count, results));
});
