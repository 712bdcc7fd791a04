// `storage`: bytes on disk (tables, indexes, TOAST, after VACUUM) that a run of events delivered to 10
// webhooks adds to the three delivery tables, per event and per attempt.
import { updateProject } from '@/lib/projects/projects';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';
import { runPool, sleep, startReceiver, waitForCount, type Bench } from '../context';
import { FANOUT } from './throughput';

/** Each relation of the three tables (heap, TOAST and every index, all partitions summed), in bytes. */
async function relations(b: Bench) {
  const rows = await b.queryRows<{ name: string; bytes: number }>(
    b.db,
    b.sql`
    with parts as (
      select relid from pg_partition_tree('webhook_attempts') union all select 'webhook_messages'::regclass union all select 'webhook_deliveries'::regclass
    ), rels as (
      select coalesce(p.parentrelid::regclass::text, c.relname) as name, pg_table_size(c.oid) as bytes from parts t
        join pg_class c on c.oid = t.relid left join pg_partition_tree('webhook_attempts') p on p.relid = c.oid and p.level > 0
      union all
      select coalesce(ip.parentrelid::regclass::text, ic.relname), pg_relation_size(ic.oid) from parts t
        join pg_index i on i.indrelid = t.relid join pg_class ic on ic.oid = i.indexrelid
        left join pg_partition_tree('webhook_attempts_webhook_idx') ip on ip.relid = ic.oid and ip.level > 0
        left join pg_partition_tree('webhook_attempts_delivery_idx') ip2 on ip2.relid = ic.oid and ip2.level > 0
    )
    select name, sum(bytes)::float8 as bytes from rels group by name`,
  );
  return new Map(rows.map((r) => [r.name, r.bytes]));
}

async function sizes(b: Bench) {
  await b.db.execute(b.sql`vacuum analyze webhook_messages`);
  await b.db.execute(b.sql`vacuum analyze webhook_deliveries`);
  await b.db.execute(b.sql`vacuum analyze webhook_attempts`);
  const [row] = await b.queryRows<{ messages: number; series: number; attempts: number }>(
    b.db,
    b.sql`
    select pg_total_relation_size('webhook_messages')::float8 as messages, pg_total_relation_size('webhook_deliveries')::float8 as series,
      (select coalesce(sum(pg_total_relation_size(relid)), 0) from pg_partition_tree('webhook_attempts'))::float8 as attempts`,
  );
  return row;
}

export async function measureStorage(b: Bench, events: number) {
  const receiver = await startReceiver({});
  const projects = await b.orgProjects('storage', 16);
  const hooks = await b.addOrgWebhooks(receiver.url, FANOUT, ['update:project']);
  const before = await sizes(b);
  const relationsBefore = await relations(b);
  await startDispatcher();
  await runPool([...Array(events).keys()], 8, (i) =>
    b
      .transaction(b.db, (tx) =>
        updateProject(tx, b.orgActor, projects[i % projects.length].id, { name: `stored-${i}` }),
      )
      .then(() => undefined),
  );
  const attempts = events * FANOUT;
  await waitForCount(receiver, attempts);
  while ((await b.attemptsOf(hooks)) < attempts) await sleep(10);
  await stopDispatcher();
  const after = await sizes(b);
  const relationsAfter = await relations(b);
  const breakdown = Object.fromEntries(
    [...relationsAfter]
      .map(([name, bytes]) => [name, Math.round((bytes - (relationsBefore.get(name) ?? 0)) / events)])
      .filter(([, n]) => Number(n) > 0),
  );
  const payload = Buffer.byteLength(await b.sampleBody(hooks[0]));
  receiver.close();
  await b.removeWebhooks(hooks);
  await b.emptyQueue();
  const grew = (k: keyof typeof before) => after[k] - before[k];
  const total = grew('messages') + grew('series') + grew('attempts');
  return {
    events,
    fanout: FANOUT,
    attempts,
    payload_bytes: Math.round(payload),
    bytes_per_event: Math.round(total / events),
    bytes_per_attempt: Math.round(grew('attempts') / attempts),
    bytes_per_series: Math.round(grew('series') / attempts),
    bytes_per_message: Math.round(grew('messages') / events),
    bytes_per_event_by_relation: breakdown,
  };
}
