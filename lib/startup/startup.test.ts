import { afterAll, describe, expect, it } from 'vitest';
import { request, startProductionServer, stopAllServers, tempDataDir } from '@/lib/testing/production-server';

/**
 * Starting `npm start` (scripts/start.mjs) the ways an operator does: bad settings stop it with a message
 * naming them, the admin password is printed once when generated and never when configured, and on the
 * embedded database only one process opens a data directory, a restart after `kill -9` included.
 */
afterAll(() => stopAllServers());

describe('settings', () => {
  it('a malformed setting stops the server at start, naming it', { timeout: 60_000 }, async () => {
    for (const [name, value] of [
      ['WEBHOOK_ALLOWED_TARGETS', '127.0.0.1/33'],
      ['WEBHOOK_ALLOWED_TARGETS', '127.0.0.1/32,not a host'],
      ['MAX_JSON_BYTES', 'lots'],
      ['WEBHOOK_RETRY_SCHEDULE', '5,soon'],
      ['PUBLIC_URL', 'ftp://herald'],
      ['HERALD_ENCRYPTION_KEY', 'too-short'],
      ['TRUST_PROXY', 'maybe'],
      ['LOG_LEVEL', 'loud'],
      ['METRICS_TOKEN', 'has a space'],
    ]) {
      const server = await startProductionServer({
        env: { [name]: value },
        waitFor: null,
        databaseUrl: null,
      });
      expect(await server.exited, server.output()).toBe(1);
      expect(server.output()).toMatch(new RegExp(`${name}=`));
      expect(server.output()).not.toMatch(/Listening on/);
    }
  });
});

describe('the admin password', () => {
  it(
    'is printed once when generated, and never when it comes from ADMIN_PASSWORD',
    { timeout: 180_000 },
    async () => {
      const dataDir = tempDataDir();
      const first = await startProductionServer({ dataDir, env: { ADMIN_USERNAME: '', ADMIN_PASSWORD: '' } });
      const password = /Admin login: admin \/ (\S+) \(generated/.exec(first.output())?.[1];
      expect(password, first.output()).toBeTruthy();
      const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
      expect(
        (await request(first.url, 'GET', '/api/users/self', { headers: { authorization: auth } })).json
          .is_superuser,
      ).toBe(true);
      await first.stop();

      const again = await startProductionServer({
        dataDir,
        databaseUrl: first.databaseUrl,
        env: { ADMIN_USERNAME: '', ADMIN_PASSWORD: '' },
      });
      expect(again.output()).not.toContain(password!);
      expect(again.output()).toMatch(/Admin login: admin \(password as set earlier/);
      expect(
        (await request(again.url, 'GET', '/api/users/self', { headers: { authorization: auth } })).status,
      ).toBe(200);
      await again.stop();

      const configured = await startProductionServer({
        env: { ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'configured-secret-9' },
      });
      expect(configured.output()).not.toContain('configured-secret-9');
      expect(configured.output()).toMatch(/Admin login: boss \(password from ADMIN_PASSWORD\)/);
      await configured.stop();
    },
  );
});

describe.runIf(!process.env.DATABASE_URL)('the embedded database', () => {
  it(
    'is opened by one process only; a restart one second after kill -9 succeeds',
    { timeout: 180_000 },
    async () => {
      const dataDir = tempDataDir();
      const first = await startProductionServer({ dataDir, databaseUrl: null });
      const second = await startProductionServer({ dataDir, databaseUrl: null, waitFor: null });
      expect(await second.exited, second.output()).toBe(1);
      expect(second.output()).toMatch(new RegExp(`already in use by process ${first.pid}`));
      expect((await request(first.url, 'GET', '/api/health')).status).toBe(200);

      await first.stop('SIGKILL');
      await new Promise((r) => setTimeout(r, 1000));
      const restarted = await startProductionServer({ dataDir, databaseUrl: null });
      expect((await request(restarted.url, 'GET', '/api/health')).status).toBe(200);
      await restarted.stop();
    },
  );
});
