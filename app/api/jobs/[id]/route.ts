import { transaction } from '@/db/transaction';
import { parseId, readBody } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { getJob, updateJob } from '@/lib/jobs/jobs';
import { updateJobSchema } from '@/lib/jobs/schemas';

export const GET = apiRoute(async ({ db, actor, params }) =>
  json(await getJob(db, actor, parseId(params.id))),
);

export const PATCH = apiRoute(async ({ req, db, actor, params }) => {
  const id = parseId(params.id);
  const input = await readBody(req, updateJobSchema);
  return json(await transaction(db, (tx) => updateJob(tx, actor, id, input)));
});
