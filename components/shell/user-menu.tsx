'use client';

import { DownOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { MenuButton } from '@/components/common/menu-button';
import { signOut } from 'next-auth/react';
import { useApiQuery } from '@/lib/client/hooks';
import type { User } from '@/lib/client/types';

export function useSelf() {
  return useApiQuery<User>('/users/self', undefined, { global: true, staleTime: 60_000 });
}

export function UserMenu({ nameClassName }: { nameClassName?: string }) {
  const self = useSelf();
  const name = self.data?.username ?? '…';
  return (
    <MenuButton
      items={[
        { key: 'who', label: `Signed in as ${name}`, disabled: true },
        { type: 'divider' },
        {
          key: 'signout',
          icon: <LogoutOutlined />,
          label: 'Sign out',
          onClick: () => {
            void signOut({ redirectTo: '/login' });
          },
        },
      ]}
    >
      <Button
        type="text"
        icon={<UserOutlined />}
        aria-label={`User menu for ${name}`}
        data-testid="user-menu"
      >
        <span className={nameClassName}>{name}</span>
        <DownOutlined style={{ fontSize: 10 }} />
      </Button>
    </MenuButton>
  );
}
