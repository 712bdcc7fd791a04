// `throughput`: events through the domain functions (16 projects, 8 concurrent writers), fanned out to 10
// organization webhooks, until every attempt is recorded; beside a bare undici Pool at the same
// concurrency, and beside the ideal loop's rate (given by the backlog figure).
import { Pool } from 'undici';
import { updateProject } from '@/lib/projects/projects';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { round, runPool, sleep, startReceiver, waitForCount, type Bench } from '../context';

export const FANOUT = 10;

export async function measureThroughput(b: Bench, perEndpoint: number, events: number) {
  process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT = String(perEndpoint);
  const concurrency = perEndpoint * FANOUT;
  const receiver = await startReceiver({});
  const projects = await b.orgProjects(`throughput-${perEndpoint}`, 16);
  const hooks = await b.addOrgWebhooks(receiver.url, FANOUT, ['update:project']);
  await startDispatcher();
  const started = performance.now();
  await runPool([...Array(events).keys()], 8, (i) =>
    b
      .transaction(b.db, (tx) =>
        updateProject(tx, b.orgActor, projects[i % projects.length].id, { name: `tp-${i}` }),
      )
      .then(() => undefined),
  );
  const producedMs = performance.now() - started;
  const total = events * FANOUT;
  await waitForCount(receiver, total);
  while ((await b.attemptsOf(hooks)) < total) await sleep(10);
  const seconds = (performance.now() - started) / 1000;
  await stopDispatcher();

  // The baseline: the same receiver, the same body, a bare undici Pool at the same concurrency.
  const sample = { body: await b.sampleBody(hooks[0]) };
  await receiver.ask('reset');
  const pool = new Pool(`http://127.0.0.1:${receiver.port}`, { connections: concurrency });
  const baseStarted = performance.now();
  await runPool([...Array(total).keys()], concurrency, async () => {
    const response = await pool.request({
      path: '/hook',
      method: 'POST',
      body: sample.body,
      headers: { 'content-type': 'application/json' },
    });
    await response.body.text();
  });
  const baseSeconds = (performance.now() - baseStarted) / 1000;
  await pool.close();
  receiver.close();
  await b.removeWebhooks(hooks);
  await b.emptyQueue();
  delete process.env.WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT;
  return {
    deliveries: total,
    fanout: FANOUT,
    concurrency,
    deliveries_per_s: round(total / seconds),
    baseline_per_s: round(total / baseSeconds),
    ratio: round(total / seconds / (total / baseSeconds), 2),
    events_per_s_produced: round(events / (producedMs / 1000)),
  };
}
