import { z } from 'zod';
import { EVENT_CATALOG, findEvent, type CatalogEntry } from './events';

/**
 * The payload of each catalog event, as a zod schema (its JSON Schema is `GET /api/webhooks/events/{key}/schema`)
 * and as an example (what "Send example" sends). Both follow from the event's resource: the schemas below
 * describe the representations `GET /api/<resource>s/{id}` returns, and the tests parse the real payloads
 * of every event with them (lib/webhooks/event-payloads.test.ts), so that they cannot drift apart.
 */

const date = z.iso.datetime().meta({ description: 'ISO-8601 UTC' });
const id = z.number().int();

export const basicUserSchema = z
  .strictObject({ url: z.string(), id, username: z.string(), first_name: z.string(), last_name: z.string() })
  .meta({ id: 'BasicUser', description: 'A user inside another object.' });
const person = basicUserSchema.nullable();
const storage = z.strictObject({ id, location: z.literal('local'), cloud_storage_id: z.null() }).nullable();
const label = z.strictObject({
  id,
  name: z.string(),
  color: z.string(),
  attributes: z.array(z.never()),
  type: z.string(),
  sublabels: z.array(z.never()),
  has_parent: z.literal(false),
});
const summary = z.strictObject({ count: z.number().int(), url: z.string() });

export const userSchema = z.strictObject({
  url: z.string(),
  id,
  username: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string().optional().meta({
    description: 'Shown to the user themself and to administrators (always in server webhook payloads).',
  }),
  is_staff: z.boolean(),
  is_superuser: z.boolean(),
  is_active: z.boolean(),
  last_login: date.nullable(),
  date_joined: date,
});

export const organizationSchema = z.strictObject({
  url: z.string(),
  id,
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  contact: z.record(z.string(), z.unknown()),
  owner: person,
  created_date: date,
  updated_date: date,
});

const role = z.enum(['owner', 'maintainer', 'supervisor', 'worker']);

export const membershipSchema = z.strictObject({
  url: z.string(),
  id,
  user: person,
  organization: id,
  role,
  is_active: z.boolean(),
  joined_date: date.nullable(),
  invitation: z.string().nullable(),
});

export const invitationSchema = z.strictObject({
  key: z.string(),
  created_date: date,
  owner: person,
  role,
  user: person,
  email: z.string(),
  organization: id,
  expired: z.boolean(),
  accepted: z.boolean(),
  organization_info: z.strictObject({ id, slug: z.string(), name: z.string() }).nullable(),
});

export const projectSchema = z.strictObject({
  url: z.string(),
  id,
  name: z.string(),
  labels: z.array(label),
  tasks: summary,
  owner: person,
  assignee: person,
  bug_tracker: z.string(),
  created_date: date,
  updated_date: date,
  status: z.string(),
  dimension: z.string().nullable(),
  organization: id.nullable(),
  target_storage: storage,
  source_storage: storage,
  assignee_updated_date: date.nullable(),
});

const jobStage = z.enum(['annotation', 'validation', 'acceptance']);
const jobState = z.enum(['new', 'in progress', 'completed', 'rejected']);

export const taskSchema = z.strictObject({
  url: z.string(),
  id,
  name: z.string(),
  project_id: id.nullable(),
  mode: z.string(),
  owner: person,
  assignee: person,
  bug_tracker: z.string(),
  created_date: date,
  updated_date: date,
  overlap: z.number().int().nullable(),
  segment_size: z.number().int(),
  status: z.string(),
  labels: z.array(label),
  segments: z.array(
    z.strictObject({
      start_frame: z.number().int(),
      stop_frame: z.number().int(),
      jobs: z.array(
        z.strictObject({
          url: z.string(),
          id,
          assignee: person,
          status: z.string(),
          stage: jobStage,
          state: jobState,
        }),
      ),
    }),
  ),
  data_chunk_size: z.number().int().nullable().optional(),
  data_compressed_chunk_type: z.string().optional(),
  data_original_chunk_type: z.string().optional(),
  size: z.number().int().optional(),
  image_quality: z.number().int().optional(),
  data: id.optional(),
  dimension: z.string(),
  subset: z.string(),
  organization: id.nullable(),
  target_storage: storage,
  source_storage: storage,
  jobs: z.strictObject({
    count: z.number().int(),
    completed: z.number().int(),
    validation: z.number().int(),
    url: z.string(),
  }),
});

export const jobSchema = z.strictObject({
  url: z.string(),
  id,
  task_id: id,
  project_id: id.nullable(),
  assignee: person,
  stage: jobStage,
  state: jobState,
  status: z.string(),
  start_frame: z.number().int(),
  stop_frame: z.number().int(),
  frame_count: z.number().int(),
  mode: z.string(),
  dimension: z.string(),
  bug_tracker: z.string().nullable(),
  organization: id.nullable(),
  created_date: date,
  updated_date: date,
  assignee_updated_date: date.nullable(),
  issues: summary,
  type: z.string(),
});

export const issueSchema = z.strictObject({
  url: z.string(),
  id,
  frame: z.number().int(),
  position: z.array(z.number()),
  job: id,
  owner: person,
  assignee: person,
  resolved: z.boolean(),
  created_date: date,
  updated_date: date,
  comments: summary,
});

export const commentSchema = z.strictObject({
  url: z.string(),
  id,
  issue: id,
  owner: person,
  message: z.string(),
  created_date: date,
  updated_date: date,
});

export const RESOURCE_SCHEMAS = {
  user: userSchema,
  organization: organizationSchema,
  membership: membershipSchema,
  invitation: invitationSchema,
  project: projectSchema,
  task: taskSchema,
  job: jobSchema,
  issue: issueSchema,
  comment: commentSchema,
} as const;
export type PayloadResource = keyof typeof RESOURCE_SCHEMAS;
type Examples = { [R in PayloadResource]: z.infer<(typeof RESOURCE_SCHEMAS)[R]> };

function resourceOf(entry: CatalogEntry): PayloadResource {
  return entry.key.split(':')[1] as PayloadResource;
}

/** The payload schema of a catalog event: webhooks.md's create/update/delete shapes around its resource. */
export function payloadSchemaOf(entry: CatalogEntry) {
  const [action, resource] = entry.key.split(':') as [string, PayloadResource];
  const partial = RESOURCE_SCHEMAS[resource].partial();
  return z
    .strictObject({
      event: z.literal(entry.key),
      [resource]: RESOURCE_SCHEMAS[resource],
      ...(action === 'update'
        ? {
            before_update: partial.meta({
              description: 'The keys whose value changed (updated_date aside), with their old values.',
            }),
            changes: z
              .record(z.string(), z.strictObject({ from: z.unknown(), to: z.unknown() }))
              .meta({ description: 'The same keys as {key: {from, to}}.' }),
          }
        : {}),
      webhook_id: id.meta({ description: 'The webhook this request is for.' }),
      sender: person.meta({ description: 'Who caused the event (null for a system action).' }),
    })
    .meta({ title: entry.key, description: entry.description });
}

/** The JSON Schema (draft 2020-12) of an event's payload; null for a key outside the catalog. */
export function jsonSchemaOf(key: string) {
  const entry = findEvent(key);
  return entry ? z.toJSONSchema(payloadSchemaOf(entry), { io: 'output', unrepresentable: 'any' }) : null;
}

const BASE = 'http://localhost:8080';
const ADMIN = {
  url: `${BASE}/api/users/1`,
  id: 1,
  username: 'admin1',
  first_name: 'Admin',
  last_name: 'First',
};
const LABEL = {
  id: 28,
  name: 'label_0',
  color: '#bde94a',
  attributes: [],
  type: 'any',
  sublabels: [],
  has_parent: false as const,
};
const STORAGE = (n: number) => ({ id: n, location: 'local' as const, cloud_storage_id: null });
const CREATED = '2022-10-04T08:05:50.419Z';
const UPDATED = '2022-10-04T11:04:51.451Z';

/** One representation of each resource, the seed's where it has one (a task of project 7, in organization 2). */
const EXAMPLES: Examples = {
  user: {
    ...ADMIN,
    url: `${BASE}/api/users/5`,
    id: 5,
    username: 'jdoe',
    first_name: 'Jane',
    last_name: 'Doe',
    email: 'jane@example.com',
    is_staff: false,
    is_superuser: false,
    is_active: true,
    last_login: null,
    date_joined: CREATED,
  },
  organization: {
    url: `${BASE}/api/organizations/2`,
    id: 2,
    slug: 'acme',
    name: 'Acme',
    description: '',
    contact: { email: 'team@acme.example' },
    owner: ADMIN,
    created_date: CREATED,
    updated_date: UPDATED,
  },
  membership: {
    url: `${BASE}/api/memberships/9`,
    id: 9,
    user: {
      ...ADMIN,
      url: `${BASE}/api/users/5`,
      id: 5,
      username: 'jdoe',
      first_name: 'Jane',
      last_name: 'Doe',
    },
    organization: 2,
    role: 'supervisor',
    is_active: true,
    joined_date: UPDATED,
    invitation: 'qZ1xQ3kYwE',
  },
  invitation: {
    key: 'qZ1xQ3kYwE',
    created_date: CREATED,
    owner: ADMIN,
    role: 'worker',
    user: null,
    email: 'jane@example.com',
    organization: 2,
    expired: false,
    accepted: false,
    organization_info: { id: 2, slug: 'acme', name: 'Acme' },
  },
  project: {
    url: `${BASE}/api/projects/7`,
    id: 7,
    name: 'Street scenes',
    labels: [LABEL],
    tasks: { count: 1, url: `${BASE}/api/tasks?project_id=7` },
    owner: ADMIN,
    assignee: null,
    bug_tracker: '',
    created_date: CREATED,
    updated_date: UPDATED,
    status: 'annotation',
    dimension: '2d',
    organization: 2,
    target_storage: STORAGE(12),
    source_storage: STORAGE(11),
    assignee_updated_date: null,
  },
  task: {
    url: `${BASE}/api/tasks/15`,
    id: 15,
    name: 'new task name',
    project_id: 7,
    mode: 'annotation',
    owner: ADMIN,
    assignee: null,
    bug_tracker: '',
    created_date: CREATED,
    updated_date: UPDATED,
    overlap: 0,
    segment_size: 1,
    status: 'annotation',
    labels: [LABEL],
    segments: [
      {
        start_frame: 0,
        stop_frame: 0,
        jobs: [
          {
            url: `${BASE}/api/jobs/19`,
            id: 19,
            assignee: null,
            status: 'annotation',
            stage: 'annotation',
            state: 'new',
          },
        ],
      },
    ],
    data_chunk_size: 14,
    data_compressed_chunk_type: 'imageset',
    data_original_chunk_type: 'imageset',
    size: 1,
    image_quality: 70,
    data: 14,
    dimension: '2d',
    subset: '',
    organization: 2,
    target_storage: STORAGE(14),
    source_storage: STORAGE(13),
    jobs: { count: 1, completed: 0, validation: 0, url: `${BASE}/api/jobs?task_id=15` },
  },
  job: {
    url: `${BASE}/api/jobs/19`,
    id: 19,
    task_id: 15,
    project_id: 7,
    assignee: ADMIN,
    stage: 'annotation',
    state: 'in progress',
    status: 'annotation',
    start_frame: 0,
    stop_frame: 0,
    frame_count: 1,
    mode: 'annotation',
    dimension: '2d',
    bug_tracker: null,
    organization: 2,
    created_date: CREATED,
    updated_date: UPDATED,
    assignee_updated_date: UPDATED,
    issues: { count: 1, url: `${BASE}/api/issues?job_id=19` },
    type: 'annotation',
  },
  issue: {
    url: `${BASE}/api/issues/3`,
    id: 3,
    frame: 0,
    position: [12.5, 40, 98, 120.25],
    job: 19,
    owner: ADMIN,
    assignee: null,
    resolved: true,
    created_date: CREATED,
    updated_date: UPDATED,
    comments: { count: 1, url: `${BASE}/api/comments?issue_id=3` },
  },
  comment: {
    url: `${BASE}/api/comments/4`,
    id: 4,
    issue: 3,
    owner: ADMIN,
    message: 'The box is off by a few pixels',
    created_date: CREATED,
    updated_date: UPDATED,
  },
};

/**
 * The example payload of a catalog event, in the key order of real ones (lib/webhooks/payloads.ts), for
 * this webhook and sender. An update's `before_update` is the entry's `example`.
 */
export function examplePayloadOf(
  entry: CatalogEntry,
  webhookId: number,
  sender: z.infer<typeof basicUserSchema> | null,
): Record<string, unknown> {
  const resource = resourceOf(entry);
  const representation = EXAMPLES[resource] as Record<string, unknown>;
  const payload: Record<string, unknown> = { event: entry.key, [resource]: representation };
  if ('example' in entry) {
    const before: Record<string, unknown> = entry.example;
    payload.before_update = before;
    payload.changes = Object.fromEntries(
      Object.entries(before).map(([k, from]) => [k, { from, to: representation[k] ?? null }]),
    );
  }
  payload.webhook_id = webhookId;
  payload.sender = sender;
  return payload;
}

/** Every catalog entry, checked at load: an event's resource needs a schema and an example. */
for (const entry of EVENT_CATALOG)
  if (!(resourceOf(entry) in RESOURCE_SCHEMAS)) throw new Error(`No payload schema for ${entry.key}`);
