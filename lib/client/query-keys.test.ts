import { QueryClient } from '@tanstack/react-query';
import { expect, it } from 'vitest';
import { queryKeys } from './query-keys';

/** The cached reads of a webhook page and its list, as the hooks key them. */
function cacheWithReads() {
  const client = new QueryClient();
  const reads: [string, Record<string, string | number>?][] = [
    ['/webhooks', { page: 1 }],
    ['/webhooks/5'],
    ['/webhooks/5/messages', { page: 1, event: 'ping' }],
    ['/webhooks/5/messages/abc'],
    ['/webhooks/5/deliveries/stats', { bucket: 'hour' }],
    ['/webhooks/55'],
    ['/webhooks/events'],
    ['/projects/5'],
  ];
  for (const [path, query] of reads) client.setQueryData(queryKeys.get(path, query, 'acme'), path);
  return client;
}

function pathsMatching(client: QueryClient, queryKey: readonly unknown[]) {
  return client
    .getQueryCache()
    .findAll({ queryKey })
    .map((q) => q.state.data)
    .sort();
}

it('finds a path itself whatever its query, or everything under it, and nothing of a longer id', () => {
  const client = cacheWithReads();
  expect(pathsMatching(client, queryKeys.webhooks.lists())).toEqual(['/webhooks']);
  expect(pathsMatching(client, queryKeys.webhooks.detail(5))).toEqual(['/webhooks/5']);
  expect(pathsMatching(client, queryKeys.webhooks.tree(5))).toEqual([
    '/webhooks/5',
    '/webhooks/5/deliveries/stats',
    '/webhooks/5/messages',
    '/webhooks/5/messages/abc',
  ]);
  expect(pathsMatching(client, queryKeys.webhooks.messages(5))).toEqual([
    '/webhooks/5/messages',
    '/webhooks/5/messages/abc',
  ]);
  expect(pathsMatching(client, queryKeys.webhooks.all())).not.toContain('/projects/5');
  expect(pathsMatching(client, queryKeys.all)).toHaveLength(8);
});

it('keys the same path apart by query and by organization context', () => {
  expect(queryKeys.get('/webhooks', { page: 1 }, 'acme')).not.toEqual(
    queryKeys.get('/webhooks', { page: 2 }, 'acme'),
  );
  expect(queryKeys.get('/webhooks', undefined, null)).not.toEqual(
    queryKeys.get('/webhooks', undefined, undefined),
  );
});
