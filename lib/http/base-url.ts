import { settings } from '@/lib/config/settings';

/** The scheme and host clients used to reach us: objects carry absolute `url`s built from it. */
export function getBaseUrl(req: Request): string {
  if (settings.publicUrl) return settings.publicUrl;
  const url = new URL(req.url);
  const forwardedHost = req.headers.get('x-forwarded-host')?.split(',')[0].trim();
  const forwardedProto = req.headers.get('x-forwarded-proto')?.split(',')[0].trim();
  const host = forwardedHost || req.headers.get('host') || url.host;
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : url.protocol.replace(':', '');
  return `${proto}://${host}`;
}
