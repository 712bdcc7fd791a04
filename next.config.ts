import type { NextConfig } from 'next';
import { SECURITY_HEADERS } from './lib/http/security-headers';
import { PAGE_UPLOAD_MAX_BYTES } from './lib/tasks/upload-limits';

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules, not bundled. The sign-in
  // throttle's store (rate-limiter-flexible) imports drizzle-orm at run time: both come from node_modules,
  // so that it and Herald share one drizzle. pino and prom-client too: one copy per process, shared by
  // every bundle and by lib/http/server.ts (their logger and registry live on globalThis).
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pg',
    'drizzle-orm',
    'rate-limiter-flexible',
    'pino',
    'prom-client',
  ],
  poweredByHeader: false,
  // CVAT clients call /api/tasks; a trailing slash is tolerated by redirect.
  trailingSlash: false,
  experimental: {
    // The task page uploads its images through a server action; every other action sends a small JSON body.
    // Next holds an action's body in memory, so this stays far below the REST upload limit (upload-limits.ts).
    serverActions: { bodySizeLimit: PAGE_UPLOAD_MAX_BYTES },
  },
  // The headers `npm start`'s server sets on every answer, for `next start` and `next dev` too.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key, value })),
      },
    ];
  },
};

export default nextConfig;
