import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { settings } from '@/lib/config/settings';
import { loggerFor, runWithRequest } from '@/lib/logging/logger';
import { CLIENT_HEADER } from './client-address';
import { SECURITY_HEADERS } from './security-headers';

/**
 * The HTTP server `npm start` runs (scripts/start.mjs hands it Next.js's request handler). What Next.js
 * leaves to whoever owns the socket is done here, before a request reaches it:
 * - connections are capped in total and per client address; at a cap the oldest connection that is not
 *   serving a request (idle keep-alive, or still sending its headers) makes room, so that thousands of
 *   idle or trickling connections never lock other clients out nor exhaust the process's file limit;
 * - headers must arrive within HTTP_HEADERS_TIMEOUT_MS (10 s), the whole request within
 *   HTTP_REQUEST_TIMEOUT_MS (checked every second, not Node's default 30 s);
 * - a declared body over its route's limit is refused with 413 before anything else; a 413 or 408
 *   answer closes the connection, so the unread rest of a body is never taken in;
 * - a path that is not valid percent-encoding is a 404, a method no route serves a 405 with `Allow`;
 * - security headers go on every answer, and the connection's peer address is handed to the routes
 *   (lib/http/client-address.ts) under a token a client cannot forge;
 * - every request has an id (a sane `X-Request-Id` it came with, or a new one), echoed in the answer's
 *   `X-Request-Id` and on every log line written for it, and one access log line (`info`) once answered.
 */

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const PAGE_METHODS = 'GET, HEAD, POST';
const UPLOAD_ROUTE = /^\/api\/tasks\/[^/]+\/data\/?$/;

/** What an incoming X-Request-Id may be to be kept (a proxy's or a client's); anything else is replaced. */
const REQUEST_ID = /^[A-Za-z0-9._:@=+/-]{1,128}$/;
const REQUEST_ID_HEADER = 'x-request-id';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;
type Route = { pattern: RegExp; specificity: number; allow: string };

/** The `Allow` of every API route, learnt from the routes themselves once the server listens (learnAllowedMethods). */
const routes: Route[] = [];

function findRoute(pathname: string): Route | undefined {
  return routes.find((r) => r.pattern.test(pathname));
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function createHeraldServer(handle: Handler): http.Server {
  const http_ = settings.http;
  const token = (process.env.HERALD_SERVER_TOKEN ??= randomBytes(24).toString('base64url'));
  const server = http.createServer(
    {
      headersTimeout: http_.headersTimeoutMs,
      requestTimeout: http_.requestTimeoutMs,
      keepAliveTimeout: http_.keepAliveTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      const incoming = req.headers[REQUEST_ID_HEADER];
      const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      req.headers[REQUEST_ID_HEADER] = requestId;
      res.setHeader(REQUEST_ID_HEADER, requestId);
      runWithRequest({ requestId }, () => {
        logAccess(req, res, requestId);
        watchAnswer(req, res);
        if (!admit(req, res)) return;
        delete req.headers[CLIENT_HEADER];
        req.headers[CLIENT_HEADER] = `${token} ${req.socket.remoteAddress ?? 'unknown'}`;
        Promise.resolve(handle(req, res)).catch((error) => {
          log.error({ err: error }, 'request failed');
          if (!res.headersSent) sendJson(res, 500, { detail: 'Internal server error.' });
          else res.destroy();
        });
      });
    },
  );
  limitConnections(server, http_.maxConnections, http_.maxConnectionsPerAddress);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: net.Socket) => {
    if (!socket.writable) return socket.destroy();
    const headers = Object.entries(SECURITY_HEADERS)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    // llhttp knows the standard methods only: anything else is a method no route serves.
    const status =
      error.code === 'HPE_INVALID_METHOD'
        ? `405 Method Not Allowed\r\nAllow: ${[...KNOWN_METHODS].join(', ')}`
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT'
          ? '408 Request Timeout'
          : error.code === 'HPE_HEADER_OVERFLOW'
            ? '431 Request Header Fields Too Large'
            : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return server;
}

const log = loggerFor('http');

/**
 * One line per answer: method, path (never the query, which may carry what a client should not have put
 * there), status and time. Next.js's static files only at `debug`, pages and the API at `info`.
 */
function logAccess(req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
  const path = pathOf(req.url);
  const level = path.startsWith('/_next/') || path === '/favicon.ico' ? 'debug' : 'info';
  if (!log.isLevelEnabled(level)) return;
  const started = process.hrtime.bigint();
  // Named here: the socket's 'close' comes outside the request's async context.
  res.once('close', () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    log[level](
      {
        request_id: requestId,
        method: req.method,
        path,
        status: res.statusCode,
        duration_ms: Math.round(durationMs * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      },
      'request',
    );
  });
}

/** 405s get the route's `Allow`; a 413 or 408 closes the connection, leaving the rest of the body unread. */
function watchAnswer(req: http.IncomingMessage, res: http.ServerResponse) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: http.ServerResponse, ...args: Parameters<typeof writeHead>) {
    const status = typeof args[0] === 'number' ? args[0] : this.statusCode;
    if (status === 405 && !this.getHeader('allow')) {
      const route = findRoute(pathOf(req.url));
      if (route) this.setHeader('allow', route.allow);
    }
    if (status === 413 || status === 408) {
      this.setHeader('connection', 'close');
      lingerBeforeClosing(req.socket);
    }
    return writeHead.apply(this, args);
  } as typeof writeHead;
}

/**
 * After an answer given before the body was read (413, 408), Node.js closes the connection at once; the
 * client, still sending, then gets a reset that may reach it before the answer and destroy it unread.
 * Close the way web servers do instead: send the answer and our end of the connection, leave the rest
 * of the body unread (it is never taken into memory), and destroy the socket LINGER_MS later.
 */
const LINGER_MS = 2000;
function lingerBeforeClosing(socket: net.Socket) {
  socket.destroySoon = function (this: net.Socket) {
    this.end();
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  };
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0];
}

/** Answers what must not reach Next.js; true when the request may go on. */
function admit(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const pathname = pathOf(req.url);
  const isApi = pathname === '/api' || pathname.startsWith('/api/');
  try {
    decodeURIComponent(pathname);
  } catch {
    if (isApi) {
      sendJson(res, 404, { detail: 'Not found.' });
      return false;
    }
    // Next.js's own not-found page, with the app around it.
    req.url = '/_not-found';
  }
  const method = req.method ?? 'GET';
  if (!KNOWN_METHODS.has(method) || (!isApi && !['GET', 'HEAD', 'POST', 'OPTIONS'].includes(method))) {
    const allow = isApi
      ? (findRoute(pathname)?.allow ?? null)
      : pathname.startsWith('/_next/')
        ? 'GET, HEAD'
        : PAGE_METHODS;
    if (allow === null) sendJson(res, 404, { detail: 'Not found.' });
    else if (isApi) sendJson(res, 405, { detail: `Method "${method}" not allowed.` }, { allow });
    else {
      res.writeHead(405, { allow, 'content-type': 'text/plain', 'content-length': 18 });
      res.end('Method Not Allowed');
    }
    return false;
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  const limit = UPLOAD_ROUTE.test(pathname) ? settings.maxUploadBytes : settings.maxJsonBytes;
  if (declared > limit) {
    sendJson(res, 413, { detail: `Request body is larger than ${limit} bytes.` });
    return false;
  }
  return true;
}

type Tracked = { address: string; busy: number };
const TRACKED = Symbol('herald.connection');

/**
 * At most `max` connections, and `perAddress` from one address. A new connection over a cap takes the
 * place of the oldest one there that is not serving a request; when every one is, it is refused.
 */
function limitConnections(server: http.Server, max: number, perAddress: number) {
  const all = new Set<net.Socket>();
  const byAddress = new Map<string, Set<net.Socket>>();
  const stateOf = (socket: net.Socket) => (socket as unknown as Record<symbol, Tracked>)[TRACKED];
  const evictFrom = (sockets: Iterable<net.Socket>, except: net.Socket): boolean => {
    for (const socket of sockets) {
      if (socket !== except && stateOf(socket).busy === 0) {
        socket.destroy();
        return true;
      }
    }
    return false;
  };
  server.on('connection', (socket: net.Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    (socket as unknown as Record<symbol, Tracked>)[TRACKED] = { address, busy: 0 };
    let mine = byAddress.get(address);
    if (!mine) byAddress.set(address, (mine = new Set()));
    all.add(socket);
    mine.add(socket);
    socket.once('close', () => {
      all.delete(socket);
      mine.delete(socket);
      if (mine.size === 0 && byAddress.get(address) === mine) byAddress.delete(address);
    });
    if (mine.size > perAddress && !evictFrom(mine, socket)) return void socket.destroy();
    if (all.size > max && !evictFrom(all, socket)) return void socket.destroy();
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const state = stateOf(req.socket);
    if (!state) return;
    state.busy++;
    res.once('close', () => state.busy--);
  });
}

/**
 * Asks every API route which methods it serves (Next.js answers OPTIONS with `Allow` for each route
 * handler), so that a 405 can say so. Run once the server listens.
 */
export async function learnAllowedMethods(server: http.Server, distDir = '.next'): Promise<void> {
  const address = server.address() as net.AddressInfo;
  const host =
    address.address === '0.0.0.0' || address.address === '::'
      ? address.family === 'IPv6'
        ? '::1'
        : '127.0.0.1'
      : address.address;
  const port = address.port;
  const manifest = JSON.parse(
    fs.readFileSync(path.join(distDir, 'app-path-routes-manifest.json'), 'utf8'),
  ) as Record<string, string>;
  const patterns = Object.values(manifest).filter((p) => p === '/api' || p.startsWith('/api/'));
  const learnt = await Promise.all(
    patterns.map(async (pattern) => {
      const sample = pattern.replace(/\[\.\.\.[^\]]+\]/g, 'x').replace(/\[[^\]]+\]/g, '1');
      const allow = await new Promise<string | null>((resolve) => {
        const req = http.request({ host, port, path: sample, method: 'OPTIONS' }, (res) => {
          res.resume();
          resolve(typeof res.headers.allow === 'string' ? res.headers.allow : null);
        });
        req.on('error', () => resolve(null));
        req.end();
      });
      const segments = pattern.split('/').filter(Boolean);
      const regex = segments
        .map((s) =>
          s.startsWith('[...')
            ? '.+'
            : s.startsWith('[')
              ? '[^/]+'
              : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )
        .join('/');
      return allow
        ? {
            pattern: new RegExp(`^/${regex}/?$`),
            specificity:
              segments.filter((s) => !s.startsWith('[')).length * 100 -
              (pattern.includes('[...') ? 50 : 0) +
              segments.length,
            allow,
          }
        : null;
    }),
  );
  routes.splice(
    0,
    routes.length,
    ...learnt.filter((r): r is Route => r !== null).sort((a, b) => b.specificity - a.specificity),
  );
}
