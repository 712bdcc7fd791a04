import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';

/** The centred card of the sign-in and registration pages: the brand, the page's one `h1`, the form. */
export function AuthCard({
  title,
  children,
  footer,
}: {
  title: string;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <main
        id="main"
        tabIndex={-1}
        style={{
          minHeight: '100vh',
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
          padding: 16,
          outline: 'none',
        }}
      >
        <Card style={{ width: '100%', maxWidth: 420 }}>
          <div style={{ fontSize: 30, fontWeight: 600, marginBottom: 4, color: '#3b5bdb' }}>Herald</div>
          <Typography.Title level={1} style={{ marginTop: 0, fontSize: 20 }}>
            {title}
          </Typography.Title>
          {children}
          <div style={{ marginTop: 8 }}>{footer}</div>
        </Card>
      </main>
    </>
  );
}
