import { transaction } from '@/db/transaction';
import { readBody } from '@/lib/http/parse';
import { apiRoute, json, listRoute } from '@/lib/http/route';
import { createOrganization, organizationList } from '@/lib/organizations/organizations';
import { createOrganizationSchema } from '@/lib/organizations/schemas';

export const GET = listRoute(organizationList);

export const POST = apiRoute(async ({ req, db, actor }) => {
  const input = await readBody(req, createOrganizationSchema);
  return json(await transaction(db, (tx) => createOrganization(tx, actor, input)), 201);
});
