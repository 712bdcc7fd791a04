import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * delivery.md: the three delivery tables are owned by one module that writes every statement on them.
 * This keeps it so: outside lib/webhooks/queue/ (and the schema and migrations that define them), no
 * product code names them. Tests may look at the rows (lib/testing/delivery-rows.ts).
 */
const ROOTS = ['app', 'components', 'lib', 'db', 'scripts', 'instrumentation.ts'];
const ALLOWED = [
  'lib/webhooks/queue/',
  'db/schema/webhook-queue.ts',
  'db/schema/index.ts',
  'db/migrations/',
  'lib/testing/delivery-rows.ts',
];
const NAMES =
  /\b(webhook_messages|webhook_deliveries|webhook_attempts|webhook_rate_buckets|webhookMessages|webhookDeliveries|webhookAttempts|webhookRateBuckets)\b/;

function filesUnder(entry: string): string[] {
  if (!fs.existsSync(entry)) return [];
  if (fs.statSync(entry).isFile()) return [entry];
  return fs.readdirSync(entry, { withFileTypes: true }).flatMap((d) => filesUnder(path.join(entry, d.name)));
}

describe('the delivery tables', () => {
  it('are named by no code outside the module that owns them', () => {
    const offenders = ROOTS.flatMap(filesUnder)
      .filter((f) => /\.(ts|tsx|mjs)$/.test(f) && !f.endsWith('.test.ts'))
      .filter((f) => !ALLOWED.some((a) => f.startsWith(a)))
      .filter((f) => NAMES.test(fs.readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the check itself finds a file that names them', () => {
    expect(NAMES.test(fs.readFileSync('lib/webhooks/queue/claim.ts', 'utf8'))).toBe(true);
  });
});
