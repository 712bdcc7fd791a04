'use client';

import type { UseQueryResult } from '@tanstack/react-query';
import { App, Button, Card, Empty, Popconfirm, Select, Table, Tag } from 'antd';
import { ErrorState } from '@/components/common/query-state';
import { formatDate, userLabel } from '@/components/common/user-name';
import { scopeOf } from '@/lib/client/api';
import type { BasicUser, Membership, Organization, Paginated, Role } from '@/lib/client/types';
import { ASSIGNABLE_ROLES, updateMembershipSchema } from '@/lib/memberships/schemas';
import { useActionMutation } from '@/lib/client/actions';
import { deleteMembershipAction, updateMembershipAction } from '@/lib/actions/organizations';

export const ROLE_OPTIONS = ASSIGNABLE_ROLES.map((r) => ({ value: r, label: r }));

/** A membership whose user was read with it (the API gives null for one deleted meanwhile). */
type Member = Membership & { user: BasicUser };
const hasUser = (m: Membership): m is Member => m.user !== null;

/** Members with their roles: staff change roles and remove people; anyone may leave. */
export function MembersCard({
  org,
  members,
  myRole,
  selfId,
}: {
  org: Organization;
  members: UseQueryResult<Paginated<Membership>, Error>;
  myRole?: Role;
  selfId?: number;
}) {
  const { message } = App.useApp();
  const scope = scopeOf(org.id);
  const setRole = useActionMutation<{ id: number; role: string }>(
    (s, { id, role }) => updateMembershipAction(s, id, { role }),
    { scope },
  );
  const remove = useActionMutation<number>((s, id) => deleteMembershipAction(s, id), {
    scope,
    removes: (id) => `/memberships/${id}`,
  });
  const isStaff = myRole === 'owner' || myRole === 'maintainer';

  async function changeRole(m: Member, role: string) {
    const checked = updateMembershipSchema.safeParse({ role });
    if (!checked.success) return message.error(checked.error.issues[0]?.message ?? 'Invalid role.');
    try {
      await setRole.mutateAsync({ id: m.id, role });
      message.success(`${m.user.username} is now ${role}.`);
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    }
  }

  async function removeMember(m: Member) {
    try {
      await remove.mutateAsync(m.id);
      message.success(
        m.user.id === selfId ? 'You left the organization.' : `${m.user.username} was removed.`,
      );
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <Card title={`Members${members.data ? ` (${members.data.count})` : ''}`}>
      {members.isError ? (
        <ErrorState error={members.error} onRetry={() => members.refetch()} />
      ) : (
        <Table<Member>
          rowKey="id"
          size="small"
          loading={members.isPending}
          dataSource={members.data?.results.filter(hasUser)}
          pagination={false}
          scroll={{ x: 480 }}
          locale={{ emptyText: <Empty description="No members" /> }}
          columns={[
            {
              title: 'User',
              dataIndex: 'user',
              render: (u: BasicUser, m) => (
                <span data-testid={`member-${u.username}`}>
                  {userLabel(u)}
                  {m.user.id === selfId && <Tag style={{ marginLeft: 6 }}>you</Tag>}
                </span>
              ),
            },
            {
              title: 'Role',
              dataIndex: 'role',
              width: 170,
              render: (role: Role, m) =>
                isStaff && role !== 'owner' && m.user.id !== selfId ? (
                  <Select
                    aria-label={`Role of ${m.user.username}`}
                    size="small"
                    style={{ width: 140 }}
                    value={role}
                    options={ROLE_OPTIONS}
                    onChange={(r) => changeRole(m, r)}
                  />
                ) : (
                  <Tag color={role === 'owner' ? 'gold' : undefined}>{role}</Tag>
                ),
            },
            { title: 'Joined', dataIndex: 'joined_date', render: formatDate, responsive: ['md'] },
            {
              title: '',
              key: 'actions',
              width: 110,
              render: (_: unknown, m) =>
                m.role !== 'owner' && (isStaff || m.user.id === selfId) ? (
                  <Popconfirm
                    title={m.user.id === selfId ? 'Leave this organization?' : `Remove ${m.user.username}?`}
                    okText={m.user.id === selfId ? 'Leave' : 'Remove'}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => removeMember(m)}
                  >
                    <Button size="small" danger>
                      {m.user.id === selfId ? 'Leave' : 'Remove'}
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      )}
    </Card>
  );
}
