// `latency`: from the start of the change's transaction to the receiver's arrival, at a fixed rate.
import { updateProject } from '@/lib/projects/projects';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { percentile, round, sleep, startReceiver, waitForCount, type Bench } from '../context';

export async function measureLatency(b: Bench, rate: number, seconds: number) {
  const receiver = await startReceiver({ RECORD_ARRIVALS: '1' });
  const projects = await b.orgProjects('latency', 16);
  const hooks = await b.addOrgWebhooks(receiver.url, 1, ['update:project']);
  await startDispatcher();
  const startedAt = new Map<number, number>();
  const total = rate * seconds;
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    // The clock starts before the transaction does: what a user's change waits for, end to end.
    startedAt.set(i, performance.timeOrigin + performance.now());
    inFlight.push(
      b.transaction(b.db, (tx) =>
        updateProject(tx, b.orgActor, projects[i % projects.length].id, { name: `lat-${i}` }),
      ),
    );
  }
  await Promise.all(inFlight);
  await waitForCount(receiver, total);
  const { arrivals } = await receiver.ask<{ arrivals: [number, number][] }>('arrivals');
  const latencies = arrivals.map(([i, at]) => at - startedAt.get(i)!).filter((v) => Number.isFinite(v));
  await stopDispatcher();
  receiver.close();
  await b.removeWebhooks(hooks);
  await b.emptyQueue();
  return {
    events_per_s: rate,
    events: total,
    measured_from: 'start of the transaction',
    p50_ms: round(percentile(latencies, 50), 2),
    p99_ms: round(percentile(latencies, 99), 2),
  };
}
