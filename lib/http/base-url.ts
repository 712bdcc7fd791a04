import { settings } from '@/lib/config/settings';

/**
 * The scheme and host this request reached us on: its Host header (X-Forwarded-Host/-Proto only with
 * TRUST_PROXY=1, when a proxy of ours sets them; otherwise any client could choose the host that other
 * users' payloads and links point to).
 */
export function requestOrigin(req: Request): string {
  const url = new URL(req.url);
  const forwardedHost = settings.trustProxy
    ? req.headers.get('x-forwarded-host')?.split(',')[0].trim()
    : undefined;
  const forwardedProto = settings.trustProxy
    ? req.headers.get('x-forwarded-proto')?.split(',')[0].trim()
    : undefined;
  const host = forwardedHost || req.headers.get('host') || url.host;
  const proto =
    forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : url.protocol.replace(':', '');
  return `${proto}://${host}`;
}

/** The base of the absolute `url`s objects carry: PUBLIC_URL, or the origin the request came in on. */
export function getBaseUrl(req: Request): string {
  return settings.publicUrl ?? requestOrigin(req);
}
