// `ideal` and `backlog`: the same number of pending deliveries drained by the hand-written minimal loop
// and by one Herald process, to the same receiver, one after the other.
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { log, meterCpu, round, sampleRss, sleep, startReceiver, waitForCount, type Bench } from '../context';
import { drainIdeal, dropIdeal, LOOPS, seedIdeal } from '../ideal';

const WEBHOOKS = 20;

export async function measureBacklog(b: Bench, pending: number) {
  const receiver = await startReceiver({});
  const project = await b.newProject('backlog');
  const hooks = await b.addWebhooks(project.id, receiver.url, WEBHOOKS, ['update:project']);
  // One real event (the dispatcher is not running), then copies of it: a long receiver outage.
  await b.transaction(b.db, async (tx) => {
    const { updateProject } = await import('@/lib/projects/projects');
    await updateProject(tx, b.actor, project.id, { name: 'backlog-template' });
  });
  await b.seedBacklog(hooks, pending / WEBHOOKS - 1);
  const queued = await b.pending();

  const body = await b.sampleBody(hooks[0]);
  await seedIdeal(process.env.DATABASE_URL!, receiver.url, body, queued);
  const idealCpu = meterCpu();
  const ideal = await drainIdeal(process.env.DATABASE_URL!, `http://127.0.0.1:${receiver.port}`);
  const idealCost = idealCpu.stop(ideal.delivered);
  await dropIdeal(process.env.DATABASE_URL!);
  await receiver.ask('reset');
  log('ideal', ideal);

  const rss = sampleRss();
  const cpu = meterCpu();
  const started = performance.now();
  await startDispatcher();
  await waitForCount(receiver, queued, 1_200_000);
  while ((await b.pending()) > 0) await sleep(20);
  const seconds = (performance.now() - started) / 1000;
  const cost = cpu.stop(queued);
  await stopDispatcher();
  receiver.close();
  await b.removeWebhooks(hooks);
  await b.emptyQueue();
  const idealPerS = ideal.delivered / ideal.seconds;
  return {
    ideal: {
      deliveries: ideal.delivered,
      seconds: round(ideal.seconds),
      deliveries_per_s: round(idealPerS),
      loops: LOOPS,
      batch: 50,
      ...idealCost,
    },
    backlog: {
      pending: queued,
      webhooks: WEBHOOKS,
      seconds: round(seconds),
      deliveries_per_s: round(queued / seconds),
      ratio_to_ideal: round(queued / seconds / idealPerS, 2),
      peak_rss_mb: rss.stop(),
      ...cost,
    },
  };
}
