import { formatZodError, z } from '@/lib/validation/zod';
import { settings } from '@/lib/config/settings';
import { readBoundedBody } from './bounded-body';
import { ApiError, invalid } from './errors';

/** Deeper JSON is refused: no request of Herald's needs more, and walking it must not exhaust the stack. */
export const MAX_JSON_DEPTH = 64;

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
    throw new ApiError('unsupported_media_type', {
      detail: `Unsupported media type "${type || 'none'}" in request. Send application/json.`,
    });
  }
}

/** The body as text, at most MAX_JSON_BYTES whatever its framing (see bounded-body.ts). */
async function readText(req: Request): Promise<string> {
  return (await readBoundedBody(req, settings.maxJsonBytes)).toString('utf8');
}

function parseJson(text: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text around the error (`..."password": hunter2"... is not valid JSON`): that text
    // may be a password or a webhook secret, and answers end up in logs. Say what, not the bytes.
    const reason =
      (error as Error).message.replace(/(^|, )(\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '') ||
      'Invalid JSON';
    throw invalid('non_field_errors', `JSON parse error - ${reason}`);
  }
  const problem = findProblem(body);
  if (problem) throw invalid(problem.where, problem.message);
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
 * What no field can take, found in one walk without recursion (JSON 10,000 levels deep must not overflow
 * the stack): nesting deeper than MAX_JSON_DEPTH, and U+0000, which PostgreSQL text cannot hold (DRF
 * refuses it too), in a string or a key. Gives the dotted path where it was found.
 */
function findProblem(root: unknown): { where: string; message: string } | null {
  const stack: { value: unknown; path: string[] }[] = [{ value: root, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    const where = (p: string[]) => p.join('.') || 'non_field_errors';
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { where: where(path), message: NULL_CHARACTER_MESSAGE };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH)
      return {
        where: where(path.slice(0, 1)),
        message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels is not accepted.`,
      };
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000'))
        return { where: where([...path, key.replaceAll('\u0000', '')]), message: NULL_CHARACTER_MESSAGE };
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return null;
}

/**
 * A server action's input, checked as a request body is (readBody): an object, no U+0000, the schema.
 * Server actions get their arguments already decoded, so this is readBody without the bytes.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const body = asObject(input);
  const problem = findProblem(body);
  if (problem) throw invalid(problem.where, problem.message);
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
  if (!/^-?\d{1,10}$/.test(raw) || Math.abs(Number(raw)) > 2147483647)
    throw invalid(name, 'A valid integer is required.');
  return Number(raw);
}
