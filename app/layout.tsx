import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import './globals.css';

export const metadata: Metadata = {
  // One convention for every tab: "<what the page shows> · Herald" (pages give the first part).
  title: { default: 'Herald', template: '%s · Herald' },
  description: 'Webhooks for data-annotation teams',
  icons: { icon: '/favicon.ico', apple: '/icon-192.png' },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
