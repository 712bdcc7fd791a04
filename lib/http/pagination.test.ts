import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE, paginated, parsePage } from './pagination';

const url = (query: string) => new URL(`http://herald.test/api/projects?${query}`);

describe('pagination', () => {
  it('defaults to 10, caps page_size at 1000, and takes "all"', () => {
    expect(parsePage(url(''))).toEqual({ limit: 10, offset: 0, page: 1, pageSize: 10 });
    expect(parsePage(url('page=3&page_size=20'))).toEqual({ limit: 20, offset: 40, page: 3, pageSize: 20 });
    expect(MAX_PAGE_SIZE).toBe(1000);
    expect(parsePage(url('page_size=5000'))).toMatchObject({ limit: 1000, pageSize: 1000 });
    expect(parsePage(url('page=2&page_size=5000')).offset).toBe(1000);
    expect(parsePage(url('page_size=all'))).toMatchObject({ limit: null, offset: 0 });
  });

  it('builds absolute next/previous links from the base URL, keeping the query', () => {
    const page = parsePage(url('search=a%20b&page=2&page_size=2'));
    const body = paginated(url('search=a%20b&page=2&page_size=2'), 'https://h.example', page, 5, [1, 2]);
    expect(body).toEqual({
      count: 5,
      next: 'https://h.example/api/projects?search=a+b&page=3&page_size=2',
      previous: 'https://h.example/api/projects?search=a+b&page=1&page_size=2',
      results: [1, 2],
    });
    expect(
      paginated(url('page_size=2&page=3'), 'http://x', parsePage(url('page_size=2&page=3')), 5, [5]).next,
    ).toBeNull();
    expect(() => paginated(url('page=4'), 'http://x', parsePage(url('page=4')), 5, [])).toThrow();
  });
});
