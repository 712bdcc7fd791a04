import { choiceMessage } from '@/lib/http/choice';
import { z } from '@/lib/validation/zod';
import { EVENT_KEYS, eventsFor, WEBHOOK_TYPES, type WebhookType } from './events';

export const SECRET_MAX = 64;
/** Requests per second; beyond this a limit protects nobody. */
export const RATE_LIMIT_MAX = 10_000;
export const ORDERINGS = ['unordered', 'fifo'] as const;
export const DESCRIPTION_MAX = 128;
export const TARGET_URL_MAX = 8192;
/** Custom headers per webhook (operations.md). */
export const HEADERS_MAX = 20;
export const HEADER_NAME_MAX = 128;
/** Long enough for a JWT bearer token; a receiver's proxy refuses header sections much beyond 8 KiB. */
export const HEADER_VALUE_MAX = 4096;
/** What responses show for a custom header's value, and what a PATCH sends to keep the stored one. */
export const MASKED_VALUE = '********';

/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Herald's own headers, the ones HTTP itself manages, and the hop-by-hop ones: never set by a webhook. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-type',
  'content-length',
  'user-agent',
  'x-signature-256',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'expect',
]);
const RESERVED_PREFIXES = ['webhook-', 'x-herald-', 'proxy-'];

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p));
}

const headers = z
  .record(z.string(), z.string({ error: 'A header value must be a string.' }), {
    error: 'Send headers as an object of {name: value}.',
  })
  .superRefine((value, ctx) => {
    const names = Object.keys(value);
    if (names.length > HEADERS_MAX)
      ctx.addIssue({ code: 'custom', message: `At most ${HEADERS_MAX} custom headers.` });
    const seen = new Set<string>();
    for (const name of names) {
      const v = value[name];
      if (!HEADER_NAME.test(name) || name.length > HEADER_NAME_MAX) {
        ctx.addIssue({
          code: 'custom',
          message: `"${name.slice(0, HEADER_NAME_MAX)}" is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~, at most ${HEADER_NAME_MAX}).`,
        });
      } else if (isReservedHeader(name)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${name}" is reserved: Herald sets it (or HTTP does) and a webhook may not.`,
        });
      } else if (seen.has(name.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          message: `"${name}" is given twice (header names are case-insensitive).`,
        });
      }
      seen.add(name.toLowerCase());
      // The value itself never goes into a message: it is as secret as the webhook's secret.
      if (v.length > HEADER_VALUE_MAX)
        ctx.addIssue({
          code: 'custom',
          message: `The value of "${name}" is longer than ${HEADER_VALUE_MAX} characters.`,
        });
      else if (/[\r\n\0]/.test(v))
        ctx.addIssue({ code: 'custom', message: `The value of "${name}" may not contain CR, LF or NUL.` });
      else if (v.trim() === '')
        ctx.addIssue({ code: 'custom', message: `The value of "${name}" may not be empty.` });
    }
  });

/** RFC 1123 labels (and `_`, common in service names); IP literals are checked by the URL parser. */
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
function isValidHost(hostname: string): boolean {
  if (hostname.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname)) return true;
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => HOST_LABEL.test(label));
}

const targetUrl = z
  .string({
    error: (i) =>
      i.input === undefined
        ? 'This field is required.'
        : i.input === null
          ? 'This field may not be null.'
          : 'Enter a valid URL.',
  })
  .trim()
  .min(1, 'Target URL cannot be empty')
  .max(TARGET_URL_MAX, `Ensure this field has no more than ${TARGET_URL_MAX} characters.`)
  .refine((value) => {
    // The WHATWG parser skips missing slashes and an empty authority (`http:///path` gets the host
    // `path`); like Django's URLValidator (CVAT), the host must be written where it belongs.
    if (!/^https?:\/\/[^/?#\\]/i.test(value)) return false;
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && isValidHost(url.hostname);
    } catch {
      return false;
    }
  }, 'Enter a valid URL with an http or https scheme and a host.')
  // Credentials in the URL would be shown to everyone who may see the webhook (and logged by proxies).
  .refine((value) => {
    try {
      const url = new URL(value);
      return !url.username && !url.password;
    } catch {
      return true;
    }
  }, 'A target URL may not contain credentials (user:password@host): send them in a custom Authorization header instead.');

const events = z
  .array(z.string().max(64))
  .max(EVENT_KEYS.length * 2)
  .superRefine((keys, ctx) => {
    for (const key of keys) {
      if (!(EVENT_KEYS as readonly string[]).includes(key))
        ctx.addIssue({ code: 'custom', message: choiceMessage(key) });
    }
  });

const fields = {
  target_url: targetUrl,
  description: z
    .string()
    .max(DESCRIPTION_MAX, `Ensure this field has no more than ${DESCRIPTION_MAX} characters.`),
  content_type: z.literal('application/json', {
    error: (issue) => choiceMessage(String(issue.input)),
  }),
  secret: z.string().max(SECRET_MAX, `Ensure this field has no more than ${SECRET_MAX} characters.`),
  is_active: z.boolean(),
  enable_ssl: z.boolean(),
  events,
  rate_limit: z
    .number({
      error: (i) =>
        i.input === undefined
          ? 'This field is required.'
          : 'A whole number of requests per second, or null for no limit.',
    })
    .int('A whole number of requests per second, or null for no limit.')
    .min(1, 'Ensure this value is greater than or equal to 1.')
    .max(RATE_LIMIT_MAX, `Ensure this value is less than or equal to ${RATE_LIMIT_MAX}.`)
    .nullable(),
  ordering: z.enum(ORDERINGS, {
    error: (i) => choiceMessage(String(i.input), { hint: 'Use unordered or fifo.' }),
  }),
  headers,
};

/** webhooks.md's message when a known key is not allowed for the webhook's type; null when all are. */
export function invalidEventsMessage(type: WebhookType, keys: string[]): string | null {
  const allowed = new Set<string>(eventsFor(type).map((e) => e.key));
  const isInvalid = keys.some((k) => (EVENT_KEYS as readonly string[]).includes(k) && !allowed.has(k));
  return isInvalid ? `Invalid events list for ${type} webhook` : null;
}

// Read-only fields a client may send back unchanged (CVAT's SDK does on PUT); they are ignored.
const readOnly = {
  id: z.unknown().optional(),
  url: z.unknown().optional(),
  owner: z.unknown().optional(),
  organization: z.unknown().optional(),
  created_date: z.unknown().optional(),
  updated_date: z.unknown().optional(),
  last_status: z.unknown().optional(),
  last_delivery_date: z.unknown().optional(),
  disabled_reason: z.unknown().optional(),
  health: z.unknown().optional(),
};

export const createWebhookSchema = z
  .strictObject({
    ...readOnly,
    target_url: fields.target_url,
    description: fields.description.optional().default(''),
    type: z.enum(WEBHOOK_TYPES, {
      error: (i) => (i.input === undefined ? 'This field is required.' : choiceMessage(String(i.input))),
    }),
    content_type: fields.content_type.optional().default('application/json'),
    secret: fields.secret.optional().default(''),
    is_active: fields.is_active.optional().default(true),
    enable_ssl: fields.enable_ssl.optional().default(true),
    project_id: z.number().int().positive().max(2147483647).nullable().optional(),
    events: fields.events,
    rate_limit: fields.rate_limit.optional().default(null),
    ordering: fields.ordering.optional().default('unordered'),
    headers: fields.headers.optional().default({}),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'project' && v.project_id == null)
      ctx.addIssue({
        code: 'custom',
        path: ['project_id'],
        message: 'A project webhook needs a project_id.',
      });
    if (v.type !== 'project' && v.project_id != null) {
      ctx.addIssue({
        code: 'custom',
        path: ['project_id'],
        message: `An ${v.type} webhook cannot have a project_id.`,
      });
    }
    for (const [name, value] of Object.entries(v.headers ?? {})) {
      if (value === MASKED_VALUE)
        ctx.addIssue({
          code: 'custom',
          path: ['headers'],
          message: `"${name}" has no stored value to keep: send its value.`,
        });
    }
    const message = v.events ? invalidEventsMessage(v.type, v.events) : null;
    if (message) ctx.addIssue({ code: 'custom', path: ['events'], message });
  });
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;

/** PATCH: any subset. `secret: ""` clears the secret; leaving it out keeps it. Type and project never change. */
export const updateWebhookSchema = z.strictObject({
  ...readOnly,
  type: z.unknown().optional(),
  project_id: z.unknown().optional(),
  target_url: fields.target_url.optional(),
  description: fields.description.optional(),
  content_type: fields.content_type.optional(),
  secret: fields.secret.optional(),
  is_active: fields.is_active.optional(),
  enable_ssl: fields.enable_ssl.optional(),
  events: fields.events.optional(),
  rate_limit: fields.rate_limit.optional(),
  ordering: fields.ordering.optional(),
  /** Replaces the whole set; a value sent as MASKED_VALUE keeps the stored value of that name. */
  headers: fields.headers.optional(),
});
export type UpdateWebhookInput = z.input<typeof updateWebhookSchema>;

/** PUT replaces the writable fields: target_url and events are required as on create. */
export const replaceWebhookSchema = updateWebhookSchema.extend({
  target_url: fields.target_url,
  events: fields.events,
});

/** `POST /api/webhooks/{id}/test`: which event's example to send (the webhook's type decides which are allowed). */
export const sendExampleSchema = z.strictObject({
  event: z
    .string({
      error: (i) =>
        i.input === undefined
          ? 'This field is required.'
          : 'An event key of the catalog, e.g. "create:task".',
    })
    .max(64),
});

export const RECOVERABLE_STATES = ['failed', 'delivered'] as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const isoDate = z
  .string({
    error: (i) =>
      i.input === undefined
        ? 'This field is required.'
        : 'Enter an ISO 8601 date, such as 2026-12-01 or 2026-12-01T10:42:00Z.',
  })
  .refine(
    (v) => ISO_DATE.test(v) && !Number.isNaN(new Date(v).getTime()),
    'Enter an ISO 8601 date, such as 2026-12-01 or 2026-12-01T10:42:00Z.',
  )
  .transform((v) => new Date(v));

/** POST /api/webhooks/{id}/recover (operations.md, "Recovery"). */
export const recoverWebhookSchema = z
  .strictObject({
    since: isoDate,
    until: isoDate.optional(),
    states: z
      .array(z.string(), { error: 'A list of states: ["failed"] or ["failed", "delivered"].' })
      .min(1, 'Name at least one state: failed, delivered.')
      .max(RECOVERABLE_STATES.length * 2)
      .superRefine((states, ctx) => {
        for (const state of states) {
          if (!(RECOVERABLE_STATES as readonly string[]).includes(state))
            ctx.addIssue({
              code: 'custom',
              message: choiceMessage(state, { hint: 'Use failed or delivered.' }),
            });
        }
      })
      .transform((states) => [...new Set(states)] as (typeof RECOVERABLE_STATES)[number][])
      .optional()
      .default(['failed']),
    events: fields.events.min(1, 'Name at least one event, or leave events out for all of them.').optional(),
    dry_run: z.boolean({ error: 'Must be a boolean.' }).optional().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.until && v.until < v.since)
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'until must not be before since.' });
  });
export type RecoverWebhookInput = z.input<typeof recoverWebhookSchema>;
