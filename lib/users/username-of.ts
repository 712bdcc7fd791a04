import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { users } from '@/db/schema';

/** SQL: the username of the user a column points at (CVAT filters and sorts people by username). */
export function usernameOf(column: AnyPgColumn): SQL {
  return sql`(select ${users.username} from ${users} where ${users.id} = ${column})`;
}
