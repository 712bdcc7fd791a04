import { and, count, ilike, or, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable, SelectedFields } from 'drizzle-orm/pg-core';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { jsonLogicWhere, type FilterFields } from '@/lib/http/json-logic-filter';
import { containsPattern, orderBy, parseListQuery, type ListQuery } from '@/lib/http/list-query';
import { boundPage, paginated, parsePage, rowLimit, type Page, type Paginated } from '@/lib/http/pagination';
import type { SimpleFilter } from './simple-filters';

/**
 * Every list of the API, as CVAT answers one: `page` and `page_size`, `sort`, `search`, `filter` (JSON
 * Logic) and simple equality filters in, `{count, next, previous, results}` out, each bad parameter a
 * 400 naming it. A list is declared once (defineList, or defineQueryList for one with its own SQL); the
 * route serves it and the API document describes it from the same declaration.
 */
export type List<Args extends unknown[] = []> = {
  /** The fields `filter` takes (CVAT's `filter_fields`); null where the list takes no `filter`. */
  readonly filterFields: FilterFields | null;
  /** The simple filters' parameter names, as documented. */
  readonly simpleFilters: readonly string[];
  /** The page the request's URL asks for; `args` locate the list (the webhook whose deliveries). */
  respond(db: Db, actor: Actor, url: URL, ...args: Args): Promise<Paginated<unknown>>;
};

export type ListRequest = { query: ListQuery; page: Page };
export type PageOf<T> = { count: number; results: T[] };

type Join = { kind: 'inner' | 'left'; table: PgTable; on: SQL };

/** Tables joined to the listed one, for conditions on their columns; the rows stay the listed table's. */
export const join = {
  inner: (table: PgTable, on: SQL): Join => ({ kind: 'inner', table, on }),
  left: (table: PgTable, on: SQL): Join => ({ kind: 'left', table, on }),
};

export type ListDefinition<T extends PgTable, Out> = {
  table: T;
  joins?: Join[];
  /** What the actor may see at all, whatever the query asks. */
  scope: (actor: Actor) => (SQL | undefined)[];
  /** The fields `filter` takes. */
  filterFields: FilterFields;
  /** The simple filters by parameter name, in the order they are checked. */
  filters: Record<string, SimpleFilter>;
  /** The text `search` looks in (any of them, case-insensitively); no search when absent. */
  search?: (AnyColumn | SQL)[];
  /** The fields `sort` takes; `defaultOrder` follows them, and is the order when `sort` is absent. */
  sortable: Record<string, AnyColumn | SQL>;
  defaultOrder: SQL[];
  represent: (db: Db, rows: T['$inferSelect'][], actor: Actor) => Promise<Out[]> | Out[];
};

/** A list of one table's rows (with joined tables to filter on), declared. */
export function defineList<T extends PgTable, Out>(definition: ListDefinition<T, Out>): List {
  return {
    filterFields: definition.filterFields,
    simpleFilters: Object.keys(definition.filters),
    respond: (db, actor, url) =>
      respondWith(url, actor, false, (request) => loadPage(db, actor, definition, request)),
  };
}

/**
 * A list whose query is its own (the delivery records, in raw SQL over partitioned tables): the builder
 * parses the request and wraps the page; `fetch` reads the filters and the rows. A bounded list has no
 * `page_size=all`: it means the largest page, with links to the next (boundPage).
 */
export function defineQueryList<Args extends unknown[], Out>(definition: {
  simpleFilters: readonly string[];
  isBounded: boolean;
  fetch: (db: Db, actor: Actor, request: ListRequest, ...args: Args) => Promise<PageOf<Out>>;
}): List<Args> {
  return {
    filterFields: null,
    simpleFilters: definition.simpleFilters,
    respond: (db, actor, url, ...args) =>
      respondWith(url, actor, definition.isBounded, (request) =>
        definition.fetch(db, actor, request, ...args),
      ),
  };
}

async function respondWith<T>(
  url: URL,
  actor: Actor,
  isBounded: boolean,
  fetch: (request: ListRequest) => Promise<PageOf<T>>,
): Promise<Paginated<T>> {
  const parsed = parsePage(url);
  const page = isBounded ? boundPage(parsed) : parsed;
  const { count, results } = await fetch({ query: parseListQuery(url), page });
  return paginated(url, actor.baseUrl, page, count, results);
}

/** The simple filters' conditions, in declaration order, each under the name (or alias) the request used. */
function simpleWhere(
  filters: Record<string, SimpleFilter>,
  query: ListQuery,
  actor: Actor,
): (SQL | undefined)[] {
  const out: (SQL | undefined)[] = [];
  for (const [name, filter] of Object.entries(filters)) {
    const used = [name, ...(filter.aliases ?? [])].find((n) => query.filters.has(n));
    if (used !== undefined) out.push(filter.where(query.filters.get(used)!, { name: used, actor }));
  }
  return out;
}

function searchWhere(columns: (AnyColumn | SQL)[] | undefined, search: string | undefined): SQL | undefined {
  if (!columns || !search) return undefined;
  const pattern = containsPattern(search);
  return or(...columns.map((column) => ilike(column, pattern)));
}

async function loadPage<T extends PgTable, Out>(
  db: Db,
  actor: Actor,
  definition: ListDefinition<T, Out>,
  { query, page }: ListRequest,
): Promise<PageOf<Out>> {
  const where = and(
    ...definition.scope(actor),
    jsonLogicWhere(query.filter, definition.filterFields),
    searchWhere(definition.search, query.search),
    ...simpleWhere(definition.filters, query, actor),
  );
  const order = orderBy(query.sort, definition.sortable, definition.defaultOrder);
  // Any table, as a dynamic query: drizzle's types would otherwise follow each join, which a list cannot say.
  const table: PgTable = definition.table;
  const from = (selection: SelectedFields) => {
    let q = db.select(selection).from(table).$dynamic();
    for (const j of definition.joins ?? [])
      q = j.kind === 'inner' ? q.innerJoin(j.table, j.on) : q.leftJoin(j.table, j.on);
    return q.where(where);
  };
  const [{ total }] = (await from({ total: count() })) as { total: number }[];
  const rows = (await from({ row: table })
    .orderBy(...order)
    .limit(rowLimit(page))
    .offset(page.offset)) as { row: T['$inferSelect'] }[];
  return {
    count: Number(total),
    results: await definition.represent(
      db,
      rows.map((r) => r.row),
      actor,
    ),
  };
}
