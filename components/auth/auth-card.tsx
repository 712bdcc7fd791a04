import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';

/** The centred card of the sign-in and registration pages. */
export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 16 }}>
      <Card style={{ width: '100%', maxWidth: 420 }}>
        <Typography.Title level={2} style={{ marginTop: 0, marginBottom: 4, color: '#3b5bdb' }}>
          Herald
        </Typography.Title>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {title}
        </Typography.Title>
        {children}
        <div style={{ marginTop: 8 }}>{footer}</div>
      </Card>
    </main>
  );
}
