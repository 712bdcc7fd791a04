'use client';

import { Alert, Button, Form, Input } from 'antd';
import { signIn } from 'next-auth/react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { safeRedirectPath } from '@/lib/auth/safe-redirect';
import { AuthCard } from './auth-card';

type Values = { username: string; password: string };

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const requested = params.get('callbackUrl') ?? params.get('next');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onFinish({ username, password }: Values) {
    setBusy(true);
    setError(null);
    try {
      const result = await signIn('credentials', { username, password, redirect: false });
      if (result?.status === 429 || result?.code === 'throttled') {
        setError('Too many failed sign-in attempts. Wait a few minutes, then try again.');
        return;
      }
      if (!result || result.error) {
        setError('Invalid username or password');
        return;
      }
      // Only paths of Herald itself are followed (`/\\host`, `//host` and other sites land on /projects).
      router.replace(safeRedirectPath(requested, window.location.origin));
      router.refresh();
    } catch {
      setError('The server could not be reached. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard
      title="Sign in"
      footer={
        <span>
          No account yet? <Link href="/register">Create one</Link>
        </span>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form<Values> layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item
          label="Username"
          name="username"
          rules={[{ required: true, message: 'Enter your username.' }]}
        >
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          label="Password"
          name="password"
          rules={[{ required: true, message: 'Enter your password.' }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          Sign in
        </Button>
      </Form>
    </AuthCard>
  );
}
