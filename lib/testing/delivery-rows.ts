import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { idArray, queryRows } from '@/db/raw';

type Row = Record<string, unknown>;

/**
 * Every stored row about these webhooks, read straight from the three delivery tables: for tests that
 * check what is kept (no secret in it, nothing left after a delete), not only what the API shows.
 */
export async function recordedRows(
  webhookIds: number[],
): Promise<{ messages: Row[]; series: Row[]; attempts: Row[] }> {
  const db = await getDb();
  const ids = idArray(webhookIds);
  const series = await queryRows<Row>(
    db,
    sql`select * from webhook_deliveries where webhook_id = any(${ids}) order by id`,
  );
  const attempts = await queryRows<Row>(
    db,
    sql`select * from webhook_attempts where webhook_id = any(${ids}) order by id`,
  );
  const messages = await queryRows<Row>(
    db,
    sql`
    select * from webhook_messages m where m.id in (select message_id from webhook_deliveries where webhook_id = any(${ids})) order by id`,
  );
  return { messages, series, attempts };
}
