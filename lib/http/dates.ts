/** ISO-8601 UTC with a `Z`, as CVAT prints dates; null stays null. */
export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
