// `rate_limit` and `fifo` (operations.md): a limit held by the web process and two workers together,
// beside an unlimited endpoint on the same processes; and arrivals in commit order through a failure.
import { updateProject } from '@/lib/projects/projects';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { updateWebhook } from '@/lib/webhooks/webhooks';
import { log, round, sleep, startReceiver, waitForCount, type Bench } from '../context';
import { startWorkers, stopWorkers } from './workers';

const RATE = 50;
const WINDOW_S = 10;

/** Most and fewest arrivals in any WINDOW_S window within [from, from + seconds), per second. */
function windowRates(times: number[], from: number, seconds: number) {
  const inside = times.filter((t) => t >= from && t < from + seconds * 1000).sort((a, b) => a - b);
  let most = 0;
  let fewest = Infinity;
  for (let start = from; start + WINDOW_S * 1000 <= from + seconds * 1000; start += 250) {
    const n = inside.filter((t) => t >= start && t < start + WINDOW_S * 1000).length;
    most = Math.max(most, n);
    fewest = Math.min(fewest, n);
  }
  return { total: inside.length, most: most / WINDOW_S, fewest: fewest / WINDOW_S };
}

/**
 * One endpoint limited to 50/s and one unlimited, both with a backlog, drained by this process and two
 * `npm run worker` processes at once. The unlimited one's rate is compared with its rate alone.
 */
export async function measureRateLimit(b: Bench, seconds: number, unlimitedBacklog: number) {
  const limitedReceiver = await startReceiver({ RECORD_TIMES: '1' });
  const freeReceiver = await startReceiver({});
  const project = await b.newProject('rate-limit');
  const [limited] = await b.addWebhooks(project.id, limitedReceiver.url, 1, ['update:project']);
  const [free] = await b.addWebhooks(project.id, freeReceiver.url, 1, ['update:project']);
  await b.transaction(b.db, (tx) => updateWebhook(tx, b.actor, limited, { rate_limit: RATE }));
  await b.transaction(b.db, (tx) => updateProject(tx, b.actor, project.id, { name: 'rate-limit-template' }));
  const workers = await startWorkers(2);
  await startDispatcher();
  // Alone first: the unlimited endpoint's rate on these three processes.
  const drainFree = async () => {
    // Counted from zero before the backlog exists: the processes start on it at once.
    await freeReceiver.ask('reset');
    await b.seedBacklog([free], unlimitedBacklog);
    const started = performance.now();
    await waitForCount(freeReceiver, unlimitedBacklog);
    return unlimitedBacklog / ((performance.now() - started) / 1000);
  };
  const alone = await drainFree();
  await limitedReceiver.ask('reset');
  // More than the limit lets through in the time: the limited endpoint never runs dry.
  await b.seedBacklog([limited], Math.ceil(RATE * seconds * 1.5));
  const from = Date.now();
  const beside = await drainFree();
  const left = seconds * 1000 - (Date.now() - from);
  if (left > 0) await sleep(left + 500);
  const { arrivals } = await limitedReceiver.ask<{ arrivals: number[] }>('arrivals');
  await stopWorkers(workers);
  await stopDispatcher();
  limitedReceiver.close();
  freeReceiver.close();
  await b.removeWebhooks([limited, free]);
  await b.emptyQueue();
  const rates = windowRates(arrivals, from, seconds);
  return {
    rate_limit_per_s: RATE,
    processes: 3,
    seconds,
    delivered_per_s: round(rates.total / seconds),
    most_in_any_10s_per_s: round(rates.most),
    fewest_in_any_10s_per_s: round(rates.fewest),
    is_within_10_percent: rates.most <= RATE * 1.1 && rates.fewest >= RATE * 0.9,
    unlimited_alone_per_s: round(alone),
    unlimited_beside_limited_per_s: round(beside),
    unlimited_ratio: round(beside / alone, 2),
  };
}

/**
 * A FIFO endpoint and `changes` updates of one project, committed one after the other; the receiver fails
 * the first request of one event in the middle. Arrivals must be exactly the commit order.
 */
export async function measureFifo(b: Bench, changes: number) {
  const failAt = Math.floor(changes / 2);
  const receiver = await startReceiver({ RECORD_ORDER: '1', FAIL_SEQ: String(failAt) });
  const project = await b.newProject('fifo');
  const [hook] = await b.addWebhooks(project.id, receiver.url, 1, ['update:project']);
  await b.transaction(b.db, (tx) => updateWebhook(tx, b.actor, hook, { ordering: 'fifo' }));
  await startDispatcher();
  const started = performance.now();
  for (let i = 0; i < changes; i++)
    await b.transaction(b.db, (tx) => updateProject(tx, b.actor, project.id, { name: `fifo-${i}` }));
  const produced = (performance.now() - started) / 1000;
  await waitForCount(receiver, changes + 1, 1_200_000);
  const seconds = (performance.now() - started) / 1000;
  const { arrivals } = await receiver.ask<{ arrivals: number[] }>('arrivals');
  const outOfOrder = arrivals.filter((n, i) => n !== i).length;
  await stopDispatcher();
  receiver.close();
  await b.removeWebhooks([hook]);
  await b.emptyQueue();
  log('fifo', { arrivals: arrivals.length, outOfOrder });
  return {
    changes,
    injected_failure_at: failAt,
    delivered: arrivals.length,
    arrivals_out_of_commit_order: outOfOrder,
    is_in_commit_order: outOfOrder === 0 && arrivals.length === changes,
    seconds_to_produce: round(produced),
    seconds_to_deliver_all: round(seconds),
  };
}
