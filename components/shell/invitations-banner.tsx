'use client';

import { Alert, App, Button, Space } from 'antd';
import { useApiQuery } from '@/lib/client/hooks';
import { useOrg } from '@/lib/client/org-context';
import type { Invitation, Paginated } from '@/lib/client/types';
import { useSelf } from './user-menu';
import { useActionMutation } from '@/lib/client/actions';
import { respondToInvitationAction } from '@/lib/actions/organizations';

/** Invitations addressed to the signed-in user, on every page until accepted or declined. */
export function InvitationsBanner() {
  const self = useSelf();
  const { setOrg } = useOrg();
  const { message } = App.useApp();
  const pending = useApiQuery<Paginated<Invitation>>(
    '/invitations',
    { user_id: self.data?.id, accepted: 'false', page_size: 100 },
    { global: true, enabled: Boolean(self.data) },
  );
  const respond = useActionMutation<{ key: string; how: 'accept' | 'decline' }>(
    (_scope, { key, how }) => respondToInvitationAction(key, how),
    { global: true },
  );

  const mine = (pending.data?.results ?? []).filter(
    (i) => i.user?.id === self.data?.id && !i.expired && !i.accepted,
  );
  if (mine.length === 0) return null;

  async function answer(invitation: Invitation, how: 'accept' | 'decline') {
    const name =
      invitation.organization_info?.name || invitation.organization_info?.slug || 'the organization';
    try {
      await respond.mutateAsync({ key: invitation.key, how });
      if (how === 'accept') {
        message.success(`You joined ${name}.`);
        if (invitation.organization_info?.slug) setOrg(invitation.organization_info.slug);
      } else {
        message.info(`Invitation to ${name} declined.`);
      }
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <Space orientation="vertical" style={{ width: '100%', marginBottom: 16 }} data-testid="invitations">
      {mine.map((invitation) => {
        const name =
          invitation.organization_info?.name ||
          invitation.organization_info?.slug ||
          `organization #${invitation.organization}`;
        return (
          <Alert
            key={invitation.key}
            type="info"
            showIcon
            title={
              <span>
                <strong>{invitation.owner?.username ?? 'Someone'}</strong> invited you to join{' '}
                <strong>{name}</strong> as {invitation.role}.
              </span>
            }
            action={
              <Space wrap>
                <Button
                  size="small"
                  type="primary"
                  loading={respond.isPending}
                  onClick={() => answer(invitation, 'accept')}
                >
                  Accept
                </Button>
                <Button
                  size="small"
                  onClick={() => answer(invitation, 'decline')}
                  disabled={respond.isPending}
                >
                  Decline
                </Button>
              </Space>
            }
          />
        );
      })}
    </Space>
  );
}
