import { z } from 'zod';

// The rules every setting is written with, and how one is read: shared by the database's settings
// (db/settings.ts) and every other one (lib/config/settings.ts), so both parse and fail alike.

/** An unset or empty variable is absent: its default applies. */
export const absent = (raw: unknown) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw);

export function number(
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER, integer = false, exclusiveMin = false } = {},
) {
  let rule = z.coerce.number({ error: 'must be a number' });
  if (integer) rule = rule.int({ error: 'must be a whole number' });
  rule = exclusiveMin
    ? rule.gt(min, { error: `must be greater than ${min}` })
    : rule.min(min, { error: `must be at least ${min}` });
  return z.preprocess(
    absent,
    rule
      .max(max, { error: `must be at most ${max}` })
      .optional()
      .default(fallback),
  );
}
export const positive = (fallback: number, max?: number) =>
  number(fallback, { min: 0, exclusiveMin: true, max });
export const count = (fallback: number, max?: number) => number(fallback, { min: 1, integer: true, max });

export function flag(fallback: boolean) {
  return z.preprocess(
    absent,
    z
      .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], {
        error: 'must be 1 or 0 (true or false)',
      })
      .optional()
      .transform((v) => (v === undefined ? fallback : ['1', 'true', 'yes', 'on'].includes(v))),
  );
}

export function text() {
  return z.preprocess(absent, z.string().optional());
}

export class SettingsError extends Error {}

const cache = new Map<string, { raw: string | undefined; value: unknown }>();

/**
 * The value of `name` under its rule. Read from the environment when asked for (tests change a few
 * settings while they run) and parsed again only when its text changed.
 */
export function readSetting<D extends Record<string, z.ZodType>, N extends keyof D & string>(
  definitions: D,
  name: N,
): z.output<D[N]> {
  const raw = process.env[name];
  const hit = cache.get(name);
  if (hit && hit.raw === raw) return hit.value as z.output<D[N]>;
  const result = definitions[name].safeParse(raw);
  if (!result.success) throw new SettingsError(describeSetting(name, result.error));
  cache.set(name, { raw, value: result.data });
  return result.data;
}

export function describeSetting(name: string, error: z.ZodError): string {
  return `${name}=${JSON.stringify(process.env[name] ?? '')} ${error.issues.map((i) => i.message).join('; ')}`;
}
