// Serves the production build in this process (no orphaned next-server when it is stopped or killed).
import fs from 'node:fs';
import http from 'node:http';
import next from 'next';

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || '0.0.0.0';

if (!fs.existsSync('.next/BUILD_ID')) {
  console.error('No production build found: run `npm run build` first (or `npm ci && npm run build && npm start`).');
  process.exit(1);
}

const app = next({ dev: false, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
const server = http.createServer((req, res) => handle(req, res));
server.listen(port, hostname, () => console.log(`  Listening on http://${hostname}:${port}`));
