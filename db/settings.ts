import path from 'node:path';
import { z } from 'zod';
import { absent, count, flag, readSetting, text } from './setting-rules';

/**
 * The database's settings. They are read here because db/ imports nothing from lib/; lib/config/settings
 * takes them in with every other setting (checkSettings() checks these too, and `settings` has them).
 */
export const DATABASE_DEFINITIONS = {
  DATABASE_URL: z.preprocess(
    absent,
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATABASE_POOL_SIZE: count(20, 1000),
  DELIVERY_POOL_SIZE: count(4, 1000),
  DATABASE_PREPARE: flag(true),
  HERALD_DATA_DIR: text(),
  /** A dumped, migrated PGlite data directory an in-memory database starts from (the test setup's). */
  HERALD_PGLITE_SNAPSHOT: text(),
} satisfies Record<string, z.ZodType>;

const read = <N extends keyof typeof DATABASE_DEFINITIONS>(name: N) =>
  readSetting(DATABASE_DEFINITIONS, name);

export const databaseSettings = {
  get databaseUrl() {
    return read('DATABASE_URL');
  },
  get databasePoolSize() {
    return read('DATABASE_POOL_SIZE');
  },
  get deliveryPoolSize() {
    return read('DELIVERY_POOL_SIZE');
  },
  /** Prepared statements per connection; off for a transaction-mode pooler (PgBouncer). */
  get databasePrepare() {
    return read('DATABASE_PREPARE');
  },
  /** PGlite data directory; `memory://` keeps everything in memory (tests). */
  get dataDir(): string {
    return read('HERALD_DATA_DIR') || path.join(process.cwd(), 'data');
  },
  get pgliteSnapshot() {
    return read('HERALD_PGLITE_SNAPSHOT');
  },
};
