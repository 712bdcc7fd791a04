import pkg from '@/package.json';

/** `GET /api/server/about`, as CVAT's: what this server is. */
export const ABOUT = {
  name: 'Herald',
  version: pkg.version,
  description: pkg.description,
} as const;
