import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '@/lib/testing/fixtures';
import { api } from '@/lib/testing/test-api';
import { captureLogLines } from '@/lib/testing/log-capture';
import { ALL_KEYS, receiverPool, waitUntil } from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from './dispatcher';

/**
 * A failing receiver must never make a user's save fail or wait. With the old design it did on
 * PostgreSQL: the outbox read webhooks `for share` in id order while the attempt recorder wrote their
 * failure counters in arrival order, and PostgreSQL reported deadlocks (409s to users, and batches of
 * results dropped). Here ten organization webhooks flap between 500 and 200 while eight clients save
 * their own projects as fast as they can: every save succeeds, and every batch of attempts is recorded.
 */
const pool = receiverPool();
const logs = captureLogLines({ passThrough: true });

beforeAll(async () => {
  // What is tested here is that saves and records never collide, not the pause: sixteen failures in
  // flight at once count as a streak of sixteen and pause an endpoint for the maximum, during which
  // (operations.md) nothing is sent to it, and this test would wait for nothing.
  process.env.WEBHOOK_PAUSE_AFTER_FAILURES = '100000';
  await startDispatcher();
});
afterAll(async () => {
  delete process.env.WEBHOOK_PAUSE_AFTER_FAILURES;
  logs.restore();
  await stopDispatcher();
  await pool.closeAll();
});

describe('receivers that flap while people save', () => {
  it('never fail or hold up a save, and every attempt is recorded', { timeout: 90_000 }, async () => {
    const { owner, org } = await createTeam();
    let calls = 0;
    const flapping = await pool.start((_, res) => {
      calls++;
      // Fails about every other time, in runs short enough that no endpoint is paused for long.
      res.statusCode = (calls * 7919) % 3 === 0 ? 200 : 500;
      res.end(res.statusCode === 200 ? 'ok' : 'flap');
    });
    const hooks: number[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await api.post(
        `/api/webhooks?org=${org.slug}`,
        { target_url: flapping.url, type: 'organization', events: ALL_KEYS },
        { as: owner },
      );
      expect(reply.status).toBe(201);
      hooks.push(reply.body.id as number);
    }
    const projects = await Promise.all(
      [...Array(8).keys()].map(
        async (i) =>
          (await api.post(`/api/projects?org=${org.slug}`, { name: `mine ${i}` }, { as: owner })).body,
      ),
    );
    logs.clear();
    const statuses = new Map<number, number>();
    await Promise.all(
      projects.map(async (p) => {
        for (let i = 0; i < 40; i++) {
          const reply = await api.patch(
            `/api/projects/${p.id}?org=${org.slug}`,
            { name: `${p.name} ${i}` },
            { as: owner },
          );
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        }
      }),
    );
    expect(Object.fromEntries(statuses)).toEqual({ 200: 8 * 40 });
    // The path was exercised: failures and successes were recorded for the endpoints while people saved.
    const count = async (status: number) =>
      (await api.get(`/api/webhooks/${hooks[0]}/deliveries?status=${status}`, { as: owner })).body.count;
    await waitUntil(
      async () => (await count(500)) > 5 && (await count(200)) > 5,
      30_000,
      'failures and successes recorded',
    );
    const errors = logs.entries().filter((e) => e.level === 'error' || e.level === 'fatal');
    expect(
      errors.filter((e) =>
        /deadlock|recording attempts failed|could not serialize/i.test(`${e.msg} ${e.err?.message ?? ''}`),
      ),
    ).toEqual([]);
  });
});
