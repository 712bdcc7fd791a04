/**
 * Herald's zod: the one error map, loaded wherever a request schema is (every lib/<domain>/schemas.ts
 * imports `z` from here), so a schema gives the same message in the browser's form as in the API's 400.
 */
import { z } from 'zod';

/** Zod's messages, reworded the way DRF says them so CVAT clients read them unchanged. */
export const zodMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'This field is required.';
    if (issue.input === null) return 'This field may not be null.';
    return `Expected ${issue.expected}, received ${describe(issue.input)}.`;
  }
  if (issue.code === 'too_big' && issue.origin === 'string')
    return `Ensure this field has no more than ${issue.maximum} characters.`;
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1)
    return 'This field may not be blank.';
  return undefined;
};

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// Zod keeps its configuration on globalThis: this sets it for the whole process (or page).
z.config({ customError: zodMessages });

export { z };

/** Turns zod issues into CVAT's `{field: ["message"]}` shape (dotted paths for nested fields). */
export function formatZodError(error: z.ZodError): Record<string, string[]> {
  // Without a prototype: a body key named `constructor` or `__proto__` is a field like any other.
  const out: Record<string, string[]> = Object.create(null);
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
