import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT || 3100);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR || 'data/e2e';

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  // Playwright owns the server process, so nothing is left running after the run. The production build
  // must exist (`npm run build`); each run starts on a fresh embedded database.
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && node scripts/start.mjs`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(PORT),
      // As in production (settings' default): the listen address is not the host people come in on.
      HOSTNAME: process.env.E2E_HOSTNAME || '0.0.0.0',
      HERALD_DATA_DIR: E2E_DATA_DIR,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'e2e-admin-password',
      AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-1234',
      // The webhook test's receiver listens on 127.0.0.1; retries come quickly.
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
      WEBHOOK_RETRY_SCHEDULE: '2,2,2',
    },
  },
});
