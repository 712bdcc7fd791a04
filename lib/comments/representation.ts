import type { Tx } from '@/db/client';
import type { comments } from '@/db/schema';
import { iso } from '@/lib/http/dates';
import { loadBasicUsers, pick } from '@/lib/users/load-basic-users';

export type CommentRow = typeof comments.$inferSelect;

export async function representComments(tx: Tx, rows: CommentRow[], baseUrl: string) {
  if (rows.length === 0) return [];
  const people = await loadBasicUsers(
    tx,
    rows.map((c) => c.ownerId),
    baseUrl,
  );
  return rows.map((c) => ({
    url: `${baseUrl}/api/comments/${c.id}`,
    id: c.id,
    issue: c.issueId,
    owner: pick(people, c.ownerId),
    message: c.message,
    created_date: iso(c.createdDate),
    updated_date: iso(c.updatedDate),
  }));
}

export type CommentRepresentation = Awaited<ReturnType<typeof representComments>>[number];
