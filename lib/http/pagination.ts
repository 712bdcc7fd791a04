import { invalid, notFound } from './errors';

export type Page = { limit: number | null; offset: number; page: number; pageSize: number | 'all' };

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 1000;

/**
 * The SQL `limit` of a page. `page_size=all` has none; drizzle's `.limit()` and the raw lists take a number
 * for it, so "every row" is the largest PostgreSQL integer, more rows than any list holds.
 */
export function rowLimit(page: Page): number {
  return page.limit ?? EVERY_ROW;
}

const EVERY_ROW = 2 ** 31 - 1;

export function parsePage(url: URL): Page {
  const rawPage = url.searchParams.get('page');
  const rawSize = url.searchParams.get('page_size');
  const page = rawPage === null || rawPage === '' ? 1 : Number(rawPage);
  if (!Number.isInteger(page) || page < 1 || page > 1e9) throw invalid('page', 'Invalid page.');
  if (rawSize === 'all') return { limit: null, offset: 0, page: 1, pageSize: 'all' };
  const size = rawSize === null || rawSize === '' ? DEFAULT_PAGE_SIZE : Number(rawSize);
  if (!Number.isInteger(size) || size < 1)
    throw invalid('page_size', 'A positive integer or "all" is required.');
  const pageSize = Math.min(size, MAX_PAGE_SIZE);
  return { limit: pageSize, offset: (page - 1) * pageSize, page, pageSize };
}

/**
 * For lists that can grow without bound (delivery records): `page_size=all` means the largest page,
 * with links to the next ones, rather than every row at once.
 */
export function boundPage(page: Page): Page {
  return page.pageSize === 'all'
    ? { limit: MAX_PAGE_SIZE, offset: 0, page: 1, pageSize: MAX_PAGE_SIZE }
    : page;
}

export type Paginated<T> = { count: number; next: string | null; previous: string | null; results: T[] };

/** CVAT's list body, with absolute next/previous links built from the request URL. */
export function paginated<T>(
  url: URL,
  baseUrl: string,
  page: Page,
  count: number,
  results: T[],
): Paginated<T> {
  const link = (n: number) => {
    const u = new URL(url.pathname + url.search, baseUrl);
    u.searchParams.set('page', String(n));
    if (u.searchParams.get('page_size') === 'all') u.searchParams.set('page_size', String(page.pageSize));
    return u.toString();
  };
  if (page.pageSize === 'all') return { count, next: null, previous: null, results };
  const hasNext = page.offset + results.length < count;
  if (results.length === 0 && page.page > 1) throw notFound('Invalid page.');
  return {
    count,
    next: hasNext ? link(page.page + 1) : null,
    previous: page.page > 1 ? link(page.page - 1) : null,
    results,
  };
}
