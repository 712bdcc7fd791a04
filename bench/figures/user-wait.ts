// `user_wait`: PATCH /api/jobs/{id} through its route handler (Token auth, zod, transaction, outbox) with 10
// subscribed webhooks whose receiver never answers, beside the same PATCH on a job with no webhooks.
import { createApiToken } from '@/lib/auth/credentials';
import { attachTaskData, stageTaskImages } from '@/lib/tasks/attach-data';
import { createTask } from '@/lib/tasks/tasks';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { percentile, round, startReceiver, type Bench } from '../context';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
);

export async function measureUserWait(b: Bench, rounds: number) {
  const hanging = await startReceiver({ DELAY_MS: 'hang' });
  const jobFor = async (name: string) => {
    const project = await b.newProject(name);
    const task = await b.transaction(b.db, (tx) => createTask(tx, b.actor, { name, project_id: project.id }));
    const staged = await stageTaskImages(task.id, [{ field: 'client_files[0]', name: 'a.png', bytes: PNG }]);
    const withData = await b.transaction(b.db, (tx) => attachTaskData(tx, b.actor, task.id, staged, 70));
    return { project, jobId: withData.segments[0].jobs[0].id };
  };
  const hooked = await jobFor('user-wait-hooked');
  const hooks = await b.addWebhooks(hooked.project.id, hanging.url, 10, ['update:job']);
  const plain = await jobFor('user-wait-plain');
  await startDispatcher();
  const key = await b.transaction(b.db, (tx) => createApiToken(tx, b.actor.user.id));
  const { PATCH } = await import('@/app/api/jobs/[id]/route');
  const patch = async (jobId: number, state: string) => {
    const started = performance.now();
    const response = await PATCH(
      new Request(`http://herald.bench/api/jobs/${jobId}`, {
        method: 'PATCH',
        headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ state }),
      }),
      { params: Promise.resolve({ id: String(jobId) }) },
    );
    await response.text();
    if (response.status !== 200) throw new Error(`PATCH answered ${response.status}`);
    return performance.now() - started;
  };
  const withHooks: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const state = i % 2 ? 'in progress' : 'new';
    without.push(await patch(plain.jobId, state));
    withHooks.push(await patch(hooked.jobId, state));
  }
  const skip = Math.floor(rounds / 10); // warm-up
  await stopDispatcher();
  hanging.close();
  // Those deliveries are retried for days: clear them so later figures start from an empty queue.
  await b.removeWebhooks(hooks);
  await b.emptyQueue();
  const p50 = percentile(withHooks.slice(skip), 50);
  const base50 = percentile(without.slice(skip), 50);
  return {
    p50_ms: round(p50, 2),
    baseline_p50_ms: round(base50, 2),
    added_p50_ms: round(p50 - base50, 2),
    p99_ms: round(percentile(withHooks.slice(skip), 99), 2),
    baseline_p99_ms: round(percentile(without.slice(skip), 99), 2),
    webhooks: 10,
    receiver: 'never answers',
  };
}
