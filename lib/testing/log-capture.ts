/**
 * The lines Herald's logger writes (JSON on standard output, lib/logging/logger.ts), captured in the
 * test's own process: `entries()` parses them. With `passThrough`, they still reach the output.
 */
export type LogEntry = {
  level: string;
  msg: string;
  component?: string;
  request_id?: string;
  err?: { message: string };
  [key: string]: unknown;
};

export function captureLogLines(options: { passThrough?: boolean } = {}) {
  const lines: string[] = [];
  const original = process.stdout.write;
  let rest = '';
  process.stdout.write = (chunk: string | Uint8Array, ...args: unknown[]) => {
    const text = rest + Buffer.from(chunk).toString('utf8');
    const parts = text.split('\n');
    rest = parts.pop()!;
    lines.push(...parts.filter((l) => l.trim() !== ''));
    if (options.passThrough) return original.call(process.stdout, chunk, ...(args as []));
    (args.find((x) => typeof x === 'function') as (() => void) | undefined)?.();
    return true;
  };
  return {
    lines,
    /** The lines that are log entries (JSON objects), parsed. */
    entries(): LogEntry[] {
      return lines.flatMap((line) => {
        try {
          const value = JSON.parse(line);
          return value && typeof value === 'object' && typeof value.level === 'string'
            ? [value as LogEntry]
            : [];
        } catch {
          return [];
        }
      });
    },
    clear: () => void lines.splice(0),
    restore: () => void (process.stdout.write = original),
  };
}
