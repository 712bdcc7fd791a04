import { randomBytes } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, type Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { ApiError } from '@/lib/http/errors';
import { filterField } from '@/lib/http/json-logic-filter';
import type { UserRow } from '@/lib/users/representation';
import { defineList, defineQueryList, join } from './define-list';
import { simpleFilter, withAliases } from './simple-filters';

// Scratch tables of their own (named per run: on PostgreSQL every test file shares one database), so the
// builder's rules are checked by the rows PostgreSQL or PGlite really returns.
const suffix = randomBytes(4).toString('hex');
const shelves = pgTable(`list_shelves_${suffix}`, {
  id: integer('id').primaryKey(),
  room: text('room').notNull(),
});
const items = pgTable(`list_items_${suffix}`, {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  note: text('note').notNull(),
  shelfId: integer('shelf_id').notNull(),
  keeperId: integer('keeper_id').notNull(),
});

const KINDS = ['book', 'box', 'lamp'] as const;
const ROWS = [
  { id: 1, name: 'Atlas', kind: 'book', note: '', shelfId: 1, keeperId: 7 },
  { id: 2, name: 'crate', kind: 'box', note: '100% oak', shelfId: 1, keeperId: 7 },
  { id: 3, name: 'Bible', kind: 'book', note: 'under_the_desk', shelfId: 2, keeperId: 7 },
  { id: 4, name: 'bulb', kind: 'lamp', note: 'atlas stand', shelfId: 2, keeperId: 7 },
  { id: 5, name: 'Codex', kind: 'book', note: '', shelfId: 2, keeperId: 7 },
  // Someone else's: outside the actor's scope, never counted.
  { id: 6, name: 'Atlas', kind: 'book', note: '', shelfId: 1, keeperId: 8 },
];

const actor: Actor = {
  user: { id: 7, isSuperuser: false } as UserRow,
  baseUrl: 'https://herald.example',
  org: { kind: 'any' },
};

const itemList = defineList({
  table: items,
  joins: [join.inner(shelves, eq(shelves.id, items.shelfId))],
  scope: (a) => [eq(items.keeperId, a.user.id)],
  filterFields: { id: filterField.integer(items.id), room: filterField.string(shelves.room) },
  filters: {
    id: simpleFilter.integer(items.id),
    kind: simpleFilter.choice(items.kind, KINDS),
    listed_kind: simpleFilter.choice(items.kind, KINDS, { isListed: true }),
    shelf_id: withAliases(simpleFilter.integer(items.shelfId), 'shelf'),
    room: simpleFilter.text(shelves.room),
  },
  search: [items.name, items.note],
  sortable: { id: items.id, name: items.name, kind: items.kind },
  defaultOrder: [asc(items.id)],
  represent: (_db, rows) => rows.map((r) => ({ id: r.id, name: r.name })),
});

let db: Db;

beforeAll(async () => {
  db = await getDb();
  await db.execute(
    sql.raw(`create table list_shelves_${suffix} (id integer primary key, room text not null)`),
  );
  await db.execute(
    sql.raw(
      `create table list_items_${suffix} (id integer primary key, name text not null, kind text not null, note text not null, shelf_id integer not null, keeper_id integer not null)`,
    ),
  );
  await db.insert(shelves).values([
    { id: 1, room: 'hall' },
    { id: 2, room: 'study' },
  ]);
  await db.insert(items).values(ROWS);
});

afterAll(async () => {
  await db.execute(sql.raw(`drop table if exists list_items_${suffix}, list_shelves_${suffix}`));
});

const url = (query: string) => new URL(`http://internal:3000/api/items?${query}`);
const list = (query = '') => itemList.respond(db, actor, url(query));
const ids = async (query: string) => (await list(query)).results.map((r) => (r as { id: number }).id);

/** The error answer a query gets: its status and CVAT-shaped body. */
async function refusal(query: string) {
  const error = await list(query).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError for "${query}", got ${error}`);
  return { status: error.status, body: error.body };
}

describe('defineList', () => {
  it("answers CVAT's page envelope over the rows in scope, with absolute links from the base URL", async () => {
    expect(await list('page_size=2&page=2')).toEqual({
      count: 5,
      next: 'https://herald.example/api/items?page_size=2&page=3',
      previous: 'https://herald.example/api/items?page_size=2&page=1',
      results: [
        { id: 3, name: 'Bible' },
        { id: 4, name: 'bulb' },
      ],
    });
    const all = await list('page_size=all');
    expect(all).toMatchObject({ count: 5, next: null, previous: null });
    expect(all.results).toHaveLength(5);
  });

  it('refuses pages out of bounds, naming the parameter', async () => {
    expect(await refusal('page=0')).toEqual({ status: 400, body: { page: ['Invalid page.'] } });
    expect(await refusal('page=x')).toEqual({ status: 400, body: { page: ['Invalid page.'] } });
    expect(await refusal('page_size=0')).toMatchObject({
      status: 400,
      body: { page_size: expect.any(Array) },
    });
    expect(await refusal('page_size=2&page=4')).toEqual({ status: 404, body: { detail: 'Invalid page.' } });
    expect((await list('page=1&page_size=5000')).results).toHaveLength(5);
  });

  it('sorts by the declared fields, the default order breaking ties, and refuses others naming `sort`', async () => {
    expect(await ids('page_size=all&sort=kind')).toEqual([1, 3, 5, 2, 4]);
    expect(await ids('page_size=all&sort=-kind,-name')).toEqual([4, 2, 5, 3, 1]);
    expect(await ids('page_size=all')).toEqual([1, 2, 3, 4, 5]);
    const bad = await refusal('sort=name,-keeper_id');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ sort: ['Unsupported sort field "keeper_id". Use one of: id, name, kind.'] });
    expect((await refusal('sort=constructor')).body).toEqual({
      sort: ['Unsupported sort field "constructor". Use one of: id, name, kind.'],
    });
  });

  it('searches every search field, case-insensitively and literally', async () => {
    expect(await ids('page_size=all&search=ATLAS')).toEqual([1, 4]);
    expect(await ids('page_size=all&search=100%25')).toEqual([2]);
    expect(await ids('page_size=all&search=b_lb')).toEqual([]);
    expect(await ids('page_size=all&search=r_the')).toEqual([3]);
    expect((await refusal(`search=${'a'.repeat(257)}`)).body).toHaveProperty('search');
  });

  it('applies simple filters, on joined tables too, and names the one it cannot take', async () => {
    expect(await ids('page_size=all&kind=book&room=study')).toEqual([3, 5]);
    expect(await ids('page_size=all&kind=')).toEqual([1, 2, 3, 4, 5]);
    expect(await ids('page_size=all&unknown=1')).toEqual([1, 2, 3, 4, 5]);
    expect(await refusal('kind=chair')).toEqual({
      status: 400,
      body: { kind: ['"chair" is not a valid choice.'] },
    });
    expect((await refusal('listed_kind=chair')).body).toEqual({
      listed_kind: ['"chair" is not a valid choice. Use one of: book, box, lamp.'],
    });
    expect((await refusal('id=1.5')).body).toEqual({ id: ['A valid integer is required.'] });
  });

  it('reads an alias only when the name itself is absent, and names whichever it read', async () => {
    expect(await ids('page_size=all&shelf=1')).toEqual([1, 2]);
    expect(await ids('page_size=all&shelf_id=2&shelf=1')).toEqual([3, 4, 5]);
    expect((await refusal('shelf=one')).body).toEqual({ shelf: ['A valid integer is required.'] });
  });

  it('translates `filter` over its declared fields and refuses others naming `filter`', async () => {
    const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'room' }, 'hall'] }));
    expect(await ids(`page_size=all&filter=${filter}`)).toEqual([1, 2]);
    const unknown = encodeURIComponent(JSON.stringify({ '==': [{ var: 'keeper_id' }, 8] }));
    const bad = await refusal(`filter=${unknown}`);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body)).toEqual(['filter']);
  });

  it('describes itself for the API document', () => {
    expect(itemList.filterFields).toHaveProperty('room');
    expect(itemList.simpleFilters).toEqual(['id', 'kind', 'listed_kind', 'shelf_id', 'room']);
  });
});

describe('defineQueryList', () => {
  const seen: { limit: number | null; offset: number }[] = [];
  const numbers = defineQueryList({
    simpleFilters: ['n'],
    isBounded: true,
    async fetch(_db, _actor, { page }, total: number) {
      seen.push({ limit: page.limit, offset: page.offset });
      const results = Array.from({ length: total }, (_, i) => i + 1).slice(
        page.offset,
        page.offset + (page.limit ?? total),
      );
      return { count: total, results };
    },
  });

  it('makes `page_size=all` of a bounded list its largest page, with a link to the next', async () => {
    const body = await numbers.respond(db, actor, url('page_size=all'), 1500);
    expect(seen.at(-1)).toEqual({ limit: 1000, offset: 0 });
    expect(body.count).toBe(1500);
    expect(body.results).toHaveLength(1000);
    expect(body.next).toBe('https://herald.example/api/items?page_size=1000&page=2');
    expect(numbers.filterFields).toBeNull();
  });
});
