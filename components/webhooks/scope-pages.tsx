'use client';

import { Result, Segmented } from 'antd';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { QueryState } from '@/components/common/query-state';
import { useApiQuery } from '@/lib/client/hooks';
import type { Project } from '@/lib/client/types';
import { usePermissions } from '@/lib/client/permissions';
import { useOrganizationBySlug } from './hooks';
import { WebhooksList } from './webhooks-list';

/** /projects/{id}/webhooks: the project's webhooks; "+" for its owner and the organization's staff. */
export function ProjectWebhooksPage({ projectId }: { projectId: number }) {
  const project = useApiQuery<Project>(`/projects/${projectId}`, undefined, { global: true });
  return <QueryState query={project}>{(p) => <ProjectWebhooks project={p} />}</QueryState>;
}

function ProjectWebhooks({ project }: { project: Project }) {
  const { can } = usePermissions('project', project.id);
  const create = can('create_webhook');
  return (
    <WebhooksList
      title="Webhooks"
      crumbs={[
        { title: 'Projects', href: '/projects' },
        { title: project.name, href: `/projects/${project.id}` },
        { title: 'Webhooks' },
      ]}
      filter={{ project_id: project.id }}
      scope={undefined}
      createHref={create.allowed ? `/webhooks/create?projectId=${project.id}` : null}
      createRefusal={create.reason}
    />
  );
}

/**
 * /organizations/{slug}/webhooks: the organization's webhooks (or every webhook in it, project ones
 * included); "+" only for its owners and maintainers.
 */
export function OrganizationWebhooksPage({ slug }: { slug: string }) {
  const found = useOrganizationBySlug(slug);
  return (
    <QueryState query={found}>
      {(list) =>
        list.results[0] ? (
          <OrganizationWebhooks
            id={list.results[0].id}
            slug={list.results[0].slug}
            name={list.results[0].name || list.results[0].slug}
          />
        ) : (
          <Result
            status="404"
            title="Not found"
            subTitle={`There is no organization "${slug}" that you belong to.`}
          />
        )
      }
    </QueryState>
  );
}

function OrganizationWebhooks({ id, slug, name }: { id: number; slug: string; name: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const { can } = usePermissions('organization', id);
  const create = can('create_org_webhook');
  const seeAll = can('see_all_webhooks');
  const all = params.get('type') === 'all';
  return (
    <WebhooksList
      title="Webhooks"
      crumbs={[
        { title: 'Organization', href: `/organizations/${encodeURIComponent(slug)}` },
        { title: name, href: `/organizations/${encodeURIComponent(slug)}` },
        { title: 'Webhooks' },
      ]}
      filter={all ? {} : { type: 'organization' }}
      scope={slug}
      createHref={create.allowed ? `/webhooks/create?org=${encodeURIComponent(slug)}` : null}
      createRefusal={create.reason}
      notice={!seeAll.allowed && seeAll.reason ? seeAll.reason : undefined}
      emptyText={!seeAll.allowed && seeAll.reason ? 'No webhooks you may see' : undefined}
      toolbar={
        <Segmented
          aria-label="Which webhooks"
          value={all ? 'all' : 'organization'}
          options={[
            { value: 'organization', label: 'Organization webhooks' },
            { value: 'all', label: 'All, with projects' },
          ]}
          onChange={(v) => {
            const q = new URLSearchParams(params.toString());
            q.delete('page');
            if (v === 'all') q.set('type', 'all');
            else q.delete('type');
            router.replace(`${pathname}${q.size ? `?${q}` : ''}`);
          }}
        />
      }
    />
  );
}
