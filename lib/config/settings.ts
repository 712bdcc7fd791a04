import path from 'node:path';

/** Every environment setting Herald reads, in one place, with its default. */
export const settings = {
  get databaseUrl(): string | undefined {
    return process.env.DATABASE_URL || undefined;
  },
  /** PGlite data directory; `memory://` keeps everything in memory (tests). */
  get dataDir(): string {
    return process.env.HERALD_DATA_DIR || path.join(process.cwd(), 'data');
  },
  /** Where uploaded images go; beside the database by default. */
  get mediaDir(): string {
    if (process.env.HERALD_MEDIA_DIR) return process.env.HERALD_MEDIA_DIR;
    const dir = settings.dataDir;
    return dir.startsWith('memory://') ? path.join(process.cwd(), 'data', 'test-media') : path.join(dir, 'media');
  },
  get publicUrl(): string | undefined {
    return process.env.PUBLIC_URL?.replace(/\/+$/, '') || undefined;
  },
  get admin() {
    return {
      username: process.env.ADMIN_USERNAME || undefined,
      password: process.env.ADMIN_PASSWORD || undefined,
      email: process.env.ADMIN_EMAIL || undefined,
    };
  },
};
