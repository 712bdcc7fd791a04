'use client';

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
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
  const [org, setOrgState] = useState<string | null>(initialOrg);
  const setOrg = useCallback((slug: string | null) => {
    setOrgState(slug);
    remember(slug);
  }, []);
  useEffect(() => {
    if (initialOrg !== null) return;
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(ORG_STORAGE_KEY);
    } catch {
      stored = null;
    }
    if (stored) setOrg(stored);
  }, [initialOrg, setOrg]);
  return <OrgContext.Provider value={{ org, setOrg }}>{children}</OrgContext.Provider>;
}

export function useOrg(): OrgContextValue {
  return useContext(OrgContext);
}
