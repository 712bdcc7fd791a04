// A Herald process for the fault tests: opens the database (PGlite dir or DATABASE_URL), runs the
// dispatcher, and with BURST=N produces N project updates through the domain functions.
import { eq, sql } from 'drizzle-orm';
import { closeDb, getDb } from '@/db/client';
import { queryRows } from '@/db/raw';
import { users } from '@/db/schema';
import { transaction } from '@/db/transaction';
import { createProject, updateProject } from '@/lib/projects/projects';
import { registerUser } from '@/lib/users/register-user';
import { createWebhook } from '@/lib/webhooks/webhooks';
import { releaseOwnLeases } from '@/lib/webhooks/sweep';
import { getDbKind } from '@/db/client';
import { startDispatcher } from '@/lib/webhooks/dispatcher';

/** SEED=1: a user, a personal project and two webhooks to TARGET_URL; prints their ids as JSON. */
async function seed() {
  const db = await getDb();
  const name = `crash${Math.random().toString(16).slice(2, 8)}`;
  const user = await transaction(db, (tx) => registerUser(tx, { username: name, email: `${name}@example.test`, passwordHash: 'x' }));
  const actor = { user, baseUrl: 'http://herald.test', org: { kind: 'personal' as const } };
  const project = await transaction(db, (tx) => createProject(tx, actor, { name: 'crash' }));
  for (let i = 0; i < 2; i++) {
    await transaction(db, (tx) =>
      createWebhook(tx, actor, { target_url: process.env.TARGET_URL!, type: 'project', project_id: project.id, events: ['update:project'], secret: 's' }),
    );
  }
  await closeDb();
  process.stdout.write(`${JSON.stringify({ userId: user.id, projectId: project.id })}\n`);
}

async function main() {
  if (process.env.SEED) return seed();
  const db = await getDb();
  if ((await getDbKind()) === 'pglite') await releaseOwnLeases(db);
  await startDispatcher();
  const burst = Number(process.env.BURST || 0);
  const projectId = Number(process.env.PROJECT_ID);
  const userId = Number(process.env.USER_ID);
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  const actor = { user, baseUrl: 'http://herald.test', org: { kind: 'any' as const } };
  process.stdout.write('ready\n');
  for (let i = 0; i < burst; i++) {
    await transaction(db, (tx) => updateProject(tx, actor, projectId, { name: `burst-${i}` }));
    if (i % 50 === 0) process.stdout.write(`committed ${i}\n`);
  }
  process.stdout.write('burst done\n');
  if (process.env.REPORT) {
    // Wait until nothing is left to send, then list every delivery series of the project's webhooks.
    for (;;) {
      const [pending] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from webhook_deliveries d join webhooks w on w.id = d.webhook_id
        where w.project_id = ${projectId} and d.state = 'pending'`);
      if (pending.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const series = await queryRows<{ message_id: string }>(db, sql`select distinct d.message_id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
      where w.project_id = ${projectId} and d.event = 'update:project'`);
    process.stdout.write(`series ${JSON.stringify(series.map((r) => r.message_id))}\n`);
    process.exit(0);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
