import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { settings } from '@/lib/config/settings';

/**
 * Housekeeping: delivery records past retention go, and so do retired webhooks (of deleted projects)
 * once nothing is left to deliver for them.
 */
export async function sweepDeliveries(db: Db): Promise<void> {
  await db.execute(sql`
    delete from webhook_deliveries
    where created_date < now() - make_interval(days => ${settings.deliveryRetentionDays})
      and not (state = 'pending' and status_code is null)`);
  await db.execute(sql`
    delete from webhooks w where w.retired_date is not null
      and not exists (select 1 from webhook_deliveries d where d.webhook_id = w.id and d.state = 'pending' and d.status_code is null)`);
}

/** Frees every claim on pending deliveries (only safe when no other process can hold one). */
export async function releaseOwnLeases(db: Db): Promise<void> {
  await db.execute(sql`update webhook_deliveries set lease_until = null where lease_until is not null and state = 'pending' and status_code is null`);
}
