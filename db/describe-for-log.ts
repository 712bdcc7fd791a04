/**
 * An error as it may be logged: drizzle puts a failed query's parameters in its message, and those can
 * hold a webhook secret or a password hash. Logs get the statement and the cause, never the values.
 */
export function describeForLog(error: unknown): string {
  const err = error as { message?: string; stack?: string; cause?: { message?: string; code?: string } };
  const message = String(err?.message ?? error).replace(/\nparams: [\s\S]*$/, '\nparams: [not logged]');
  const cause = err?.cause?.message
    ? ` (cause: ${err.cause.code ? `${err.cause.code} ` : ''}${err.cause.message})`
    : '';
  const stack = (err?.stack?.split('\n') ?? [])
    .filter((line) => line.startsWith('    at '))
    .slice(0, 5)
    .join('\n');
  return `${message}${cause}${stack ? `\n${stack}` : ''}`;
}
