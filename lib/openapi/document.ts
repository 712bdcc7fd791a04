import { z, type ZodType } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@/lib/http/pagination';
import { ABOUT } from '@/lib/server/about';
import { describeFilter, OPERATIONS, type Operation } from './operations';

const ERROR = z.record(z.string(), z.union([z.array(z.string()), z.string()])).meta({
  id: 'ErrorBody',
  description:
    'CVAT\'s error shape: `{field: ["message"]}`, `{"non_field_errors": [...]}` or `{"detail": "..."}`.',
});

const OBJECT = z
  .looseObject({})
  .meta({ description: 'See the Herald documentation for the shape of each resource.' });

const PAGINATED = z
  .object({
    count: z.number().int(),
    next: z.string().nullable().meta({ description: 'Absolute URL of the next page, or null.' }),
    previous: z.string().nullable().meta({ description: 'Absolute URL of the previous page, or null.' }),
    results: z.array(OBJECT),
  })
  .meta({ id: 'PaginatedList' });

const ORG_CONTEXT: Record<string, ZodType> = {
  org: z.string().optional().meta({ description: 'Organization unique slug' }),
  org_id: z
    .string()
    .optional()
    .meta({ description: 'Organization identifier (empty: the personal workspace)' }),
};

function listQuery(op: Operation): Record<string, ZodType> {
  if (!op.list) return {};
  const query: Record<string, ZodType> = {
    page: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'A page number within the paginated result set.' }),
    page_size: z
      .union([z.number().int().min(1), z.literal('all')])
      .optional()
      .meta({
        description: `Number of results to return per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}, or "all").`,
      }),
  };
  if (op.list.filterFields) {
    query.sort = z.string().optional().meta({
      description: 'Which fields to use when ordering the results, comma-separated; `-` for descending.',
    });
    query.search = z.string().max(256).optional().meta({ description: 'A search term.' });
    query.filter = z
      .string()
      .optional()
      .meta({ description: describeFilter(op.list.filterFields) });
  }
  for (const name of op.list.simpleFilters)
    query[name] = z
      .string()
      .optional()
      .meta({ description: `A simple equality filter for the ${name} field` });
  return query;
}

function operationObject(op: Operation): ZodOpenApiOperationObject {
  const query = { ...(op.orgContext ? ORG_CONTEXT : {}), ...listQuery(op), ...(op.query ?? {}) };
  const responses: ZodOpenApiOperationObject['responses'] = {
    [op.status]:
      op.status === 204
        ? { description: op.response }
        : {
            description: op.response,
            content: { 'application/json': { schema: op.list ? PAGINATED : OBJECT } },
          },
    400: { description: 'Invalid input, named by field', content: { 'application/json': { schema: ERROR } } },
    ...(op.isPublic
      ? {}
      : { 401: { description: 'No valid credentials' }, 403: { description: 'Not allowed' } }),
    ...(op.pathParams ? { 404: { description: 'Not found' } } : {}),
  };
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.tag],
    ...(op.isPublic ? { security: [] } : {}),
    requestParams: {
      ...(op.pathParams ? { path: z.object(op.pathParams) } : {}),
      ...(Object.keys(query).length ? { query: z.object(query) } : {}),
      ...(op.orgContext
        ? {
            header: z.object({
              'X-Organization': z.string().optional().meta({ description: 'Organization unique slug' }),
            }),
          }
        : {}),
    },
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } }
      : {}),
    ...(op.multipart
      ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: op.multipart } } } }
      : {}),
    responses,
  };
}

let built: ReturnType<typeof build> | undefined;

/**
 * The OpenAPI 3.1 document of Herald's API, built from OPERATIONS (and so from the routes' zod schemas) once
 * per process; only `servers` follows the request.
 */
export function buildOpenApiDocument(baseUrl: string) {
  built ??= build();
  return { ...built, servers: [{ url: baseUrl }] };
}

function build() {
  const paths: ZodOpenApiPathsObject = {};
  for (const op of OPERATIONS) paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op) };
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Herald REST API',
        version: ABOUT.version,
        description: `${ABOUT.description}. Compatible with CVAT's REST API for the same resources.`,
      },
      security: [{ basicAuth: [] }, { tokenAuth: [] }, { sessionAuth: [] }],
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic' },
          tokenAuth: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: '`Token <key>`, with a key from POST /api/auth/login',
          },
          sessionAuth: {
            type: 'apiKey',
            in: 'cookie',
            name: 'authjs.session-token',
            description: 'The browser session of the sign-in page',
          },
        },
      },
      paths,
    },
    { allowEmptySchema: { custom: true, any: true, unknown: true } },
  );
}
