// Serves the production build in this process (no orphaned next-server when it is stopped or killed), on
// Herald's own HTTP server (lib/http/server.ts: connection caps, timeouts, body limits, security headers).
import fs from 'node:fs';
import next from 'next';
import { tsImport } from 'tsx/esm/api';

if (!fs.existsSync('.next/BUILD_ID')) {
  console.error(
    'No production build found: run `npm run build` first (or `npm ci && npm run build && npm start`).',
  );
  process.exit(1);
}

// Next reads next.config.ts, and the TypeScript files it imports, with its own require hook, which cannot
// resolve them once tsx's hooks are registered: so Next is prepared before any of Herald's modules is loaded.
// It is given the raw PORT and HOSTNAME (its own defaults otherwise); the settings check below judges them.
const app = next({
  dev: false,
  hostname: process.env.HOSTNAME || undefined,
  port: Number(process.env.PORT) || undefined,
});
const handle = app.getRequestHandler();
await app.prepare();

const { checkSettings, settings, SettingsError } = await tsImport(
  '../lib/config/settings.ts',
  import.meta.url,
);
try {
  checkSettings();
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(`\n[herald] ${error.message}\n`);
  process.exit(1);
}
const { createHeraldServer, learnAllowedMethods } = await tsImport('../lib/http/server.ts', import.meta.url);

const { port, hostname } = settings;
const server = createHeraldServer(handle);
// A deep accept queue: a burst of connections is taken in (and capped) by the server, not dropped by the kernel.
server.listen(port, hostname, 2048, async () => {
  await learnAllowedMethods(server);
  console.log(`  Listening on http://${hostname}:${port}`);
});
