import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { createOrg } from '@/lib/testing/fixtures';
import { api, createUser, type TestUser } from '@/lib/testing/test-api';
import { receiverPool, settle } from '@/lib/testing/webhook-helpers';
import { startDispatcher, stopDispatcher } from '@/lib/webhooks/dispatcher';

/**
 * GET /api/metrics as Prometheus reads it (parsed by a Prometheus text parser): who may read it, the
 * counters moving with real deliveries to receivers on 127.0.0.1, and the gauges read from the database.
 */
const pool = receiverPool();
let admin: TestUser;
let member: TestUser;
const token = randomBytes(24).toString('base64url');

beforeAll(async () => {
  process.env.METRICS_TOKEN = token;
  await startDispatcher();
  [admin, member] = await Promise.all([createUser('metadm'), createUser('metmem')]);
  const db = await getDb();
  await db.update(users).set({ isSuperuser: true }).where(eq(users.id, admin.id));
});
afterAll(async () => {
  delete process.env.METRICS_TOKEN;
  await stopDispatcher();
  await pool.closeAll();
});

type Family = {
  name: string;
  type: string;
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    count?: string;
    sum?: string;
    buckets?: Record<string, string>;
  }[];
};

async function scrape(): Promise<Map<string, Family>> {
  const reply = await api.get('/api/metrics', { headers: { authorization: `Bearer ${token}` } });
  expect(reply.status, String(reply.body)).toBe(200);
  expect(reply.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(reply.body as string) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}

function sample(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (!family) throw new Error(`${name} is not exposed`);
  const found = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found ? Number(found.value ?? found.count) : 0;
}

describe('who may read /api/metrics', () => {
  it('administrators and the METRICS_TOKEN bearer; 401 without credentials or with wrong ones, 403 for others', async () => {
    expect((await api.get('/api/metrics')).status).toBe(401);
    expect((await api.get('/api/metrics', { headers: { authorization: `Bearer ${token}x` } })).status).toBe(
      401,
    );
    expect(
      (
        await api.get('/api/metrics', {
          headers: { authorization: `Basic ${Buffer.from(`${member.username}:wrong`).toString('base64')}` },
        })
      ).status,
    ).toBe(401);
    const forbidden = await api.get('/api/metrics', { as: member });
    expect(forbidden.status).toBe(403);
    expect(JSON.stringify(forbidden.body)).not.toContain('herald_');
    const asAdmin = await api.get('/api/metrics', { as: admin });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).toContain('# TYPE herald_webhook_attempts_total counter');
    expect((await api.get('/api/metrics', { headers: { authorization: `bearer ${token}` } })).status).toBe(
      200,
    );

    // Without METRICS_TOKEN set, the same bearer is just an unknown API token.
    delete process.env.METRICS_TOKEN;
    try {
      expect((await api.get('/api/metrics', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
        401,
      );
      expect((await api.get('/api/metrics', { as: admin })).status).toBe(200);
    } finally {
      process.env.METRICS_TOKEN = token;
    }
  });

  it('exposes every metric with its type', async () => {
    const families = await scrape();
    expect(families.get('herald_webhook_attempts_total')?.type).toBe('COUNTER');
    expect(families.get('herald_webhook_attempt_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(families.get('herald_webhook_first_attempt_latency_seconds')?.type).toBe('HISTOGRAM');
    expect(families.get('herald_webhook_series_waiting')?.type).toBe('GAUGE');
    expect(families.get('herald_webhook_oldest_waiting_seconds')?.type).toBe('GAUGE');
    expect(families.get('herald_webhook_endpoints')?.type).toBe('GAUGE');
    expect(
      families
        .get('herald_webhook_endpoints')!
        .metrics.map((m) => m.labels?.state)
        .sort(),
    ).toEqual(['disabled', 'failing', 'healthy', 'paused']);
  });
});

describe('the counters', () => {
  it('move with each attempt: delivered events, failed pings, their durations and first-attempt latency', async () => {
    const owner = await createUser('metown');
    const org = await createOrg(owner);
    const ok = await pool.start((_, res) => setTimeout(() => res.end('ok'), 20));
    const broken = await pool.start((_, res) => {
      res.statusCode = 500;
      res.end('no');
    });
    const hook = (
      await api.post(
        `/api/webhooks?org=${org.slug}`,
        { target_url: ok.url, type: 'organization', events: ['create:project'], secret: 'metrics-secret' },
        { as: owner },
      )
    ).body;
    const failing = (
      await api.post(
        `/api/webhooks?org=${org.slug}`,
        { target_url: broken.url, type: 'organization', events: [] },
        { as: owner },
      )
    ).body;

    const before = await scrape();
    for (let i = 0; i < 3; i++)
      expect(
        (await api.post(`/api/projects?org=${org.slug}`, { name: `counted ${i}` }, { as: owner })).status,
      ).toBe(201);
    await ok.waitFor(3);
    await settle(owner, [hook.id]);
    expect(
      (await api.post(`/api/webhooks/${failing.id}/ping`, undefined, { as: owner })).body.status_code,
    ).toBe(500);
    const after = await scrape();

    const delta = (name: string, labels?: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('herald_webhook_attempts_total', { outcome: 'delivered', status_class: '2xx' })).toBe(3);
    expect(delta('herald_webhook_attempts_total', { outcome: 'failed', status_class: '5xx' })).toBe(1);
    expect(delta('herald_webhook_attempt_duration_seconds')).toBe(4);
    // The receiver took 20 ms for each of the three: the histogram's sum shows it.
    const sum = (f: Map<string, Family>) =>
      Number(f.get('herald_webhook_attempt_duration_seconds')!.metrics[0].sum);
    expect(sum(after) - sum(before)).toBeGreaterThanOrEqual(0.06);
    expect(delta('herald_webhook_first_attempt_latency_seconds')).toBe(4);
    const buckets = after.get('herald_webhook_first_attempt_latency_seconds')!.metrics[0].buckets!;
    expect(Number(buckets['+Inf'])).toBe(sample(after, 'herald_webhook_first_attempt_latency_seconds'));
  });
});

describe('the gauges', () => {
  it('read the database: a waiting series counts and ages, endpoints by health', async () => {
    const owner = await createUser('metgauge');
    const org = await createOrg(owner);
    const ok = await pool.start();
    const broken = await pool.start((_, res) => {
      res.statusCode = 503;
      res.end();
    });
    const hook = (
      await api.post(
        `/api/webhooks?org=${org.slug}`,
        { target_url: ok.url, type: 'organization', events: ['create:project'] },
        { as: owner },
      )
    ).body;
    const failing = (
      await api.post(
        `/api/webhooks?org=${org.slug}`,
        { target_url: broken.url, type: 'organization', events: [] },
        { as: owner },
      )
    ).body;
    const off = (
      await api.post(
        `/api/webhooks?org=${org.slug}`,
        { target_url: ok.url, type: 'organization', events: [] },
        { as: owner },
      )
    ).body;

    // Nobody delivers: what is queued waits in the table.
    await stopDispatcher();
    try {
      const before = await scrape();
      expect((await api.post(`/api/projects?org=${org.slug}`, { name: 'waits' }, { as: owner })).status).toBe(
        201,
      );
      await new Promise((r) => setTimeout(r, 1200));
      const waiting = await scrape();
      expect(
        sample(waiting, 'herald_webhook_series_waiting') - sample(before, 'herald_webhook_series_waiting'),
      ).toBe(1);
      expect(sample(waiting, 'herald_webhook_oldest_waiting_seconds')).toBeGreaterThanOrEqual(1.2);
    } finally {
      await startDispatcher();
    }
    const queued = await scrape();
    await ok.waitFor(1);
    await settle(owner, [hook.id]);
    const drained = await scrape();
    expect(
      sample(queued, 'herald_webhook_series_waiting') - sample(drained, 'herald_webhook_series_waiting'),
    ).toBe(1);

    const endpoints = (f: Map<string, Family>, state: string) =>
      sample(f, 'herald_webhook_endpoints', { state });
    const start = await scrape();
    expect(
      (await api.post(`/api/webhooks/${failing.id}/ping`, undefined, { as: owner })).body.status_code,
    ).toBe(503);
    expect((await api.patch(`/api/webhooks/${off.id}`, { is_active: false }, { as: owner })).status).toBe(
      200,
    );
    const end = await scrape();
    expect(endpoints(end, 'failing') - endpoints(start, 'failing')).toBe(1);
    expect(endpoints(end, 'disabled') - endpoints(start, 'disabled')).toBe(1);
    expect(endpoints(end, 'healthy') - endpoints(start, 'healthy')).toBe(-2);
  });
});
