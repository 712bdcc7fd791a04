import net from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { settings } from '@/lib/config/settings';
import { guardedLookup, hostOf, isHostAllowed, refusalMessage, refusalReason } from './url-guard';

export const RESPONSE_LIMIT = 64 * 1024;

export type SendOutcome =
  | {
      kind: 'response';
      statusCode: number;
      headers: Record<string, string>;
      body: string;
      durationMs: number;
    }
  | { kind: 'error'; statusCode: 502 | 504; error: string; durationMs: number }
  | { kind: 'refused'; error: string; durationMs: number };

// One agent per TLS policy, shared by every delivery: keep-alive connections are reused across attempts.
const agents = new Map<boolean, Agent>();
function agentFor(verifyTls: boolean): Agent {
  let agent = agents.get(verifyTls);
  if (!agent) {
    agent = new Agent({
      connect: {
        timeout: settings.connectTimeoutMs,
        rejectUnauthorized: verifyTls,
        lookup: guardedLookup,
      },
      headersTimeout: settings.requestTimeoutMs,
      bodyTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: 4000,
      connections: null,
    });
    agents.set(verifyTls, agent);
  }
  return agent;
}

/**
 * POSTs `body` to `url` and says what happened; never throws. Redirects are not followed, the
 * response body is kept up to 64 KiB, the whole exchange is cut at the request timeout.
 */
export async function sendWebhookRequest(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  verifyTls: boolean;
}): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target: URL;
  try {
    target = new URL(opts.url);
  } catch {
    return { kind: 'refused', error: `"${opts.url}" is not a valid URL.`, durationMs: 0 };
  }
  // IP literals never go through a lookup: check them here.
  const host = hostOf(target);
  if (net.isIP(host) && !isHostAllowed(host)) {
    const reason = refusalReason(host);
    if (reason) return { kind: 'refused', error: refusalMessage(host, host, reason), durationMs: 0 };
  }
  const timeoutMs = settings.requestTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    // undici's own (coarse, shared) timers guard the wait for the answer's headers: an AbortSignal
    // per request cost more than the rest of the request here. The rest of the budget then bounds the body.
    const response = await agentFor(opts.verifyTls).request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      body: opts.body,
      headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const remaining = timeoutMs - (performance.now() - started);
    timer = setTimeout(
      () =>
        response.body.destroy(
          Object.assign(new Error(`no full answer within ${timeoutMs} ms`), { name: 'TimeoutError' }),
        ),
      Math.max(remaining, 0),
    );
    let body = await readBody(response.body, response.headers['content-length']);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (response.statusCode >= 300 && response.statusCode < 400) {
      const location = headers.location ? ` to ${headers.location}` : '';
      body = `Redirect${location} not followed: webhooks must answer at their target URL.${body ? `\n${body}` : ''}`;
    }
    return { kind: 'response', statusCode: response.statusCode, headers, body, durationMs: elapsed() };
  } catch (error) {
    return describeError(error, elapsed());
  } finally {
    clearTimeout(timer);
  }
}

type ResponseBody = Dispatcher.ResponseData['body'];

/**
 * The answer's body, kept up to RESPONSE_LIMIT. An answer that declares a length within it is read in
 * one piece (undici holds it to that length): walking the stream costs more than the rest of a small
 * answer's handling.
 */
async function readBody(stream: ResponseBody, contentLength: string | string[] | undefined): Promise<string> {
  const declared =
    typeof contentLength === 'string' && /^\d+$/.test(contentLength) ? Number(contentLength) : null;
  if (declared !== null && declared <= RESPONSE_LIMIT) return stream.text();
  const chunks: Buffer[] = [];
  let size = 0;
  let isTruncated = false;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    chunks.push(size + buffer.length > RESPONSE_LIMIT ? buffer.subarray(0, RESPONSE_LIMIT - size) : buffer);
    size += buffer.length;
    if (size >= RESPONSE_LIMIT) {
      isTruncated = size > RESPONSE_LIMIT || !stream.readableEnded;
      stream.destroy();
      break;
    }
  }
  const body = Buffer.concat(chunks).toString('utf8');
  return isTruncated ? `${body}\n[truncated at 64 KiB]` : body;
}

function describeError(error: unknown, durationMs: number): SendOutcome {
  const err = error as {
    code?: string;
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const code = err.code ?? err.cause?.code;
  if (code === 'EHERALD_REFUSED' || err.cause?.code === 'EHERALD_REFUSED') {
    return { kind: 'refused', error: err.cause?.message ?? err.message ?? 'refused', durationMs };
  }
  const isTimeout =
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT';
  const message = [err.message, err.cause?.message].filter(Boolean).join(': ') || String(error);
  if (isTimeout) return { kind: 'error', statusCode: 504, error: `Timed out: ${message}`, durationMs };
  return { kind: 'error', statusCode: 502, error: `${code ? `${code}: ` : ''}${message}`, durationMs };
}
