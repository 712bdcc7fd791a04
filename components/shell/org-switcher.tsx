'use client';

import { Select } from 'antd';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useApiQuery } from '@/lib/client/hooks';
import { useOrg } from '@/lib/client/org-context';
import type { Organization, Paginated } from '@/lib/client/types';
import { NewOrganizationModal } from '@/components/organizations/new-organization-modal';

const PERSONAL = '';
const NEW = '__new__';

export function useMyOrganizations() {
  return useApiQuery<Paginated<Organization>>(
    '/organizations',
    { page_size: 'all', sort: 'slug' },
    { global: true },
  );
}

/** "Personal workspace" or one of the user's organizations; sets the context of every call. */
export function OrgSwitcher({ className }: { className?: string }) {
  const { org, setOrg } = useOrg();
  const orgs = useMyOrganizations();
  const router = useRouter();
  const pathname = usePathname();
  const [creating, setCreating] = useState(false);

  // A remembered organization the user no longer belongs to falls back to the personal workspace.
  useEffect(() => {
    if (org && orgs.data && !orgs.data.results.some((o) => o.slug === org)) setOrg(null);
  }, [org, orgs.data, setOrg]);

  function choose(slug: string | null) {
    setOrg(slug);
    if (pathname.startsWith('/organizations/'))
      router.push(slug ? `/organizations/${encodeURIComponent(slug)}` : '/projects');
  }

  return (
    <>
      <Select
        className={className}
        aria-label="Organization"
        data-testid="org-switcher"
        value={org ?? PERSONAL}
        loading={orgs.isPending}
        popupMatchSelectWidth={false}
        onChange={(value: string) => (value === NEW ? setCreating(true) : choose(value || null))}
        options={[
          { value: PERSONAL, label: 'Personal workspace' },
          ...(orgs.data?.results ?? []).map((o) => ({ value: o.slug, label: o.name || o.slug })),
          { value: NEW, label: '+ New organization' },
        ]}
      />
      <NewOrganizationModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setOrg(created.slug);
          router.push(`/organizations/${encodeURIComponent(created.slug)}`);
        }}
      />
    </>
  );
}
