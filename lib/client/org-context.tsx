'use client';

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { ORG_COOKIE, ORG_STORAGE_KEY } from './org-cookie';

type OrgContextValue = { org: string | null; setOrg: (slug: string | null) => void };

const OrgContext = createContext<OrgContextValue>({ org: null, setOrg: () => {} });

function remember(slug: string | null) {
  try {
    if (slug) localStorage.setItem(ORG_STORAGE_KEY, slug);
    else localStorage.removeItem(ORG_STORAGE_KEY);
  } catch {
    // Storage may be unavailable (private mode): the cookie still carries the choice.
  }
  document.cookie = slug
    ? `${ORG_COOKIE}=${encodeURIComponent(slug)}; path=/; max-age=31536000; samesite=lax`
    : `${ORG_COOKIE}=; path=/; max-age=0; samesite=lax`;
}

/**
 * The selected organization (slug), or null for the personal workspace. The server layout reads the
 * cookie so the first render is already in the right context; localStorage restores a lost cookie.
 */
export function OrgProvider({ initialOrg, children }: { initialOrg: string | null; children: ReactNode }) {
  // What the person picked in this page, once they pick; until then the cookie's choice, or (the cookie
  // lost) the one kept in localStorage, which the server cannot see and so renders as null.
  const [picked, setPicked] = useState<{ slug: string | null } | null>(null);
  const stored = useSyncExternalStore(ignoreChanges, readStoredOrg, () => null);
  const restored = initialOrg === null ? stored : null;
  const org = picked ? picked.slug : (initialOrg ?? restored);
  const setOrg = useCallback((slug: string | null) => {
    setPicked({ slug });
    remember(slug);
  }, []);
  useEffect(() => {
    if (restored) remember(restored);
  }, [restored]);
  return <OrgContext.Provider value={{ org, setOrg }}>{children}</OrgContext.Provider>;
}

function readStoredOrg(): string | null {
  try {
    return localStorage.getItem(ORG_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Another tab's choice is not followed into this one: the page keeps the organization it shows. */
function ignoreChanges(): () => void {
  return () => {};
}

export function useOrg(): OrgContextValue {
  return useContext(OrgContext);
}
