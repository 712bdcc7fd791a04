import { settings } from '@/lib/config/settings';

/**
 * Set by Herald's HTTP server (lib/http/server.ts) on every request it hands to Next.js: the peer address
 * of the connection, behind this process's token, so that a client cannot send the header itself.
 */
export const CLIENT_HEADER = 'x-herald-client';

/** Generated once per server process, before Next.js loads; the route code runs in the same process. */
export function serverToken(): string | undefined {
  return process.env.HERALD_SERVER_TOKEN;
}

/**
 * The address the request came from: the connection's peer, or with TRUST_PROXY=1 the address the
 * proxy in front saw (the last X-Forwarded-For entry, the one that proxy added). `unknown` when neither
 * is available (the in-process test harness, `next dev`).
 */
export function clientAddress(req: Request): string {
  if (settings.trustProxy) {
    const forwarded = req.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded.toLowerCase();
  }
  const stamped = req.headers.get(CLIENT_HEADER);
  const token = serverToken();
  if (stamped && token) {
    const [proof, address] = stamped.split(' ', 2);
    if (proof === token && address) return address;
  }
  return 'unknown';
}
