// A Herald process for the fault tests: opens the database (PGlite dir or DATABASE_URL), runs the
// dispatcher, and with BURST=N commits N project updates through the domain functions.
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { closeDb, getDb, getDbKind } from '@/db/client';
import { users, webhooks } from '@/db/schema';
import { transaction } from '@/db/transaction';
import { createProject, updateProject } from '@/lib/projects/projects';
import { registerUser } from '@/lib/users/register-user';
import { createWebhook } from '@/lib/webhooks/webhooks';
import { formatDeliveryId } from '@/lib/webhooks/delivery-key';
import { startDispatcher } from '@/lib/webhooks/dispatcher';
import { buildBody, unpackPayload } from '@/lib/webhooks/payloads';
import { listSeries, releaseAllLeases } from '@/lib/webhooks/queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak resident memory of this process so far, in MB (the kernel's high-water mark). */
function peakRssMb(): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

/** A read that outlives a database restart: the report must not die where the dispatcher survives. */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 100) throw error;
      await sleep(200);
    }
  }
}

/** SEED=1: a user, a personal project and two webhooks to TARGET_URL; prints their ids as JSON. */
async function seed() {
  const db = await getDb();
  const name = `crash${Math.random().toString(16).slice(2, 8)}`;
  const user = await transaction(db, (tx) =>
    registerUser(tx, { username: name, email: `${name}@example.test`, passwordHash: 'x' }),
  );
  const actor = { user, baseUrl: 'http://herald.test', org: { kind: 'personal' as const } };
  const project = await transaction(db, (tx) => createProject(tx, actor, { name: 'crash' }));
  for (let i = 0; i < 2; i++) {
    await transaction(db, (tx) =>
      createWebhook(tx, actor, {
        target_url: process.env.TARGET_URL!,
        type: 'project',
        project_id: project.id,
        events: ['update:project'],
        secret: 's',
      }),
    );
  }
  await closeDb();
  process.stdout.write(`${JSON.stringify({ userId: user.id, projectId: project.id })}\n`);
}

async function main() {
  if (process.env.SEED) return seed();
  const db = await getDb();
  if ((await getDbKind()) === 'pglite') await releaseAllLeases(db);
  const dispatcher = await startDispatcher();
  // ATTEMPTS=1: says how many attempts this process made, for tests of several delivering processes.
  if (process.env.ATTEMPTS)
    setInterval(() => process.stdout.write(`attempts ${dispatcher.attempts}\n`), 200).unref();
  const burst = Number(process.env.BURST || 0);
  const prefix = process.env.BURST_PREFIX || 'burst';
  const projectId = Number(process.env.PROJECT_ID);
  const userId = Number(process.env.USER_ID);
  process.stdout.write('ready\n');
  if (burst === 0) return;
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  const actor = { user, baseUrl: 'http://herald.test', org: { kind: 'any' as const } };
  // Only a commit counts as an event. A save that fails (the database is away) is tried again, as a web
  // client would; if it did commit after all, the retry changes nothing and records no second event.
  let committed = 0;
  let failed = 0;
  while (committed < burst) {
    try {
      await transaction(db, (tx) => updateProject(tx, actor, projectId, { name: `${prefix}-${committed}` }));
    } catch (error) {
      // Half a minute of failures is not an outage being waited out but a bug.
      if (++failed > 300) throw error;
      await sleep(100);
      continue;
    }
    committed++;
    // PGlite answers without I/O: a loop of awaits would never let the dispatcher's timers run, where a
    // web server's requests arrive through the event loop.
    await new Promise(setImmediate);
    if (committed % 50 === 0) process.stdout.write(`committed ${committed}\n`);
  }
  process.stdout.write(`burst done ${committed}\n`);
  if (process.env.REPORT) {
    // Wait until nothing is left to send, then list every delivery series of the project's webhooks.
    const hookIds = (
      await retrying(() =>
        db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.projectId, projectId)),
      )
    ).map((w) => w.id);
    const all = { limit: null, offset: 0, page: 1, pageSize: 'all' as const };
    for (;;) {
      const counts = await retrying(() =>
        Promise.all(hookIds.map((id) => listSeries(db, id, { state: 'pending' }, { ...all, limit: 1 }))),
      );
      if (counts.every((c) => c.count === 0)) break;
      await sleep(100);
    }
    const lists = await retrying(() =>
      Promise.all(hookIds.map((id) => listSeries(db, id, { event: 'update:project' }, all))),
    );
    const series = lists.flatMap((l) =>
      l.rows.map((s) => ({
        message_id: formatDeliveryId(s.key),
        name: JSON.parse(buildBody(unpackPayload(s.payload), s.webhookId)).project.name as string,
        delivered: s.state === 'delivered',
      })),
    );
    const report = { series, committed, failed, peakRssMb: peakRssMb() };
    // A pipe takes a long line in pieces: exit once all of it is written.
    process.stdout.write(`report ${JSON.stringify(report)}\n`, () => process.exit(0));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
