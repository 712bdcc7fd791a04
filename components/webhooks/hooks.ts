'use client';

import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useSelf } from '@/components/shell/user-menu';
import {
  deleteWebhookAction,
  pingWebhookAction,
  recoverDeliveriesAction,
  redeliverAction,
  sendExampleAction,
  updateWebhookAction,
} from '@/lib/actions/webhooks';
import { callAction } from '@/lib/client/actions';
import type { OrgScope } from '@/lib/client/api';
import { useApiQuery } from '@/lib/client/hooks';
import { queryKeys } from '@/lib/client/query-keys';
import type { Membership, Organization, Paginated, Role } from '@/lib/client/types';
import type { Delivery, Webhook } from '@/lib/client/webhooks';

/**
 * The caller's role in an organization (slug or `{id}`), from `/memberships?user=<self>` in that
 * context; 'owner' for an admin; null when not a member or no organization.
 */
export function useMyRole(scope: OrgScope) {
  const self = useSelf();
  const hasOrg = scope !== null && scope !== undefined;
  const membership = useApiQuery<Paginated<Membership>>(
    hasOrg && self.data ? '/memberships' : null,
    { user: self.data?.username, page_size: 1 },
    { scope },
  );
  const isAdmin = self.data?.is_superuser === true;
  const role: Role | null = isAdmin ? 'owner' : (membership.data?.results[0]?.role ?? null);
  const isLoading = self.isPending || (hasOrg && !isAdmin && membership.isPending);
  return { self: self.data, role, isAdmin, isStaff: role === 'owner' || role === 'maintainer', isLoading };
}

/** An organization by id (null: none), for links to its webhook list. */
export function useOrganization(id: number | null | undefined) {
  return useApiQuery<Organization>(id ? `/organizations/${id}` : null, undefined, {
    global: true,
    staleTime: 60_000,
  });
}

/** An organization by slug among the caller's ones. */
export function useOrganizationBySlug(slug: string | null | undefined) {
  return useApiQuery<Paginated<Organization>>(
    slug ? '/organizations' : null,
    { slug: slug ?? undefined, page_size: 1 },
    { global: true, staleTime: 60_000 },
  );
}

/** The webhook's delivery records: its attempts (`/deliveries`, the chart) and its series (`/messages`). */
function invalidateDeliveriesOf(client: QueryClient, id: number) {
  return Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.webhooks.deliveries(id) }),
    client.invalidateQueries({ queryKey: queryKeys.webhooks.messages(id) }),
  ]);
}

/** Puts a ping's result on the cached webhook (list rows and the webhook itself) without refetching them. */
function applyPing(client: QueryClient, id: number, delivery: Delivery) {
  const patch = (w: Webhook): Webhook =>
    w.id === id
      ? {
          ...w,
          last_status: delivery.status_code,
          last_delivery_date: delivery.updated_date,
          last_state: delivery.state,
        }
      : w;
  client.setQueriesData<Paginated<Webhook>>({ queryKey: queryKeys.webhooks.lists() }, (old) =>
    old ? { ...old, results: old.results.map(patch) } : old,
  );
  client.setQueriesData<Webhook>({ queryKey: queryKeys.webhooks.detail(id) }, (old) =>
    old ? patch(old) : old,
  );
  return invalidateDeliveriesOf(client, id);
}

/** Ping (a server action, as POST /webhooks/{id}/ping): the delivery comes back already sent; the status dot follows it. */
export function usePing() {
  const client = useQueryClient();
  return useMutation<Delivery, Error, number>({
    mutationFn: (id) => callAction(() => pingWebhookAction(undefined, id)),
    onSuccess: async (delivery, id) => {
      await applyPing(client, id, delivery);
      // A ping moves the endpoint's health (a successful one ends a pause): the lists and the page read it again.
      await Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.webhooks.lists() }),
        client.invalidateQueries({ queryKey: queryKeys.webhooks.detail(id) }),
      ]);
    },
  });
}

/** Send example (a server action, as POST /webhooks/{id}/test): like Ping, the delivery comes back already sent. */
export function useSendExample() {
  const client = useQueryClient();
  return useMutation<Delivery, Error, { id: number; event: string }>({
    mutationFn: ({ id, event }) => callAction(() => sendExampleAction(undefined, id, { event })),
    onSuccess: (delivery, { id }) => applyPing(client, id, delivery),
  });
}

/** Deletes webhooks one by one; the lists are refetched after. Returns the failures. */
export function useDeleteWebhooks() {
  const client = useQueryClient();
  return useMutation<{ id: number; error: Error }[], Error, number[]>({
    mutationFn: async (ids) => {
      const results = await Promise.allSettled(
        ids.map((id) => callAction(() => deleteWebhookAction(undefined, id))),
      );
      return results.flatMap((r, i) =>
        r.status === 'rejected' ? [{ id: ids[i], error: r.reason as Error }] : [],
      );
    },
    onSuccess: (_failed, ids) => {
      for (const id of ids) client.removeQueries({ queryKey: queryKeys.webhooks.tree(id) });
      return client.invalidateQueries({ queryKey: queryKeys.webhooks.lists() });
    },
  });
}

/** Redeliver (a server action, as POST …/redelivery): queues the stored payload again; the deliveries are refetched. */
export function useRedeliver(webhookId: number) {
  const client = useQueryClient();
  return useMutation<unknown, Error, number>({
    mutationFn: (deliveryId) => callAction(() => redeliverAction(undefined, webhookId, deliveryId)),
    onSuccess: () => invalidateDeliveriesOf(client, webhookId),
  });
}

/** Where a webhook's list lives: its project's page, or its organization's. */
export function listHref(
  w: Pick<Webhook, 'type' | 'project_id'>,
  orgSlug: string | undefined,
): string | null {
  if (w.type === 'project' && w.project_id) return `/projects/${w.project_id}/webhooks`;
  if (orgSlug) return `/organizations/${encodeURIComponent(orgSlug)}/webhooks`;
  return null;
}

/** Recover (a server action, as POST …/recover): with `dry_run` only the count; else the deliveries are refetched. */
export function useRecover(webhookId: number) {
  const client = useQueryClient();
  return useMutation<{ count: number }, Error, { since: string; states?: string[]; dry_run?: boolean }>({
    mutationFn: (input) => callAction(() => recoverDeliveriesAction(undefined, webhookId, input)),
    onSuccess: (_, input) => (input.dry_run ? undefined : invalidateDeliveriesOf(client, webhookId)),
  });
}

/** Turns a webhook (disabled by Herald) on again: its reason and failure streak are cleared. */
export function useTurnOn(webhookId: number) {
  const client = useQueryClient();
  return useMutation<unknown, Error, void>({
    mutationFn: () => callAction(() => updateWebhookAction(undefined, webhookId, { is_active: true })),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.webhooks.all() }),
  });
}
