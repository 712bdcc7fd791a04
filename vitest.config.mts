import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['lib/**/*.test.ts', 'app/**/*.test.ts', 'db/**/*.test.ts'],
    environment: 'node',
    // next-auth imports `next/server` without an extension, which Node's ESM loader refuses outside Next's
    // bundler: transformed by Vite, the next-auth route (app/api/auth/[...nextauth]) loads in tests too.
    server: { deps: { inline: ['next-auth'] } },
    pool: 'forks',
    // Two files at a time on PGlite (each file has its own database; much of a file's time is spent waiting
    // on receivers and retries). On PostgreSQL all files share one database, and with it one delivery
    // queue that every dispatcher claims from: one file at a time.
    maxWorkers: process.env.TEST_DATABASE_URL ? 1 : 2,
    globalSetup: ['lib/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      AUTH_SECRET: 'test-secret-test-secret-test-secret',
      // In-process requests have no client address: they all count as one ("unknown") against the per-address
      // sign-in limit, across every test file on PostgreSQL. The throttle's own tests run the real server.
      SIGN_IN_MAX_FAILURES_PER_ADDRESS: '100000',
      HERALD_ENCRYPTION_KEY: 'dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ',
      HERALD_MEDIA_DIR: 'data/test-media',
      // Receivers listen on 127.0.0.1; 127.0.0.2 and the rest of loopback stay refused for the SSRF tests.
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32,::1/128',
      WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2',
      WEBHOOK_POLL_INTERVAL_MS: '50',
      WEBHOOK_REQUEST_TIMEOUT_MS: '1500',
      WEBHOOK_CONNECT_TIMEOUT_MS: '1000',
    },
  },
});
