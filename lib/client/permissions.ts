'use client';

import type { PermissionSubject, Permission, Permissions } from '@/lib/permissions/subjects';
import type { OrgScope } from './api';
import { useApiQuery } from './hooks';

export type { Permission, Permissions };

/**
 * What the caller may do to or within one object, as the server's policy decides (GET /api/permissions).
 * `workspace` answers for the selected organization (or `scope`). While it loads, nothing is allowed.
 */
export function usePermissions(
  subject: PermissionSubject,
  id?: number | null,
  options: { scope?: OrgScope; enabled?: boolean } = {},
) {
  const enabled = (options.enabled ?? true) && (subject === 'workspace' || Boolean(id));
  const query = useApiQuery<{ can: Permissions }>(
    enabled ? '/permissions' : null,
    { subject, ...(id ? { id } : {}) },
    {
      ...('scope' in options ? { scope: options.scope } : subject === 'workspace' ? {} : { global: true }),
      staleTime: 30_000,
    },
  );
  const can = (action: string): Permission =>
    query.data?.can[action] ?? {
      allowed: false,
      reason: query.isPending ? 'Checking your permissions…' : null,
    };
  return { can, isLoading: enabled && query.isPending, query };
}
