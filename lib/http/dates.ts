/** ISO-8601 UTC with a `Z`, as CVAT prints dates; null stays null. Raw statements may give a string. */
export function iso(date: Date | string): string;
export function iso(date: Date | string | null | undefined): string | null;
export function iso(date: Date | string | null | undefined): string | null {
  return date ? new Date(date).toISOString() : null;
}
