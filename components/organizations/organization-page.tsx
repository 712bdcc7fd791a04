'use client';

import { ApiOutlined, DeleteOutlined, DownOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, Result, Row } from 'antd';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { usePermissions } from '@/lib/client/permissions';
import { linkItemClick, MenuButton } from '@/components/common/menu-button';
import { PageHeader } from '@/components/common/page-header';
import { QueryState } from '@/components/common/query-state';
import { formatDate, userLabel } from '@/components/common/user-name';
import { useSelf } from '@/components/shell/user-menu';
import { scopeOf } from '@/lib/client/api';
import { applyServerErrors, validateWith, zodRule } from '@/lib/client/forms';
import { useApiQuery } from '@/lib/client/hooks';
import { useOrg } from '@/lib/client/org-context';
import type { Membership, Organization, Paginated, Role } from '@/lib/client/types';
import { updateOrganizationSchema } from '@/lib/organizations/schemas';
import { InvitationsCard } from './invitations-card';
import { MembersCard } from './members-card';
import { useActionMutation } from '@/lib/client/actions';
import { deleteOrganizationAction, updateOrganizationAction } from '@/lib/actions/organizations';

export function OrganizationPage({ slug }: { slug: string }) {
  const found = useApiQuery<Paginated<Organization>>(
    '/organizations',
    { slug, page_size: 1 },
    { global: true },
  );
  return (
    <QueryState query={found}>
      {(list) =>
        list.results[0] ? (
          <OrganizationView org={list.results[0]} />
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

function OrganizationView({ org }: { org: Organization }) {
  const router = useRouter();
  const { modal, message } = App.useApp();
  const { org: selected, setOrg } = useOrg();
  const self = useSelf();
  const members = useApiQuery<Paginated<Membership>>(
    '/memberships',
    { page_size: 'all' },
    { scope: scopeOf(org.id) },
  );
  const myRole: Role | undefined = self.data?.is_superuser
    ? 'owner'
    : members.data?.results.find((m) => m.user !== null && m.user.id === self.data?.id)?.role;
  // The server's policy decides what is offered (GET /api/permissions); the role only tells owner from maintainer.
  const { can } = usePermissions('organization', org.id);
  const isStaff = can('update_organization').allowed;
  const remove = useActionMutation(() => deleteOrganizationAction(org.id), {
    global: true,
    removes: () => `/organizations/${org.id}`,
  });

  function confirmDelete() {
    modal.confirm({
      title: `Delete the organization "${org.name || org.slug}"?`,
      content:
        'Its projects, tasks, jobs, memberships and invitations are deleted with it. This cannot be undone.',
      okText: 'Delete',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await remove.mutateAsync();
          message.success('Organization deleted.');
          if (selected === org.slug) setOrg(null);
          router.push('/projects');
        } catch (error) {
          message.error(error instanceof Error ? error.message : String(error));
        }
      },
    });
  }

  return (
    <>
      <PageHeader
        title={org.name || org.slug}
        crumbs={[{ title: 'Organization' }, { title: org.slug }]}
        extra={
          <MenuButton
            items={[
              {
                key: 'webhooks',
                icon: <ApiOutlined />,
                label: (
                  <Link href={`/organizations/${encodeURIComponent(org.slug)}/webhooks`}>Setup webhooks</Link>
                ),
                onClick: linkItemClick(() =>
                  router.push(`/organizations/${encodeURIComponent(org.slug)}/webhooks`),
                ),
              },
              ...(myRole === 'owner'
                ? [
                    { type: 'divider' as const },
                    {
                      key: 'delete',
                      icon: <DeleteOutlined />,
                      label: 'Delete organization',
                      danger: true,
                      onClick: confirmDelete,
                    },
                  ]
                : []),
            ]}
          >
            <Button>
              Actions <DownOutlined />
            </Button>
          </MenuButton>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <DetailsCard org={org} editable={isStaff} refusal={can('update_organization').reason} />
        </Col>
        <Col xs={24} lg={14}>
          <MembersCard org={org} members={members} myRole={myRole} selfId={self.data?.id} />
        </Col>
        {can('invite').allowed && (
          <Col xs={24}>
            <InvitationsCard org={org} myRole={myRole} />
          </Col>
        )}
      </Row>
    </>
  );
}

type DetailsValues = { name: string; description: string };

function DetailsCard({
  org,
  editable,
  refusal,
}: {
  org: Organization;
  editable: boolean;
  refusal: string | null;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<DetailsValues>();
  const [error, setError] = useState<string | null>(null);
  const save = useActionMutation<DetailsValues, Organization>(
    (_scope, body) => updateOrganizationAction(org.id, body),
    { global: true },
  );
  const shape = updateOrganizationSchema.shape;

  async function onFinish(values: DetailsValues) {
    setError(null);
    const body = { name: values.name?.trim() ?? '', description: values.description ?? '' };
    if (!validateWith(form, updateOrganizationSchema, body)) return;
    try {
      await save.mutateAsync(body);
      message.success('Organization saved.');
    } catch (err) {
      setError(applyServerErrors(form, err, ['name', 'description']));
    }
  }

  return (
    <Card title="Details">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {!editable && refusal && <Alert type="info" showIcon title={refusal} style={{ marginBottom: 16 }} />}
      <Form<DetailsValues>
        form={form}
        layout="vertical"
        disabled={!editable}
        initialValues={{ name: org.name, description: org.description }}
        onFinish={onFinish}
      >
        <Form.Item label="Short name">
          <Input value={org.slug} disabled aria-label="Short name" />
        </Form.Item>
        <Form.Item label="Full name" name="name" rules={zodRule(shape.name)}>
          <Input />
        </Form.Item>
        <Form.Item label="Description" name="description" rules={zodRule(shape.description)}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item
          style={{ marginBottom: 0 }}
          extra={`Owner: ${userLabel(org.owner)} · created ${formatDate(org.created_date)}`}
        >
          {editable && (
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              Save
            </Button>
          )}
        </Form.Item>
      </Form>
    </Card>
  );
}
