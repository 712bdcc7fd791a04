import { notFound } from '@/lib/http/errors';
import { apiRoute, json } from '@/lib/http/route';
import { jsonSchemaOf } from '@/lib/webhooks/event-payloads';

/** The JSON Schema of one catalog event's payload, from the zod schemas of its resource. */
export const GET = apiRoute(async ({ params }) => {
  const schema = jsonSchemaOf(params.key);
  if (!schema) throw notFound(`"${params.key}" is not an event of the catalog.`);
  return json(schema);
});
