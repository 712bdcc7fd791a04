'use client';

import { AntdRegistry } from '@ant-design/nextjs-registry';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { useState, type ReactNode } from 'react';
import { KeyboardScrollRegions } from './common/keyboard-scroll-regions';

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }),
  );
  return (
    <AntdRegistry>
      <ConfigProvider
        theme={{
          token: {
            colorPrimary: '#3b5bdb',
            colorLink: '#3b5bdb',
            colorError: '#c92a2a',
            colorInfo: '#3b5bdb',
            borderRadius: 6,
            colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
            colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
            colorTextDescription: 'rgba(0, 0, 0, 0.62)',
            colorTextPlaceholder: 'rgba(0, 0, 0, 0.58)',
            colorTextQuaternary: 'rgba(0, 0, 0, 0.58)',
          },
        }}
      >
        <AntApp>
          <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
          <KeyboardScrollRegions />
        </AntApp>
      </ConfigProvider>
    </AntdRegistry>
  );
}
