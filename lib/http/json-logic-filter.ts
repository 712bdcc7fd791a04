import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { invalid } from './errors';

/**
 * CVAT's `filter` list parameter: a JSON Logic rule (jsonlogic.com) translated to one SQL condition, as
 * CVAT's JsonLogicFilter turns it into a Django Q object. Operators: and, or, !, !!, ==, !=, <, <=, >, >=
 * (`<`/`<=` also as a three-argument "between"), in (a field among values, or a value inside a text
 * field), and var (alone: the field is set). Each list names the fields it allows, with their type.
 * Every input that cannot be translated is a 400 naming `filter`, never a database error.
 */

export type FilterFieldType = 'integer' | 'string' | 'boolean' | 'datetime';
export type FilterField = { sql: AnyColumn | SQL; type: FilterFieldType };
/** The fields a list may be filtered on, by the name a client uses (CVAT's `filter_fields`). */
export type FilterFields = Record<string, FilterField>;

export const FILTER_OPERATORS = [
  'and',
  'or',
  '!',
  '!!',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'var',
] as const;

// Bounds that keep a hostile filter from costing more than a page of rows: terms, nesting, list sizes.
const MAX_TERMS = 256;
const MAX_DEPTH = 32;
const MAX_LIST = 1000;
const MAX_LENGTH = 16_384;
const INT_MAX = 2147483647;

const COMPARISONS = { '==': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const;
const FLIPPED = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;
type Comparison = keyof typeof COMPARISONS;

function fail(message: string): never {
  throw invalid('filter', message);
}

/** The SQL condition for `raw` (the query parameter), or undefined when there is none. */
export function jsonLogicWhere(raw: string | null | undefined, fields: FilterFields): SQL | undefined {
  if (raw === null || raw === undefined || raw.trim() === '') return undefined;
  if (raw.length > MAX_LENGTH) fail(`The filter is longer than ${MAX_LENGTH} characters.`);
  let rule: unknown;
  try {
    rule = JSON.parse(raw);
  } catch {
    fail('The filter is not valid JSON. Use JSON Logic, e.g. {"and":[{"==":[{"var":"id"},1]}]}.');
  }
  if (isObject(rule) && Object.keys(rule).length === 0) fail("The filter shouldn't be empty.");
  return new Translator(fields).rule(rule, 0);
}

class Translator {
  private terms = 0;

  constructor(private readonly fields: FilterFields) {}

  rule(node: unknown, depth: number): SQL {
    if (++this.terms > MAX_TERMS) fail(`The filter has more than ${MAX_TERMS} terms.`);
    if (depth > MAX_DEPTH) fail(`The filter is nested deeper than ${MAX_DEPTH} levels.`);
    if (!isObject(node))
      fail(
        `Each rule must be an object with one operator, such as {"==":[{"var":"id"},1]}; got ${preview(node)}.`,
      );
    const keys = Object.keys(node);
    if (keys.length !== 1)
      fail(
        `Each rule has exactly one operator; got ${keys.length === 0 ? 'none' : keys.map((k) => `"${k}"`).join(', ')}.`,
      );
    const op = keys[0];
    const args = node[op];
    switch (op) {
      case 'and':
      case 'or': {
        if (!Array.isArray(args) || args.length === 0) fail(`"${op}" takes a non-empty list of rules.`);
        const parts = args.map((arg) => this.rule(arg, depth + 1));
        return sql`(${sql.join(parts, op === 'and' ? sql` and ` : sql` or `)})`;
      }
      case '!':
      case '!!': {
        const inner = this.rule(single(op, args), depth + 1);
        // A comparison with a null column is unknown, not false: "not" must still keep such rows, as Django's ~Q does.
        return op === '!' ? sql`(not coalesce(${inner}, false))` : inner;
      }
      case 'var':
        return sql`(${this.field(args).sql} is not null)`;
      case '==':
      case '!=':
      case '>':
      case '>=':
        return this.compare(op, args);
      case '<':
      case '<=':
        return Array.isArray(args) && args.length === 3 ? this.between(op, args) : this.compare(op, args);
      case 'in':
        return this.contains(args);
      default:
        fail(`Unknown operator "${op}" in the filter. Use one of: ${FILTER_OPERATORS.join(', ')}.`);
    }
  }

  /** `{"var": "name"}` (or `{"var": ["name"]}`) to the field it names. */
  private field(ref: unknown): FilterField & { name: string } {
    const name = Array.isArray(ref) && ref.length === 1 ? ref[0] : ref;
    if (typeof name !== 'string') fail(`"var" takes a field name; got ${preview(ref)}.`);
    const field = Object.hasOwn(this.fields, name) ? this.fields[name] : undefined;
    if (!field)
      fail(`Unknown field "${name}" in the filter. Use one of: ${Object.keys(this.fields).join(', ')}.`);
    return { ...field, name };
  }

  private varOf(node: unknown) {
    return isObject(node) && Object.keys(node).length === 1 && 'var' in node ? this.field(node.var) : null;
  }

  private compare(op: Comparison, args: unknown): SQL {
    if (!Array.isArray(args) || args.length !== 2)
      fail(`"${op}" takes 2 arguments: a field ({"var": "…"}) and a value.`);
    const left = this.varOf(args[0]);
    const right = left ? null : this.varOf(args[1]);
    const field = left ?? right;
    if (!field) fail(`"${op}" compares a field ({"var": "…"}) with a value; neither argument is a field.`);
    const effective = left ? op : FLIPPED[op];
    const raw = left ? args[1] : args[0];
    if (raw === null) {
      if (effective === '==') return sql`(${field.sql} is null)`;
      if (effective === '!=') return sql`(${field.sql} is not null)`;
      fail(`"${op}" cannot compare "${field.name}" with null.`);
    }
    const value = this.value(field, raw);
    if (effective === '!=') return sql`(${field.sql} is distinct from ${value})`;
    return sql`(${field.sql} ${sql.raw(COMPARISONS[effective])} ${value})`;
  }

  /** `{"<=": [low, {"var": f}, high]}`: low <= f <= high (with `<`, both bounds exclusive). */
  private between(op: '<' | '<=', args: unknown[]): SQL {
    const field = this.varOf(args[1]);
    if (!field) fail(`"${op}" with 3 arguments takes a value, a field ({"var": "…"}) and a value.`);
    const [low, high] = [this.value(field, args[0]), this.value(field, args[2])];
    const cmp = sql.raw(op);
    return sql`(${low} ${cmp} ${field.sql} and ${field.sql} ${cmp} ${high})`;
  }

  /** `{"in": [{"var": f}, [a, b]]}`: f is one of them; `{"in": ["text", {"var": f}]}`: f contains the text. */
  private contains(args: unknown): SQL {
    if (!Array.isArray(args) || args.length !== 2)
      fail('"in" takes 2 arguments: a field and a list of values, or a text and a field.');
    const field = this.varOf(args[0]);
    if (field) {
      const list = args[1];
      if (!Array.isArray(list))
        fail(`"in" needs a list of values for "${field.name}"; got ${preview(list)}.`);
      if (list.length > MAX_LIST) fail(`"in" takes at most ${MAX_LIST} values.`);
      const values = list.filter((v) => v !== null).map((v) => this.value(field, v));
      const isNullIncluded = values.length < list.length;
      const among = values.length ? sql`${field.sql} in (${sql.join(values, sql`, `)})` : sql`false`;
      return isNullIncluded ? sql`(${among} or ${field.sql} is null)` : sql`(${among})`;
    }
    const container = this.varOf(args[1]);
    if (!container) fail('"in" needs a field ({"var": "…"}) as one of its arguments.');
    if (container.type !== 'string')
      fail(`"in" with a value first looks inside a text field; "${container.name}" is not one.`);
    const needle = this.value(container, args[0]);
    return sql`(strpos(${container.sql}, ${needle}) > 0)`;
  }

  /** A JSON value as a typed SQL parameter for `field`, or a 400 saying what was expected. */
  private value(field: FilterField & { name: string }, raw: unknown): SQL {
    const wrong: (expected: string) => never = (expected) =>
      fail(`"${field.name}" takes ${expected}; got ${preview(raw)}.`);
    switch (field.type) {
      case 'integer': {
        const n = typeof raw === 'string' && /^-?\d{1,10}$/.test(raw.trim()) ? Number(raw) : raw;
        if (typeof n !== 'number' || !Number.isInteger(n) || Math.abs(n) > INT_MAX) wrong('an integer');
        return sql`${n}::integer`;
      }
      case 'boolean': {
        const text = typeof raw === 'string' ? raw.toLowerCase() : raw;
        if (text === true || text === 'true' || text === 1 || text === '1') return sql`true`;
        if (text === false || text === 'false' || text === 0 || text === '0') return sql`false`;
        return wrong('true or false');
      }
      case 'datetime': {
        const date = typeof raw === 'string' && raw.length <= 64 ? new Date(raw) : null;
        if (!date || Number.isNaN(date.getTime())) wrong('an ISO 8601 date, such as "2024-01-31T12:00:00Z"');
        return sql`${date.toISOString()}::timestamptz`;
      }
      case 'string': {
        if (typeof raw === 'number' || typeof raw === 'boolean') return sql`${String(raw)}::text`;
        if (typeof raw !== 'string') wrong('a text value');
        if (raw.includes('\u0000')) fail('Null characters are not allowed.');
        return sql`${raw}::text`;
      }
    }
  }
}

function single(op: string, args: unknown): unknown {
  if (!Array.isArray(args)) return args;
  if (args.length !== 1) fail(`"${op}" takes 1 rule; got ${args.length}.`);
  return args[0];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Shorthands for the field maps of each list. */
export const filterField = {
  integer: (column: AnyColumn | SQL): FilterField => ({ sql: column, type: 'integer' }),
  string: (column: AnyColumn | SQL): FilterField => ({ sql: column, type: 'string' }),
  boolean: (column: AnyColumn | SQL): FilterField => ({ sql: column, type: 'boolean' }),
  datetime: (column: AnyColumn | SQL): FilterField => ({ sql: column, type: 'datetime' }),
};
