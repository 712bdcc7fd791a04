import { publicRoute } from '@/lib/http/route';
import { requireMetricsReader } from '@/lib/metrics/access';
import { renderMetrics } from '@/lib/metrics/collect';

/** Prometheus metrics, for administrators and the holder of METRICS_TOKEN (docs/operations.md, "Metrics"). */
export const GET = publicRoute(async ({ req, db }) => {
  await requireMetricsReader(db, req);
  const { contentType, text } = await renderMetrics(db);
  return new Response(text, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
});
