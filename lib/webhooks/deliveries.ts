import type { Db, Tx } from '@/db/client';
import { afterCommit } from '@/db/transaction';
import type { Actor } from '@/lib/auth/actor';
import { invalidChoice } from '@/lib/http/choice';
import { iso } from '@/lib/http/dates';
import { notFound } from '@/lib/http/errors';
import { defineQueryList } from '@/lib/lists/define-list';
import { toBasicUser } from '@/lib/users/representation';
import { makeAttempt, parseHeaders } from './attempt';
import { formatDeliveryId, parseDeliveryId } from './delivery-key';
import { parseRecordFilters, RECORD_FILTER_NAMES } from './delivery-filters';
import { examplePayloadOf } from './event-payloads';
import { findEvent, isAllowedFor } from './events';
import { getHandoff } from './handoff';
import { buildBody, unpackPayload } from './payloads';
import {
  countAttemptsByBucket,
  enqueueDirect,
  enqueueRecovery,
  enqueueRedelivery,
  findAttempt,
  findLatestAttempt,
  findSeriesByKey,
  listAttempts,
  listAttemptsOfKey,
  listSeries,
  type AttemptRecord,
  type SeriesRecord,
} from './queue';
import { recordAttempts } from './record-attempts';
import { representWebhooks } from './representation';
import { MASKED_VALUE } from './schemas';
import type { recoverWebhookSchema } from './schemas';
import { assembleHeaders } from './sign';
import { loadWebhook } from './webhooks';
import type { z } from 'zod';

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    // stored bytes that are not JSON are shown as they are
    return body;
  }
}

/**
 * One attempt actually made: CVAT's delivery fields, `created_date` being when it was sent, plus
 * Herald's (delivery.md, "Delivery records"). The request headers are rebuilt from the attempt with the
 * function that built them to send.
 */
export function representAttempt(a: AttemptRecord) {
  const sent = new Date(a.sentDate);
  const webhookIdHeader = formatDeliveryId(a.key);
  return {
    id: Number(a.id),
    webhook_id: a.webhookId,
    event: a.event,
    status_code: a.statusCode,
    redelivery: a.redelivery,
    attempt: a.attempt,
    request_duration: a.requestDuration,
    created_date: iso(sent),
    updated_date: iso(new Date(sent.getTime() + (a.requestDuration ?? 0))),
    changed_fields: a.changedFields,
    request: parseBody(buildBody(unpackPayload(a.payload), a.webhookId)),
    response: a.response,
    delivery_id: webhookIdHeader,
    state: a.state,
    next_attempt_date: a.state === 'pending' ? iso(a.nextAttemptDate) : null,
    request_headers: {
      // Custom headers by name only: their values are as secret as the webhook's secret.
      ...maskedHeaders(a.customHeaders),
      ...assembleHeaders({
        webhookIdHeader,
        timestamp: Math.floor(sent.getTime() / 1000),
        event: a.event,
        webhookId: a.webhookId,
        digests: a.signatures,
      }),
    },
    response_headers: parseHeaders(a.responseHeaders),
    trigger: a.trigger,
  };
}

function maskedHeaders(names: string | null): Record<string, string> {
  return names ? Object.fromEntries(names.split('\n').map((name) => [name, MASKED_VALUE])) : {};
}

export type AttemptRepresentation = ReturnType<typeof representAttempt>;

/** One series: what the UI groups the deliveries by. */
export function representSeries(s: SeriesRecord) {
  return {
    id: Number(s.id),
    delivery_id: formatDeliveryId(s.key),
    webhook_id: s.webhookId,
    event: s.event,
    trigger: s.trigger,
    redelivery: s.redelivery,
    state: s.state,
    attempts: s.attempts,
    next_attempt_date: s.state === 'pending' ? iso(s.nextAttemptDate) : null,
    last_status_code: s.lastStatusCode,
    last_attempt_date: iso(s.lastSentDate),
    /** The attempt to redeliver from; null before the first. */
    last_attempt_id: s.lastAttemptId === null ? null : Number(s.lastAttemptId),
    created_date: iso(s.createdDate),
    changed_fields: s.changedFields,
    request: parseBody(buildBody(unpackPayload(s.payload), s.webhookId)),
    resource: s.resourceType
      ? { type: s.resourceType, id: /^\d+$/.test(s.resourceId ?? '') ? Number(s.resourceId) : s.resourceId }
      : null,
  };
}

/** GET /api/webhooks/{id}/deliveries: one row per attempt actually made, newest first. */
export const deliveryList = defineQueryList({
  simpleFilters: RECORD_FILTER_NAMES,
  isBounded: true,
  async fetch(db, actor, { query, page }, webhookId: number) {
    await loadWebhook(db, actor, webhookId, undefined, 'view');
    const { count, rows } = await listAttempts(db, webhookId, parseRecordFilters(query), page);
    return { count, results: rows.map(representAttempt) };
  },
});

export async function getDelivery(db: Db, actor: Actor, webhookId: number, attemptId: number) {
  await loadWebhook(db, actor, webhookId, undefined, 'view');
  const attempt = await findAttempt(db, webhookId, attemptId);
  if (!attempt) throw notFound('No such delivery for this webhook.');
  return representAttempt(attempt);
}

/** GET /api/webhooks/{id}/messages: one row per series (an event's deliveries to this webhook), newest first. */
export const messageList = defineQueryList({
  simpleFilters: RECORD_FILTER_NAMES,
  isBounded: true,
  async fetch(db, actor, { query, page }, webhookId: number) {
    await loadWebhook(db, actor, webhookId, undefined, 'view');
    const { count, rows } = await listSeries(db, webhookId, parseRecordFilters(query), page);
    return { count, results: rows.map(representSeries) };
  },
});

/** A series by its `delivery_id`, with `history`: every attempt that carried that id, redeliveries included. */
export async function getMessage(db: Db, actor: Actor, webhookId: number, deliveryId: string) {
  await loadWebhook(db, actor, webhookId, undefined, 'view');
  const key = parseDeliveryId(deliveryId);
  const series = key ? await findSeriesByKey(db, webhookId, key) : undefined;
  if (!key || !series) throw notFound('No such delivery for this webhook.');
  return {
    ...representSeries(series),
    history: (await listAttemptsOfKey(db, webhookId, key)).map(representAttempt),
  };
}

/** Queues the attempt's message again, as a new series marked `redelivery` (same bytes, signed anew). */
export async function redeliver(tx: Tx, actor: Actor, webhookId: number, attemptId: number) {
  await loadWebhook(tx, actor, webhookId);
  if (!(await enqueueRedelivery(tx, webhookId, attemptId)))
    throw notFound('No such delivery for this webhook.');
  afterCommit(tx, () => getHandoff()?.wake());
}

/**
 * Recovery (operations.md): one new series per matching message, in the order the messages were
 * created, or with `dry_run` only their number. Permission as for a redelivery.
 */
export async function recoverDeliveries(
  tx: Tx,
  actor: Actor,
  webhookId: number,
  input: z.output<typeof recoverWebhookSchema>,
) {
  await loadWebhook(tx, actor, webhookId);
  const filter = {
    since: input.since,
    until: input.until ?? null,
    states: input.states,
    events: input.events ? [...new Set(input.events)] : null,
  };
  const count = await enqueueRecovery(tx, webhookId, filter, input.dry_run);
  if (!input.dry_run && count > 0) afterCommit(tx, () => getHandoff()?.wake());
  return { count };
}

/**
 * Sends `{event: "ping", webhook, sender}` now, within the request, and returns its attempt. It goes
 * through this process's dispatcher, so that it waits for a free slot of the endpoint's in-flight cap
 * like any delivery; without one running, it is sent from here.
 */
export async function pingWebhook(db: Db, actor: Actor, id: number) {
  const hook = await loadWebhook(db, actor, id);
  const [webhook] = await representWebhooks(db, [hook], actor.baseUrl);
  const sender = toBasicUser(actor.user, actor.baseUrl);
  return sendDirect(db, actor, {
    webhookId: id,
    event: 'ping',
    trigger: 'ping',
    payload: JSON.stringify({ event: 'ping', webhook, sender }),
  });
}

/**
 * Sends the example payload of a catalog event (operations.md, "examples, tests") now, within the
 * request as Ping is, marked `trigger: test`; any event the webhook's type allows, subscribed or not.
 */
export async function sendExample(db: Db, actor: Actor, id: number, event: string) {
  const hook = await loadWebhook(db, actor, id);
  const entry = findEvent(event);
  if (!entry || !isAllowedFor(entry, hook.type))
    throw invalidChoice('event', event, { among: `for a ${hook.type} webhook` });
  const payload = JSON.stringify(examplePayloadOf(entry, id, toBasicUser(actor.user, actor.baseUrl)));
  return sendDirect(db, actor, { webhookId: id, event: entry.key, trigger: 'test', payload });
}

async function sendDirect(
  db: Db,
  actor: Actor,
  opts: { webhookId: number; event: string; trigger: 'ping' | 'test'; payload: string },
) {
  const pair = await enqueueDirect(db, { ...opts, senderId: actor.user.id });
  const handoff = getHandoff();
  if (handoff) await handoff.sendNow(pair);
  else await recordAttempts(db, [await makeAttempt(pair.delivery, pair.webhook)]);
  const attempt = await findLatestAttempt(db, opts.webhookId, pair.delivery.id);
  if (!attempt)
    throw notFound(
      `The webhook was deleted while it was sent a ${opts.trigger === 'ping' ? 'ping' : 'test'}.`,
    );
  return representAttempt(attempt);
}

const BUCKETS = {
  hour: { seconds: 3600, count: 48 },
  day: { seconds: 86400, count: 30 },
  minute: { seconds: 60, count: 120 },
} as const;

/** Attempts that succeeded and failed per time bucket, oldest first: the chart on the webhook page. */
export async function getDeliveryStats(db: Db, actor: Actor, webhookId: number, bucket: string) {
  await loadWebhook(db, actor, webhookId, undefined, 'view');
  const spec = BUCKETS[bucket as keyof typeof BUCKETS];
  if (!spec) throw invalidChoice('bucket', bucket, { hint: 'Use minute, hour or day.' });
  const rows = await countAttemptsByBucket(db, webhookId, spec.seconds, spec.count);
  return {
    bucket,
    bucket_seconds: spec.seconds,
    results: rows.map((r) => ({
      time: new Date(r.bucket).toISOString(),
      success: r.success,
      failure: r.failure,
    })),
  };
}
