import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';

/**
 * A webhook's rate limit took effect or changed: its token bucket starts full, or keeps what it holds up
 * to the new size; no limit, no bucket. Claims spend the tokens (claim.ts).
 */
export async function setRateBucket(tx: Tx, webhookId: number, rateLimit: number | null): Promise<void> {
  if (rateLimit === null) {
    await tx.execute(sql`delete from webhook_rate_buckets where webhook_id = ${webhookId}`);
    return;
  }
  const size = Math.max(rateLimit / 2, 1);
  await tx.execute(sql`
    insert into webhook_rate_buckets (webhook_id, tokens) values (${webhookId}, ${size})
    on conflict (webhook_id) do update set tokens = least(webhook_rate_buckets.tokens, excluded.tokens)`);
}
