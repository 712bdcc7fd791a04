import type { NextConfig } from 'next';
import { PAGE_UPLOAD_MAX_BYTES } from './lib/tasks/upload-limits';

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  poweredByHeader: false,
  // CVAT clients call /api/tasks; a trailing slash is tolerated by redirect.
  trailingSlash: false,
  experimental: {
    // The task page uploads its images through a server action; every other action sends a small JSON body.
    // Next holds an action's body in memory, so this stays far below the REST upload limit (upload-limits.ts).
    serverActions: { bodySizeLimit: PAGE_UPLOAD_MAX_BYTES },
  },
};

export default nextConfig;
