import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules, not bundled. The sign-in
  // throttle's store (rate-limiter-flexible) imports drizzle-orm at run time: both come from node_modules,
  // so that it and Herald share one drizzle.
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'drizzle-orm', 'rate-limiter-flexible'],
  poweredByHeader: false,
  // CVAT clients call /api/tasks; a trailing slash is tolerated by redirect.
  trailingSlash: false,
  // The headers of lib/http/security-headers.ts, which `npm start`'s server sets on every answer, for
  // `next start` and `next dev` too. Written out here: at run time Next.js loads this file on its own and
  // cannot follow an import of the app's TypeScript.
  async headers() {
    const headers = [
      { key: 'X-Content-Type-Options', value: 'nosniff' },
      { key: 'Referrer-Policy', value: 'same-origin' },
      { key: 'X-Frame-Options', value: 'DENY' },
      { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
    ];
    return [{ source: '/:path*', headers }];
  },
};

export default nextConfig;
