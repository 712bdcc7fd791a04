import { settings } from '@/lib/config/settings';
import { requestOrigin } from './base-url';
import { forbidden } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * A state change authenticated by the browser's cookie must come from a page of Herald's own origin: the
 * browser says where it comes from (`Sec-Fetch-Site`, `Origin`), and a form on another port, another
 * subdomain or another site is refused, whatever it posts (an empty body of any type included). A request
 * that says neither is refused too: every browser sends `Origin` with these methods. Token and Basic
 * clients carry their credentials themselves and are not concerned.
 */
export function requireSameOrigin(req: Request): void {
  const site = req.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') throw crossSite();
  const origin = req.headers.get('origin');
  if (origin === null) {
    if (site === 'same-origin') return;
    throw crossSite();
  }
  const ours = new Set([hostOf(requestOrigin(req))]);
  if (settings.publicUrl) ours.add(hostOf(settings.publicUrl));
  const theirs = hostOf(origin);
  if (!theirs || !ours.has(theirs)) throw crossSite();
}

function crossSite() {
  return forbidden(
    'Cross-site request refused: changes made with a browser session must come from Herald itself.',
  );
}
