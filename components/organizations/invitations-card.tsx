'use client';

import { App, Button, Card, Empty, Flex, Form, Input, Popconfirm, Select, Table, Tag } from 'antd';
import { ErrorState } from '@/components/common/query-state';
import { formatDate, userLabel } from '@/components/common/user-name';
import { scopeOf } from '@/lib/client/api';
import { applyServerErrors, validateWith, zodRule } from '@/lib/client/forms';
import { useApiQuery } from '@/lib/client/hooks';
import type { Invitation, Organization, Paginated, Role } from '@/lib/client/types';
import { createInvitationSchema } from '@/lib/invitations/schemas';
import { ROLE_OPTIONS } from './members-card';
import { useActionMutation } from '@/lib/client/actions';
import { createInvitationAction, revokeInvitationAction } from '@/lib/actions/organizations';

type Values = { email: string; role: string };

/** Pending invitations of the organization; invite someone by email with a role, or revoke. */
export function InvitationsCard({ org, myRole }: { org: Organization; myRole?: Role }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const scope = scopeOf(org.id);
  const invitations = useApiQuery<Paginated<Invitation>>(
    '/invitations',
    { accepted: 'false', page_size: 'all' },
    { scope },
  );
  const invite = useActionMutation<Values, Invitation>((s, body) => createInvitationAction(s, body), {
    scope,
  });
  const revoke = useActionMutation<string>((s, key) => revokeInvitationAction(s, key), {
    scope,
    removes: (key) => `/invitations/${encodeURIComponent(key)}`,
  });
  // Only the owner may invite maintainers.
  const roles = myRole === 'owner' ? ROLE_OPTIONS : ROLE_OPTIONS.filter((r) => r.value !== 'maintainer');

  async function onFinish(values: Values) {
    const body = { email: values.email?.trim() ?? '', role: values.role };
    if (!validateWith(form, createInvitationSchema, body)) return;
    try {
      await invite.mutateAsync(body);
      message.success(`Invitation sent to ${body.email}.`);
      form.resetFields();
    } catch (error) {
      const rest = applyServerErrors(form, error, ['email', 'role']);
      if (rest) message.error(rest);
    }
  }

  return (
    <Card title="Invitations">
      <Form<Values>
        form={form}
        layout="inline"
        onFinish={onFinish}
        initialValues={{ role: 'worker' }}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item
          name="email"
          rules={zodRule(createInvitationSchema.shape.email, 'an email address')}
          style={{ minWidth: 240, flex: '1 1 240px' }}
        >
          <Input type="email" placeholder="Email address" aria-label="Email to invite" />
        </Form.Item>
        <Form.Item name="role">
          <Select aria-label="Role of the invitee" options={roles} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={invite.isPending}>
            Invite
          </Button>
        </Form.Item>
      </Form>
      {invitations.isError ? (
        <ErrorState error={invitations.error} onRetry={() => invitations.refetch()} />
      ) : (
        <Table<Invitation>
          rowKey="key"
          size="small"
          loading={invitations.isPending}
          dataSource={invitations.data?.results}
          pagination={false}
          scroll={{ x: 520 }}
          locale={{ emptyText: <Empty description="No pending invitations" /> }}
          columns={[
            {
              title: 'Invitee',
              dataIndex: 'user',
              render: (user: Invitation['user'], i) => (user ? userLabel(user) : i.email),
            },
            { title: 'Role', dataIndex: 'role', width: 120 },
            { title: 'Invited by', dataIndex: 'owner', render: userLabel, responsive: ['md'] },
            { title: 'Sent', dataIndex: 'created_date', render: formatDate, responsive: ['md'] },
            {
              title: 'Status',
              dataIndex: 'expired',
              width: 100,
              render: (expired: boolean) => (expired ? <Tag>expired</Tag> : <Tag color="blue">pending</Tag>),
            },
            {
              title: '',
              key: 'actions',
              width: 100,
              render: (_: unknown, i) => (
                <Flex justify="end">
                  <Popconfirm
                    title="Revoke this invitation?"
                    okText="Revoke"
                    okButtonProps={{ danger: true }}
                    onConfirm={() =>
                      revoke.mutateAsync(i.key).then(
                        () => message.success('Invitation revoked.'),
                        (e: Error) => message.error(e.message),
                      )
                    }
                  >
                    <Button size="small" danger>
                      Revoke
                    </Button>
                  </Popconfirm>
                </Flex>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
