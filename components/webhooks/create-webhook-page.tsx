'use client';

import { Button, Card, Result } from 'antd';
import { useRouter, useSearchParams } from 'next/navigation';
import { PageHeader, type Crumb } from '@/components/common/page-header';
import { ErrorState, Loading } from '@/components/common/query-state';
import { useApiQuery } from '@/lib/client/hooks';
import { useOrg } from '@/lib/client/org-context';
import type { Organization, Project } from '@/lib/client/types';
import { usePermissions } from '@/lib/client/permissions';
import { listHref, useOrganization, useOrganizationBySlug } from './hooks';
import { WebhookForm } from './webhook-form';

/**
 * /webhooks/create?projectId=N (a project webhook, in the project's organization) or
 * /webhooks/create[?org=slug] (the named or the current organization; the personal workspace has
 * only project webhooks).
 */
export function CreateWebhookPage() {
  const params = useSearchParams();
  const { org: current } = useOrg();
  const rawProject = params.get('projectId');
  const projectId = rawProject && /^\d{1,10}$/.test(rawProject) ? Number(rawProject) : null;
  const project = useApiQuery<Project>(projectId ? `/projects/${projectId}` : null, undefined, {
    global: true,
  });
  const byId = useOrganization(project.data?.organization ?? null);
  const slug = projectId ? null : (params.get('org') ?? current);
  const bySlug = useOrganizationBySlug(slug);

  if (rawProject && !projectId) return <Result status="404" title="Not found" subTitle="No such project." />;
  if (projectId) {
    if (project.isPending) return <Loading />;
    if (project.isError) return <ErrorState error={project.error} onRetry={() => project.refetch()} />;
    if (project.data.organization !== null) {
      if (byId.isPending) return <Loading />;
      if (byId.isError) return <ErrorState error={byId.error} onRetry={() => byId.refetch()} />;
    }
    return <CreateView project={project.data} org={project.data.organization !== null ? byId.data! : null} />;
  }
  if (slug) {
    if (bySlug.isPending) return <Loading />;
    if (bySlug.isError) return <ErrorState error={bySlug.error} onRetry={() => bySlug.refetch()} />;
    const found = bySlug.data.results[0];
    if (!found)
      return (
        <Result
          status="404"
          title="Not found"
          subTitle={`There is no organization "${slug}" that you belong to.`}
        />
      );
    return <CreateView project={null} org={found} />;
  }
  return <CreateView project={null} org={null} />;
}

function CreateView({ project, org }: { project: Project | null; org: Organization | null }) {
  const router = useRouter();
  // The server's policy decides (GET /api/permissions): the form opens only for someone whose Submit it would accept.
  const projectPermissions = usePermissions('project', project?.id ?? null, { enabled: project !== null });
  const orgPermissions = usePermissions('organization', org?.id ?? null, {
    enabled: org !== null && project === null,
  });
  const isLoading = projectPermissions.isLoading || orgPermissions.isLoading;
  const allowed = project
    ? projectPermissions.can('create_webhook')
    : org
      ? orgPermissions.can('create_org_webhook')
      : { allowed: true, reason: null };
  const isStaff = org !== null && project === null && allowed.allowed;
  const back = project
    ? `/projects/${project.id}/webhooks`
    : org
      ? `/organizations/${encodeURIComponent(org.slug)}/webhooks`
      : '/projects';
  const crumbs: Crumb[] = project
    ? [
        { title: 'Projects', href: '/projects' },
        { title: project.name, href: `/projects/${project.id}` },
        { title: 'Webhooks', href: back },
        { title: 'Setup a webhook' },
      ]
    : org
      ? [
          { title: 'Organization', href: `/organizations/${encodeURIComponent(org.slug)}` },
          { title: org.name || org.slug, href: `/organizations/${encodeURIComponent(org.slug)}` },
          { title: 'Webhooks', href: back },
          { title: 'Setup a webhook' },
        ]
      : [{ title: 'Projects', href: '/projects' }, { title: 'Setup a webhook' }];
  if (isLoading) return <Loading />;
  if (!allowed.allowed) {
    return (
      <>
        <PageHeader title="Setup a webhook" crumbs={crumbs} />
        <Result
          status="403"
          title="You may not add a webhook here"
          subTitle={
            project
              ? allowed.reason
              : `${allowed.reason ?? ''} The owner of a project adds its webhooks from the project's Actions menu.`
          }
          extra={
            <Button type="primary" href={back}>
              Back to the webhooks
            </Button>
          }
        />
      </>
    );
  }
  return (
    <>
      <PageHeader title="Setup a webhook" crumbs={crumbs} />
      <Card>
        <WebhookForm
          mode="create"
          org={org}
          project={project}
          isStaff={isStaff}
          onCancel={() => router.push(back)}
          // A server webhook belongs to no list of the project or organization: its own page.
          onSaved={(w) =>
            router.push(w.type === 'server' ? `/webhooks/${w.id}` : (listHref(w, org?.slug) ?? back))
          }
        />
      </Card>
    </>
  );
}
