import type { Db } from '@/db/client';
import { countEndpointsByState } from '@/lib/webhooks/endpoint-health';
import { measureWaitingSeries } from '@/lib/webhooks/queue';
import { ENDPOINT_STATES, getMetrics } from './registry';

/**
 * The scrape: the gauges are read from the database now (through the modules that own those tables),
 * so that every process answers alike; the counters are this process's. Prometheus text format.
 */
export async function renderMetrics(db: Db): Promise<{ contentType: string; text: string }> {
  const m = getMetrics();
  const [waiting, endpoints] = await Promise.all([measureWaitingSeries(db), countEndpointsByState(db)]);
  m.seriesWaiting.set(waiting.count);
  m.oldestWaiting.set(waiting.oldestSeconds);
  for (const state of ENDPOINT_STATES) m.endpoints.set({ state }, endpoints[state]);
  return { contentType: m.registry.contentType, text: await m.registry.metrics() };
}
