import { eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { invalidChoice, listChoices } from '@/lib/http/choice';
import { invalid } from '@/lib/http/errors';

/**
 * A list's simple equality filter (CVAT's `?owner=alice`, django-filter's fields): the condition for the
 * parameter's value, or undefined when the value asks for none. An empty value never gets here: it is
 * no filter (list-query.ts). A value the filter cannot take is a 400 naming the parameter.
 */
export type SimpleFilter = {
  where: (value: string, context: { name: string; actor: Actor }) => SQL | undefined;
  /** Older spellings of the parameter, read only when it is absent (`job` for `job_id`). */
  aliases?: readonly string[];
};

/** The parameter as a database integer, or a 400 naming it. */
export function parseIntegerFilter(name: string, value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2147483647)
    throw invalid(name, 'A valid integer is required.');
  return Number(value);
}

function usernameIs(column: AnyColumn | SQL, value: string): SQL {
  return sql`${column} in (select ${users.id} from ${users} where ${users.username} = ${value})`;
}

/** Shorthands for the simple filters of each list. */
export const simpleFilter = {
  /** The column equals the text. */
  text: (column: AnyColumn): SimpleFilter => ({ where: (value) => eq(column, value) }),
  integer: (column: AnyColumn): SimpleFilter => ({
    where: (value, { name }) => eq(column, parseIntegerFilter(name, value)),
  }),
  /** One of `choices`; anything else is DRF's "not a valid choice", with the choices when `isListed`. */
  choice: (
    column: AnyColumn,
    choices: readonly string[],
    { isListed = false }: { isListed?: boolean } = {},
  ): SimpleFilter => ({
    where: (value, { name }) => {
      if (!choices.includes(value))
        throw invalidChoice(name, value, isListed ? { hint: listChoices(choices) } : {});
      return eq(column, value);
    },
  }),
  /** `true` or `false`; anything else is a 400 saying `message`. */
  boolean: (column: AnyColumn, message: string): SimpleFilter => ({
    where: (value, { name }) => {
      if (value !== 'true' && value !== 'false') throw invalid(name, message);
      return eq(column, value === 'true');
    },
  }),
  /** A column holding a user id, filtered by username, as CVAT filters people. */
  username: (column: AnyColumn | SQL): SimpleFilter => ({ where: (value) => usernameIs(column, value) }),
  /** As `username`, but digits are the user's id. */
  user: (column: AnyColumn): SimpleFilter => ({
    where: (value, { name }) =>
      /^\d+$/.test(value) ? eq(column, parseIntegerFilter(name, value)) : usernameIs(column, value),
  }),
};

/** The filter read from `alias` too, when its own name is absent. */
export function withAliases(filter: SimpleFilter, ...aliases: string[]): SimpleFilter {
  return { ...filter, aliases };
}
