// `scale_out` and `exactly_once`: `npm run worker` processes sharing the database.
import { spawn, type ChildProcess } from 'node:child_process';
import { updateProject } from '@/lib/projects/projects';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { log, round, runPool, sleep, startReceiver, waitForCount, type Bench } from '../context';

export async function startWorkers(n: number): Promise<ChildProcess[]> {
  const workers = Array.from({ length: n }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) =>
          w.stdout.on('data', (d) => String(d).includes('delivering') && resolve(null)),
        ),
    ),
  );
  return workers;
}

export async function stopWorkers(workers: ChildProcess[]) {
  await Promise.all(
    workers.map((w) => new Promise((resolve) => (w.once('exit', resolve), w.kill('SIGTERM')))),
  );
}

/** The same backlog drained by 1, 2 and 4 workers (the bench process delivers nothing meanwhile). */
export async function measureScaleOut(b: Bench, pending: number, counts = [1, 2, 4]) {
  const receiver = await startReceiver({});
  const project = await b.newProject('scale-out');
  const webhooks = 20;
  const hooks = await b.addWebhooks(project.id, receiver.url, webhooks, ['update:project']);
  await b.transaction(b.db, (tx) => updateProject(tx, b.actor, project.id, { name: 'scale-out-template' }));
  const out = [];
  for (const n of counts) {
    await b.db.execute(b.sql`truncate webhook_attempts, webhook_deliveries`);
    await b.seedBacklog(hooks, pending / webhooks, "now() + interval '1 hour'");
    const queued = await b.pending();
    const workers = await startWorkers(n);
    await receiver.ask('reset');
    const started = performance.now();
    await b.db.execute(
      b.sql`update webhook_deliveries set next_attempt_date = now() where state = 'pending'`,
    );
    await waitForCount(receiver, queued);
    while ((await b.pending()) > 0) await sleep(20);
    const seconds = (performance.now() - started) / 1000;
    await stopWorkers(workers);
    out.push({
      workers: n,
      deliveries: queued,
      seconds: round(seconds),
      deliveries_per_s: round(queued / seconds),
    });
    log('scale_out', out.at(-1));
  }
  receiver.close();
  await b.removeWebhooks(hooks);
  await b.emptyQueue();
  return out;
}

/** The web process and two workers share the database while events are produced: each attempt is made once. */
export async function measureExactlyOnce(b: Bench, events: number) {
  const receiver = await startReceiver({ RECORD_IDS: '1' });
  const projects = await b.orgProjects('once', 16);
  const hooks = await b.addOrgWebhooks(receiver.url, 10, ['update:project']);
  const workers = await startWorkers(2);
  await startDispatcher();
  await runPool([...Array(events).keys()], 8, (i) =>
    b
      .transaction(b.db, (tx) =>
        updateProject(tx, b.orgActor, projects[i % projects.length].id, { name: `once-event-${i}` }),
      )
      .then(() => undefined),
  );
  await waitForCount(receiver, events * 10);
  while ((await b.pending()) > 0) await sleep(20);
  await sleep(500);
  const { arrivals } = await receiver.ask<{ arrivals: string[] }>('arrivals');
  const seen = new Map<string, number>();
  for (const id of arrivals) seen.set(id, (seen.get(id) ?? 0) + 1);
  const attempts = await b.attemptsOf(hooks);
  await stopWorkers(workers);
  await stopDispatcher();
  receiver.close();
  await b.removeWebhooks(hooks);
  await b.emptyQueue();
  return {
    processes: 3,
    events,
    attempts,
    arrivals: arrivals.length,
    duplicates: [...seen.values()].filter((n) => n > 1).length,
  };
}
