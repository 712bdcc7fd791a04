/** Where a person lands after signing in when the requested place is not one of Herald's own. */
export const AFTER_SIGN_IN = '/projects';

/**
 * The path of Herald itself that `raw` names, or AFTER_SIGN_IN. Only a plain path (`/tasks/3?x=1`) or an
 * absolute URL of `origin` itself is followed: `//host`, `/\host`, `\\host` (browsers read a backslash
 * as a slash), schemes (`javascript:`, `https://elsewhere`) and control characters are refused.
 * Shared by the sign-in form and next-auth's redirect callback.
 */
export function safeRedirectPath(raw: string | null | undefined, origin?: string): string {
  if (!raw || raw.length > 2048 || hasControlOrBackslash(raw)) return AFTER_SIGN_IN;
  let candidate = raw;
  if (origin && !raw.startsWith('/')) {
    try {
      const url = new URL(raw);
      if (url.origin !== origin) return AFTER_SIGN_IN;
      candidate = `${url.pathname}${url.search}${url.hash}`;
    } catch {
      return AFTER_SIGN_IN;
    }
  }
  if (!candidate.startsWith('/') || candidate.startsWith('//')) return AFTER_SIGN_IN;
  // Resolved against a placeholder origin, a path of ours stays on it.
  const base = 'http://herald.invalid';
  const resolved = new URL(candidate, base);
  return resolved.origin === base ? `${resolved.pathname}${resolved.search}${resolved.hash}` : AFTER_SIGN_IN;
}

/** A control character (U+0000–U+001F, U+007F) or a backslash anywhere in `text`. */
function hasControlOrBackslash(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}
