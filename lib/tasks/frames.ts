import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { frames } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { invalid, notFound } from '@/lib/http/errors';
import { loadTask } from './tasks';

export async function findTaskFrame(db: Db, actor: Actor, taskId: number, number: number) {
  const task = await loadTask(db, actor, taskId, 'view');
  if (task.dataId === null) throw notFound('This task has no data yet.');
  const [frame] = await db
    .select()
    .from(frames)
    .where(and(eq(frames.taskId, taskId), eq(frames.frame, number)));
  if (!frame) throw invalid('number', `The frame number must be between 0 and the task size minus one.`);
  return frame;
}
