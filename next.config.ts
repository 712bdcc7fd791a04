import type { NextConfig } from 'next';
import { SECURITY_HEADERS } from './lib/http/security-headers';

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules, not bundled. The sign-in
  // throttle's store (rate-limiter-flexible) imports drizzle-orm at run time: both come from node_modules,
  // so that it and Herald share one drizzle.
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'drizzle-orm', 'rate-limiter-flexible'],
  poweredByHeader: false,
  // CVAT clients call /api/tasks; a trailing slash is tolerated by redirect.
  trailingSlash: false,
  // The same headers scripts/start.mjs's server sets (lib/http/server.ts), for `next start` and `next dev`.
  async headers() {
    return [{ source: '/:path*', headers: Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key, value })) }];
  },
};

export default nextConfig;
