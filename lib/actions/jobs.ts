'use server';

import { transaction } from '@/db/transaction';
import { parseInput } from '@/lib/http/parse';
import { updateJob } from '@/lib/jobs/jobs';
import { updateJobSchema } from '@/lib/jobs/schemas';
import { idOf, runAction, type ActionScope } from './run-action';

/** PATCH /api/jobs/{id} from the task and job pages (assignee, stage, state). */
export async function updateJobAction(scope: ActionScope, id: unknown, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const jobId = idOf(id);
    const body = parseInput(updateJobSchema, input);
    return transaction(db, (tx) => updateJob(tx, actor, jobId, body));
  });
}
