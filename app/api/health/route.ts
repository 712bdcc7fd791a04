import { getDb } from '@/db/client';
import { sql } from 'drizzle-orm';
import { errorResponse, json } from '@/lib/http/route';

/** Ready when the database answers: load balancers and test harnesses wait on it. */
export async function GET() {
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return json({ status: 'ok' });
  } catch (error) {
    return errorResponse(error);
  }
}
