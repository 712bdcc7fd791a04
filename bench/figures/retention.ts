// `retention`: a day of old attempts past retention removed. The log's partition of that day is dropped
// whole (the figure); the series and messages nothing refers to any more go after it, in batches
// (timed apart, as `cleanup_seconds`).
import { settings } from '@/lib/config/settings';
import { dropExpiredAttempts, removeEndedSeries } from '@/lib/webhooks/queue';
import { log, round, type Bench } from '../context';

const DAY_MS = 24 * 3600 * 1000;

export async function measureRetention(b: Bench, attempts: number) {
  const hooks = await b.addOrgWebhooks('http://127.0.0.1:9/retention', 10, ['update:project']);
  const day = new Date(
    Math.floor(Date.now() / DAY_MS) * DAY_MS - (settings.deliveryRetentionDays + 3) * DAY_MS,
  );
  const iso = day.toISOString();
  await b.db.execute(b.sql`select herald_create_attempt_partition(${iso.slice(0, 10)}::date)`);
  // A day of traffic: each message to 10 webhooks, each series delivered at its second attempt.
  const series = attempts / 2;
  const messages = series / hooks.length;
  const seedStarted = performance.now();
  await b.db.execute(b.sql`
    insert into webhook_messages (event, resource_type, resource_id, payload, created_date)
    select 'update:project', 'project', g::text, decode(repeat('ab', 450), 'hex'), ${iso}::timestamptz + make_interval(secs => g * 86000.0 / ${messages})
    from generate_series(1, ${messages}) g`);
  await b.db.execute(b.sql`
    insert into webhook_deliveries (message_id, webhook_id, state, attempts, next_attempt_date, last_attempt_date, created_date)
    select m.id, w.id, 'delivered', 2, null, m.created_date + interval '5 seconds', m.created_date
    from webhook_messages m cross join unnest(${`{${hooks.join(',')}}`}::int[]) as w(id) where m.created_date >= ${iso}::timestamptz`);
  await b.db.execute(b.sql`
    insert into webhook_attempts (delivery_id, webhook_id, attempt, sent_date, request_duration, status_code, response, response_headers, signatures)
    select d.id, d.webhook_id, a, d.created_date + make_interval(secs => 5 * (a - 1)), 3, case when a = 1 then 503 else 200 end, 'ok',
      'content-type: text/plain' || chr(10) || 'content-length: 2', decode(repeat('ab', 64), 'hex')
    from webhook_deliveries d cross join generate_series(1, 2) a where d.created_date >= ${iso}::timestamptz and d.created_date < ${iso}::timestamptz + interval '1 day'`);
  await b.db.execute(b.sql`vacuum analyze webhook_attempts`);
  await b.db.execute(b.sql`vacuum analyze webhook_deliveries`);
  log('retention seeded in', round((performance.now() - seedStarted) / 1000), 's');
  const cutoff = new Date(Date.now() - settings.deliveryRetentionDays * DAY_MS);
  const dropStarted = performance.now();
  const dropped = await dropExpiredAttempts(b.db, cutoff);
  const seconds = (performance.now() - dropStarted) / 1000;
  const cleanupStarted = performance.now();
  const removed = await removeEndedSeries(b.db, cutoff);
  const cleanupSeconds = (performance.now() - cleanupStarted) / 1000;
  await b.removeWebhooks(hooks);
  await b.emptyQueue();
  return {
    rows: attempts,
    partitions_dropped: dropped.length,
    seconds: round(seconds, 3),
    series_removed: removed.series,
    messages_removed: removed.messages,
    cleanup_seconds: round(cleanupSeconds, 2),
  };
}
