// The physical reference for what one process can deliver here: a hand-written minimal drain loop on
// the same PostgreSQL and receiver. A table of its own with one partial index; each of LOOPS loops
// claims 50 rows with FOR UPDATE SKIP LOCKED, signs each body (HMAC-SHA256), POSTs them with undici,
// and records and releases the batch in one statement. No payload store, no attempt log, no health,
// no retries: what Herald does beyond this is what it costs.
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { Pool } from 'undici';

const BATCH = 50;
/** Loops at once: 4 x 50 requests in flight was the fastest of 1, 2, 4 and 8 here. */
export const LOOPS = 4;

export async function seedIdeal(connectionString: string, url: string, payload: string, rows: number) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query(`drop table if exists ideal_queue`);
  await client.query(`create table ideal_queue (
    id bigserial primary key, url text not null, payload text not null, secret text not null,
    state smallint not null default 0, status_code int, attempts int not null default 0, locked_until timestamptz)`);
  await client.query(`create index ideal_queue_due on ideal_queue (id) where state = 0`);
  await client.query(
    `insert into ideal_queue (url, payload, secret) select $1, $2, 'bench-secret' from generate_series(1, $3)`,
    [url, payload, rows],
  );
  await client.query(`vacuum analyze ideal_queue`);
  await client.end();
}

/** Drains ideal_queue; returns the rows delivered and the seconds it took. */
export async function drainIdeal(connectionString: string, origin: string) {
  const db = new pg.Pool({ connectionString, max: LOOPS });
  const http = new Pool(origin, { connections: LOOPS * BATCH });
  let delivered = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: LOOPS }, async () => {
      for (;;) {
        const { rows } = await db.query<{ id: string; url: string; payload: string; secret: string }>(
          `update ideal_queue q set locked_until = now() + interval '30 seconds'
           where q.id in (select id from ideal_queue where state = 0 and (locked_until is null or locked_until < now())
                          order by id limit ${BATCH} for update skip locked)
           returning q.id, q.url, q.payload, q.secret`,
        );
        if (rows.length === 0) return;
        const statuses = await Promise.all(
          rows.map(async (r) => {
            const signature = `sha256=${createHmac('sha256', r.secret).update(r.payload).digest('hex')}`;
            const response = await http.request({
              path: new URL(r.url).pathname,
              method: 'POST',
              body: r.payload,
              headers: { 'content-type': 'application/json', 'x-signature-256': signature },
            });
            await response.body.text();
            return response.statusCode;
          }),
        );
        await db.query(
          `update ideal_queue q set state = 1, status_code = v.status, attempts = q.attempts + 1, locked_until = null
           from unnest($1::bigint[], $2::int[]) as v(id, status) where q.id = v.id`,
          [rows.map((r) => r.id), statuses],
        );
        delivered += rows.length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await http.close();
  await db.end();
  return { delivered, seconds };
}

export async function dropIdeal(connectionString: string) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query(`drop table if exists ideal_queue`);
  await client.end();
}
