import { settings } from '@/lib/config/settings';
import { ApiError } from './errors';

const read = new WeakMap<Request, { limit: number; body: Promise<Buffer> }>();

export function tooLarge(limit: number): ApiError {
  return new ApiError('payload_too_large', {
    detail: `Request body is larger than ${describeBytes(limit)}.`,
  });
}

export function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024 * 1024) === 0) return `${bytes / (1024 * 1024 * 1024)} GiB`;
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * The request body, at most `limit` bytes, whatever its framing: a declared Content-Length over it is
 * refused before a byte is read, and a chunked body as soon as the bytes received cross it. Nothing past
 * the limit is held: reading stops there and the rest stays on the wire (the HTTP server closes the
 * connection after the 413, see lib/http/server.ts). A body that has not arrived within
 * JSON_BODY_TIMEOUT_MS is a 408. Read once per request; later calls get the same bytes.
 */
export function readBoundedBody(req: Request, limit: number): Promise<Buffer> {
  const seen = read.get(req);
  if (seen && seen.limit <= limit) return seen.body;
  const body = collect(req, limit);
  read.set(req, { limit, body });
  return body;
}

async function collect(req: Request, limit: number): Promise<Buffer> {
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiError('request_timeout', {
            detail: `The request body did not arrive within ${settings.jsonBodyTimeoutMs / 1000} s.`,
          }),
        ),
      settings.jsonBodyTimeoutMs,
    );
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge(limit);
      chunks.push(value);
    }
  } catch (error) {
    // Stop reading; cancelling would tear the connection down before the answer is written.
    if (error instanceof ApiError && error.code === 'payload_too_large') reader.releaseLock();
    else void reader.cancel().catch(() => {});
    if (error instanceof ApiError) throw error;
    throw new ApiError('invalid', { non_field_errors: ['The request body could not be read.'] });
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks, size);
}
