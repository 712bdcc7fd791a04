// `slow_receiver`: a receiver that answers after 200 ms: deliveries/s from one process and its memory.
import { updateProject } from '@/lib/projects/projects';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { round, sampleRss, sleep, startReceiver, waitForCount, type Bench } from '../context';

export async function measureSlowReceiver(b: Bench, events: number) {
  const receiver = await startReceiver({ DELAY_MS: '200' });
  const project = await b.newProject('slow');
  const webhooks = 100;
  const hooks = await b.addWebhooks(project.id, receiver.url, webhooks, ['update:project']);
  for (let i = 0; i < events; i++)
    await b.transaction(b.db, (tx) => updateProject(tx, b.actor, project.id, { name: `slow-${i}` }));
  const rss = sampleRss();
  const started = performance.now();
  await startDispatcher();
  await waitForCount(receiver, events * webhooks);
  while ((await b.pending()) > 0) await sleep(10);
  const seconds = (performance.now() - started) / 1000;
  await stopDispatcher();
  receiver.close();
  await b.removeWebhooks(hooks);
  await b.emptyQueue();
  const maxInFlight = Number(process.env.WEBHOOK_MAX_IN_FLIGHT || 1000);
  return {
    receiver_delay_ms: 200,
    webhooks,
    deliveries: events * webhooks,
    max_in_flight: maxInFlight,
    deliveries_per_s: round((events * webhooks) / seconds),
    ceiling_per_s: maxInFlight / 0.2,
    rss_mb: rss.stop(),
  };
}
