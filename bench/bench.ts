// `npm run bench`: Herald's delivery path measured beside baselines taken in the same run.
// Prints one JSON document (one object per figure). See bench/README.md for the latest results.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { log, round } from './context';
import { plotThroughput } from './plot';

const baseUrl =
  process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `herald_bench_${randomBytes(3).toString('hex')}`;
const benchUrl = new URL(baseUrl);
benchUrl.pathname = `/${dbName}`;
Object.assign(process.env, {
  DATABASE_URL: benchUrl.toString(),
  WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
  AUTH_SECRET: 'bench-secret-bench-secret-bench-secret',
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE || '20',
});
const quick = process.env.BENCH_QUICK === '1';
// BENCH_ONLY=throughput,latency runs some figures only.
const only = process.env.BENCH_ONLY?.split(',');
const runs = (figure: string) => !only || only.includes(figure);

async function main() {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  // BENCH_LOG_STATEMENTS=1: every statement and its duration in PostgreSQL's log, to see where its time goes.
  if (process.env.BENCH_LOG_STATEMENTS === '1')
    await admin.query(`alter database ${dbName} set log_min_duration_statement = 0`);
  if (process.env.BENCH_EXPLAIN_MS) {
    await admin.query(`alter database ${dbName} set session_preload_libraries = 'auto_explain'`);
    await admin.query(
      `alter database ${dbName} set auto_explain.log_min_duration = ${Number(process.env.BENCH_EXPLAIN_MS)}`,
    );
    await admin.query(`alter database ${dbName} set auto_explain.log_analyze = on`);
    await admin.query(`alter database ${dbName} set auto_explain.log_buffers = on`);
  }
  await admin.end();
  log('database', dbName);
  const { openBench } = await import('./context');
  const b = await openBench();
  const { measureBacklog } = await import('./figures/backlog');
  const { measureThroughput } = await import('./figures/throughput');
  const { measureUserWait } = await import('./figures/user-wait');
  const { measureLatency } = await import('./figures/latency');
  const { measureSlowReceiver } = await import('./figures/slow-receiver');
  const { measureStorage } = await import('./figures/storage');
  const { measureRetention } = await import('./figures/retention');
  const { measureExactlyOnce, measureScaleOut } = await import('./figures/workers');
  const { measureFifo, measureRateLimit } = await import('./figures/operations');

  const results: Record<string, unknown> = {
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    date: new Date().toISOString(),
  };
  const record = (name: string, value: unknown) => {
    results[name] = value;
    log(name, JSON.stringify(value));
  };

  // The ideal loop and the backlog first: the reference every other figure is read against.
  if (runs('backlog')) {
    const { ideal, backlog } = await measureBacklog(b, quick ? 20_000 : 200_000);
    record('ideal', ideal);
    record('backlog', backlog);
  }
  if (runs('throughput')) {
    // A short run first, not counted: the JIT, the prepared statements and PostgreSQL's caches warm up.
    await measureThroughput(b, 16, quick ? 50 : 300);
    const throughput = await measureThroughput(b, 16, quick ? 300 : 2000);
    const ideal = results.ideal as { deliveries_per_s: number } | undefined;
    record(
      'throughput',
      ideal
        ? {
            ...throughput,
            ideal_per_s: ideal.deliveries_per_s,
            ratio_to_ideal: round(throughput.deliveries_per_s / ideal.deliveries_per_s, 2),
          }
        : throughput,
    );
  }
  // The same at other concurrencies, for the plot in bench/README.md (bench/throughput.svg).
  if (runs('concurrency')) {
    const points = [];
    for (const perEndpoint of [1, 2, 4, 8, 16, 32, 64]) {
      const { concurrency, deliveries_per_s, baseline_per_s } = await measureThroughput(
        b,
        perEndpoint,
        quick ? 200 : 800,
      );
      points.push({ concurrency, deliveries_per_s, baseline_per_s });
      log('concurrency', points.at(-1));
    }
    results.throughput_by_concurrency = points;
    fs.writeFileSync(path.join(import.meta.dirname, 'throughput.svg'), plotThroughput(points));
  }
  if (runs('user_wait')) record('user_wait', await measureUserWait(b, quick ? 60 : 300));
  if (runs('latency')) record('latency', await measureLatency(b, 500, quick ? 2 : 6));
  if (runs('slow_receiver')) record('slow_receiver', await measureSlowReceiver(b, quick ? 40 : 400));
  if (runs('storage')) record('storage', await measureStorage(b, quick ? 300 : 2000));
  if (runs('retention')) record('retention', await measureRetention(b, quick ? 100_000 : 1_000_000));
  if (runs('exactly_once')) record('exactly_once', await measureExactlyOnce(b, quick ? 300 : 2000));
  if (runs('rate_limit'))
    record('rate_limit', await measureRateLimit(b, quick ? 20 : 60, quick ? 5000 : 20_000));
  if (runs('fifo')) record('fifo', await measureFifo(b, quick ? 1000 : 10_000));
  if (runs('scale_out')) record('scale_out', await measureScaleOut(b, quick ? 10_000 : 60_000));

  await b.closeDb();
  const cleanup = new pg.Client({ connectionString: baseUrl });
  await cleanup.connect();
  await cleanup.query(`drop database if exists ${dbName} with (force)`);
  await cleanup.end();
  console.log(JSON.stringify(results, null, 2));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
