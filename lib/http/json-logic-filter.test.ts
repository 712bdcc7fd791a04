import { randomBytes } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, type Db } from '@/db/client';
import { ApiError } from './errors';
import { filterField, jsonLogicWhere, type FilterFields } from './json-logic-filter';

// A scratch table of its own (named per run: on PostgreSQL every test file shares one database), so each
// operator is checked by the rows PostgreSQL or PGlite really returns, not by the text of the SQL.
const name = `jl_items_${randomBytes(4).toString('hex')}`;
const items = pgTable(name, {
  id: integer('id').primaryKey(),
  name: text('name'),
  n: integer('n'),
  flag: boolean('flag').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
});

const FIELDS: FilterFields = {
  id: filterField.integer(items.id),
  name: filterField.string(items.name),
  n: filterField.integer(items.n),
  flag: filterField.boolean(items.flag),
  at: filterField.datetime(items.at),
  upper_name: filterField.string(sql`upper(${items.name})`),
};

const ROWS = [
  { id: 1, name: 'alpha', n: 10, flag: true, at: new Date('2024-01-01T00:00:00Z') },
  { id: 2, name: 'beta', n: 20, flag: false, at: new Date('2024-02-01T00:00:00Z') },
  { id: 3, name: 'gamma', n: null, flag: true, at: new Date('2024-03-01T00:00:00Z') },
  { id: 4, name: null, n: 40, flag: false, at: new Date('2024-04-01T00:00:00Z') },
];

let db: Db;

beforeAll(async () => {
  db = await getDb();
  await db.execute(
    sql.raw(
      `create table ${name} (id integer primary key, name text, n integer, flag boolean not null, at timestamptz not null)`,
    ),
  );
  await db.insert(items).values(ROWS);
});

afterAll(async () => {
  await db.execute(sql.raw(`drop table if exists ${name}`));
});

/** Ids of the rows the filter keeps. */
async function matching(filter: unknown): Promise<number[]> {
  const raw = typeof filter === 'string' ? filter : JSON.stringify(filter);
  const rows = await db
    .select({ id: items.id })
    .from(items)
    .where(jsonLogicWhere(raw, FIELDS))
    .orderBy(asc(items.id));
  return rows.map((r) => r.id);
}

/** The 400 message the filter gets (and that it names the `filter` parameter). */
function refusal(filter: unknown): string {
  const raw = typeof filter === 'string' ? filter : JSON.stringify(filter);
  try {
    jsonLogicWhere(raw, FIELDS);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    const messages = (error as ApiError).body.filter;
    expect(Array.isArray(messages)).toBe(true);
    return (messages as string[])[0];
  }
  throw new Error(`filter ${raw} was accepted`);
}

const v = (field: string) => ({ var: field });

describe('JSON Logic filter, per operator, on a real table', () => {
  it('no filter (absent or blank) keeps every row', async () => {
    expect(jsonLogicWhere(undefined, FIELDS)).toBeUndefined();
    expect(jsonLogicWhere('  ', FIELDS)).toBeUndefined();
    expect(await matching({ and: [{ '>=': [v('id'), 1] }] })).toEqual([1, 2, 3, 4]);
  });

  it('== on integers, text and booleans; a digit string counts as the integer (as Django coerces it)', async () => {
    expect(await matching({ '==': [v('id'), 2] })).toEqual([2]);
    expect(await matching({ '==': [v('id'), '2'] })).toEqual([2]);
    expect(await matching({ '==': [v('name'), 'gamma'] })).toEqual([3]);
    expect(await matching({ '==': [v('name'), 'Gamma'] })).toEqual([]);
    expect(await matching({ '==': [v('flag'), true] })).toEqual([1, 3]);
    expect(await matching({ '==': [v('flag'), 'false'] })).toEqual([2, 4]);
    expect(await matching({ '==': [v('upper_name'), 'BETA'] })).toEqual([2]);
  });

  it('== null is "is null"; the value may come first', async () => {
    expect(await matching({ '==': [v('n'), null] })).toEqual([3]);
    expect(await matching({ '==': [null, v('name')] })).toEqual([4]);
    expect(await matching({ '==': [20, v('n')] })).toEqual([2]);
  });

  it('!= keeps rows whose field is null (they are not equal to the value)', async () => {
    expect(await matching({ '!=': [v('n'), 20] })).toEqual([1, 3, 4]);
    expect(await matching({ '!=': [v('name'), null] })).toEqual([1, 2, 3]);
  });

  it('<, <=, >, >= on integers and dates, with the value on either side', async () => {
    expect(await matching({ '<': [v('n'), 20] })).toEqual([1]);
    expect(await matching({ '<=': [v('n'), 20] })).toEqual([1, 2]);
    expect(await matching({ '>': [v('n'), 20] })).toEqual([4]);
    expect(await matching({ '>=': [v('n'), 20] })).toEqual([2, 4]);
    expect(await matching({ '>': [20, v('n')] })).toEqual([1]);
    expect(await matching({ '>=': [v('at'), '2024-02-15T00:00:00Z'] })).toEqual([3, 4]);
    expect(await matching({ '<': [v('at'), '2024-02-01T00:00:00.000Z'] })).toEqual([1]);
  });

  it('<= and < with three arguments are "between" (inclusive, exclusive)', async () => {
    expect(await matching({ '<=': [10, v('n'), 20] })).toEqual([1, 2]);
    expect(await matching({ '<': [10, v('n'), 40] })).toEqual([2]);
  });

  it('in: a field among values (null included when listed), or a text inside a text field', async () => {
    expect(await matching({ in: [v('id'), [1, 3, 99]] })).toEqual([1, 3]);
    expect(await matching({ in: [v('n'), [10, null]] })).toEqual([1, 3]);
    expect(await matching({ in: [v('id'), []] })).toEqual([]);
    expect(await matching({ in: ['mm', v('name')] })).toEqual([3]);
    // Literal, not a LIKE pattern: `%` and `_` match only themselves.
    expect(await matching({ in: ['%', v('name')] })).toEqual([]);
    expect(await matching({ in: ['_', v('name')] })).toEqual([]);
  });

  it('and, or', async () => {
    expect(await matching({ and: [{ '>': [v('id'), 1] }, { '==': [v('flag'), true] }] })).toEqual([3]);
    expect(await matching({ or: [{ '==': [v('id'), 1] }, { '==': [v('name'), 'beta'] }] })).toEqual([1, 2]);
    expect(await matching({ or: [{ and: [{ '==': [v('id'), 1] }] }, { '==': [v('id'), 4] }] })).toEqual([
      1, 4,
    ]);
  });

  it('! negates a rule (given alone or in a one-item list) and keeps rows where the rule was unknown', async () => {
    expect(await matching({ '!': { '==': [v('id'), 1] } })).toEqual([2, 3, 4]);
    expect(await matching({ '!': [{ '<': [v('n'), 30] }] })).toEqual([3, 4]);
    expect(await matching({ '!!': [{ '==': [v('id'), 1] }] })).toEqual([1]);
  });

  it('var alone: the field is set', async () => {
    expect(await matching({ var: 'n' })).toEqual([1, 2, 4]);
    expect(await matching({ and: [{ var: ['name'] }, { '!': { var: 'n' } }] })).toEqual([3]);
  });

  it('values that would be SQL are only values', async () => {
    expect(await matching({ '==': [v('name'), "alpha' or '1'='1"] })).toEqual([]);
    expect(await matching({ in: [v('name'), ["x'); drop table users; --", 'beta']] })).toEqual([2]);
  });
});

describe('JSON Logic filter, refusals (400 naming "filter")', () => {
  it('text that is not JSON, or an empty filter', () => {
    expect(refusal('not json')).toMatch(/not valid JSON/);
    expect(refusal('{"and":[')).toMatch(/not valid JSON/);
    expect(refusal('{}')).toMatch(/shouldn't be empty/);
  });

  it('JSON that is not a rule', () => {
    for (const filter of ['5', '"x"', 'null', '[]', 'true', '[{"==":[{"var":"id"},1]}]'])
      expect(refusal(filter)).toMatch(/one operator/);
    expect(refusal({ '==': [v('id'), 1], '!=': [v('id'), 2] })).toMatch(/exactly one operator/);
  });

  it('an unknown operator, listing the known ones', () => {
    expect(refusal({ like: [v('name'), 'a%'] })).toMatch(/Unknown operator "like".*and, or, !/);
    expect(refusal({ and: [{ '===': [v('id'), 1] }] })).toMatch(/Unknown operator "==="/);
  });

  it('an unknown field, listing the allowed ones; prototype names are not fields', () => {
    expect(refusal({ '==': [v('password'), 'x'] })).toMatch(
      /Unknown field "password".*id, name, n, flag, at/,
    );
    for (const proto of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      expect(refusal({ '==': [v(proto), 1] })).toMatch(/Unknown field/);
    expect(refusal({ var: 42 })).toMatch(/"var" takes a field name/);
  });

  it('wrong arity', () => {
    expect(refusal({ '==': [v('id')] })).toMatch(/"==" takes 2 arguments/);
    expect(refusal({ '==': [v('id'), 1, 2] })).toMatch(/"==" takes 2 arguments/);
    expect(refusal({ '>': [v('id'), 1, 2] })).toMatch(/">" takes 2 arguments/);
    expect(refusal({ '<=': [1, 2, 3] })).toMatch(/a value, a field/);
    expect(refusal({ and: [] })).toMatch(/non-empty list/);
    expect(refusal({ or: { '==': [v('id'), 1] } })).toMatch(/non-empty list/);
    expect(refusal({ '!': [{ var: 'id' }, { var: 'n' }] })).toMatch(/"!" takes 1 rule/);
    expect(refusal({ in: [v('id')] })).toMatch(/"in" takes 2 arguments/);
  });

  it('comparisons without a field, or of the wrong type', () => {
    expect(refusal({ '==': [1, 1] })).toMatch(/neither argument is a field/);
    expect(refusal({ '==': [v('id'), 'abc'] })).toMatch(/"id" takes an integer/);
    expect(refusal({ '==': [v('id'), 1.5] })).toMatch(/"id" takes an integer/);
    expect(refusal({ '==': [v('id'), 99999999999] })).toMatch(/"id" takes an integer/);
    expect(refusal({ '==': [v('flag'), 'maybe'] })).toMatch(/"flag" takes true or false/);
    expect(refusal({ '>': [v('at'), 'yesterday'] })).toMatch(/"at" takes an ISO 8601 date/);
    expect(refusal({ '==': [v('name'), { a: 1 }] })).toMatch(/"name" takes a text value/);
    expect(refusal({ '<': [v('n'), null] })).toMatch(/cannot compare "n" with null/);
    expect(refusal({ in: [v('id'), 5] })).toMatch(/needs a list of values/);
    expect(refusal({ in: [1, v('id')] })).toMatch(/"id" is not one/);
    expect(refusal({ '==': [v('name'), 'a\u0000b'] })).toMatch(/Null characters/);
  });

  it('bounds: nesting, number of terms, list length, total length', () => {
    let deep: unknown = { '==': [v('id'), 1] };
    for (let i = 0; i < 40; i++) deep = { '!': deep };
    expect(refusal(deep)).toMatch(/nested deeper than 32/);
    const wide = { or: Array.from({ length: 300 }, (_, i) => ({ '==': [v('id'), i] })) };
    expect(refusal(wide)).toMatch(/more than 256 terms/);
    expect(refusal({ in: [v('id'), Array.from({ length: 1001 }, (_, i) => i)] })).toMatch(
      /at most 1000 values/,
    );
    expect(refusal(`{"==":[{"var":"name"},"${'x'.repeat(20_000)}"]}`)).toMatch(/longer than/);
  });

  it('a large but allowed filter runs (within PostgreSQL parameter limits)', async () => {
    expect(await matching({ in: [v('id'), Array.from({ length: 1000 }, (_, i) => i)] })).toEqual([
      1, 2, 3, 4,
    ]);
    expect(await matching({ or: Array.from({ length: 200 }, (_, i) => ({ '==': [v('n'), i] })) })).toEqual([
      1, 2, 4,
    ]);
  });
});
