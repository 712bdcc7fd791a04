import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';

/**
 * Rows of a raw statement. PGlite and node-postgres return different result types from `execute`,
 * both with `rows`: this is the one place that knows it.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  // Db is typed over the generic query-result kind, whose `execute` result is unknown.
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

/** A list of ids as one array parameter (`= any(...)`), whatever its length, empty included. */
export function idArray(ids: number[], type: 'int' | 'bigint' = 'int'): SQL {
  return sql`${`{${ids.join(',')}}`}::${sql.raw(type)}[]`;
}
