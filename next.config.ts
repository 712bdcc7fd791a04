import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  poweredByHeader: false,
  // CVAT clients call /api/tasks; a trailing slash is tolerated by redirect.
  trailingSlash: false,
};

export default nextConfig;
