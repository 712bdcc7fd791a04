import type { FormInstance, FormRule as Rule } from 'antd';
import { formatZodError, type z } from '@/lib/validation/zod';
import { ApiRequestError } from './api';

/**
 * An antd Form rule that checks one field with the zod schema the API uses for it. `required`
 * gives the empty field a readable message before zod's own.
 */
export function zodRule(schema: z.ZodType, label?: string): Rule[] {
  const rules: Rule[] = [];
  if (label) rules.push({ required: true, message: `Enter ${label}.` });
  rules.push({
    validator: async (_rule, value) => {
      if (label && (value === undefined || value === null || value === '')) return;
      const result = schema.safeParse(value);
      if (!result.success) throw new Error(result.error.issues[0]?.message ?? 'Invalid value.');
    },
  });
  return rules;
}

/**
 * The messages the API would answer for this body (its 400's `{field: ["message"]}`), each under the
 * form field it belongs to: a nested one (`labels.0.name`) under its top-level field. Null when valid.
 */
export function formErrorsOf(schema: z.ZodType, values: unknown): Map<string, string[]> | null {
  const result = schema.safeParse(values);
  if (result.success) return null;
  const byField = new Map<string, string[]>();
  for (const [key, messages] of Object.entries(formatZodError(result.error))) {
    const name = key.split('.')[0];
    byField.set(name, [...(byField.get(name) ?? []), ...messages]);
  }
  return byField;
}

/** Checks the whole body with the API's schema; puts each issue under its field. True when valid. */
export function validateWith(form: FormInstance, schema: z.ZodType, values: unknown): boolean {
  const byField = formErrorsOf(schema, values);
  if (!byField) return true;
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return false;
}

/**
 * Shows a 400's `{field: ["message"]}` under the form's fields. Returns what could not be placed
 * on a field (non_field_errors, unknown fields, other statuses) for an Alert, or null.
 */
export function applyServerErrors(form: FormInstance, error: unknown, fields: string[]): string | null {
  if (!(error instanceof ApiRequestError)) return error instanceof Error ? error.message : String(error);
  if (error.status !== 400) return error.message;
  const rest: string[] = [];
  const placed: { name: string; errors: string[] }[] = [];
  for (const [name, messages] of Object.entries(error.fieldErrors)) {
    if (fields.includes(name)) placed.push({ name, errors: messages });
    else
      rest.push(
        name === 'non_field_errors' || name === 'detail'
          ? messages.join(' ')
          : `${name}: ${messages.join(' ')}`,
      );
  }
  form.setFields(placed);
  return rest.length ? rest.join(' ') : null;
}
