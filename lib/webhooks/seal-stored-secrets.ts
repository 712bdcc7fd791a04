import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { queryRows } from '@/db/raw';
import { isSealed, openSecret, sealSecret } from '@/lib/crypto/secret-box';

/**
 * Encrypts the webhook secrets stored before secrets were encrypted at rest, at every start (a no-op
 * once done). A data migration, but in TypeScript at start rather than in the SQL migrations: the key
 * lives outside the database by design (a dump must not hold it), PGlite has no pgcrypto, and the SQL
 * migrations must run the same with or without a key. Each row is rewritten only if it still holds
 * the plaintext read, so processes starting together on one PostgreSQL never seal a value twice.
 *
 * Then checks that the key opens a sealed secret: a lost or changed key stops the start with a message
 * instead of failing every signed delivery.
 */
export async function sealStoredSecrets(db: Db): Promise<number> {
  const rows = await queryRows<{ id: number; secret: string | null; previousSecret: string | null }>(
    db,
    sql`
    select id, secret, previous_secret as "previousSecret" from webhooks
    where (secret is not null and secret not like 'hsb1:%') or (previous_secret is not null and previous_secret not like 'hsb1:%')`,
  );
  for (const row of rows) {
    const seal = (value: string | null) => (value === null || isSealed(value) ? value : sealSecret(value));
    await db.execute(sql`
      update webhooks set secret = ${seal(row.secret)}, previous_secret = ${seal(row.previousSecret)}
      where id = ${row.id} and secret is not distinct from ${row.secret} and previous_secret is not distinct from ${row.previousSecret}`);
  }
  const [sample] = await queryRows<{ secret: string }>(
    db,
    sql`select secret from webhooks where secret like 'hsb1:%' limit 1`,
  );
  if (sample) openSecret(sample.secret);
  return rows.length;
}
