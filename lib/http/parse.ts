import { z } from 'zod';
import { ApiError, invalid } from './errors';

const MAX_JSON_BYTES = 1024 * 1024;

/** Turns zod issues into CVAT's `{field: ["message"]}` shape. */
export function formatZodError(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (key: string, message: string) => (out[key] ??= []).push(message);
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : 'non_field_errors';
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) add(issue.path.length ? `${key}.${k}` : k, 'Unknown field.');
      continue;
    }
    add(key, issue.message);
  }
  return out;
}

/** Zod's messages, reworded the way DRF says them so CVAT clients read them unchanged. */
export const zodMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'This field is required.';
    if (issue.input === null) return 'This field may not be null.';
    return `Expected ${issue.expected}, received ${describe(issue.input)}.`;
  }
  if (issue.code === 'too_big' && issue.origin === 'string') return `Ensure this field has no more than ${issue.maximum} characters.`;
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) return 'This field may not be blank.';
  return undefined;
};

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

z.config({ customError: zodMessages });

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ApiError('invalid', formatZodError(result.error));
  return result.data;
}

/** Reads a JSON request body; every failure is a 4xx that says what is wrong. */
export async function readJson(req: Request): Promise<unknown> {
  requireJsonType(req);
  return parseJson(await readText(req));
}

function requireJsonType(req: Request) {
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError('unsupported_media_type', { detail: `Unsupported media type "${type || 'none'}" in request. Send application/json.` });
  }
}

async function readText(req: Request): Promise<string> {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_JSON_BYTES) throw new ApiError('payload_too_large', { detail: 'Request body is larger than 1 MiB.' });
  const text = await req.text();
  if (text.length > MAX_JSON_BYTES) throw new ApiError('payload_too_large', { detail: 'Request body is larger than 1 MiB.' });
  return text;
}

function parseJson(text: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text around the error (`..."password": hunter2"... is not valid JSON`): that text
    // may be a password or a webhook secret, and answers end up in logs. Say what, not the bytes.
    const reason = (error as Error).message.replace(/(^|, )(\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '') || 'Invalid JSON';
    throw invalid('non_field_errors', `JSON parse error - ${reason}`);
  }
  const where = findNullCharacter(body, []);
  if (where) throw invalid(where, NULL_CHARACTER_MESSAGE);
  return body;
}

/**
 * For actions that take no input (ping, redelivery): an empty body, whatever its type, or a JSON object
 * without fields. Anything else is refused as any body would be, before the action runs.
 */
export async function readNoInput(req: Request): Promise<void> {
  const text = await readText(req);
  if (text.trim() === '') return;
  requireJsonType(req);
  parseWith(z.strictObject({}), asObject(parseJson(text)));
}

function asObject(body: unknown): object {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('non_field_errors', 'Invalid data. Expected a JSON object.');
  }
  return body;
}

export const NULL_CHARACTER_MESSAGE = 'Null characters are not allowed.';

/**
 * PostgreSQL text cannot hold U+0000 (DRF refuses it too): the dotted path of the first string or key
 * that contains one, or null.
 */
function findNullCharacter(value: unknown, path: string[]): string | null {
  const here = () => path.join('.') || 'non_field_errors';
  if (typeof value === 'string') return value.includes('\u0000') ? here() : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key.replaceAll('\u0000', '')].join('.') || 'non_field_errors';
    const found = findNullCharacter(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * A server action's input, checked as a request body is (readBody): an object, no U+0000, the schema.
 * Server actions get their arguments already decoded, so this is readBody without the bytes.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const body = asObject(input);
  const where = findNullCharacter(body, []);
  if (where) throw invalid(where, NULL_CHARACTER_MESSAGE);
  return parseWith(schema, body);
}

export async function readBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  return parseWith(schema, asObject(await readJson(req)));
}

/** A positive database id from a path or query parameter. */
export function parseId(value: string | null | undefined, field = 'id'): number {
  if (!value || !/^\d{1,10}$/.test(value) || Number(value) > 2147483647 || Number(value) < 1) {
    throw new ApiError('not_found', { detail: `No ${field} matches "${value ?? ''}".` });
  }
  return Number(value);
}

/** An integer query filter: 400 naming the parameter when it is not one. */
export function parseIntParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d{1,10}$/.test(raw) || Math.abs(Number(raw)) > 2147483647) throw invalid(name, 'A valid integer is required.');
  return Number(raw);
}
