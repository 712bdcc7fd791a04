'use client';

import { Alert, Button, Col, Form, Input, Row } from 'antd';
import { signIn } from 'next-auth/react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiFetch } from '@/lib/client/api';
import { applyServerErrors, validateWith, zodRule } from '@/lib/client/forms';
import { registerSchema, username as usernameSchema } from '@/lib/users/schemas';
import { AuthCard } from './auth-card';

type Values = {
  username: string;
  email: string;
  password1: string;
  password2: string;
  first_name?: string;
  last_name?: string;
};
const FIELDS = ['username', 'email', 'password1', 'password2', 'first_name', 'last_name'];
const shape = registerSchema.shape;

export function RegisterForm() {
  const router = useRouter();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onFinish(values: Values) {
    setError(null);
    const body = { ...values, first_name: values.first_name ?? '', last_name: values.last_name ?? '' };
    if (!validateWith(form, registerSchema, body)) return;
    setBusy(true);
    try {
      await apiFetch('/auth/register', { method: 'POST', body });
      const result = await signIn('credentials', {
        username: values.username,
        password: values.password1,
        redirect: false,
      });
      if (!result || result.error) {
        router.replace('/login');
        return;
      }
      router.replace('/projects');
      router.refresh();
    } catch (err) {
      setError(applyServerErrors(form, err, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard
      title="Create an account"
      footer={
        <span>
          Already registered? <Link href="/login">Sign in</Link>
        </span>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} requiredMark="optional">
        <Form.Item label="Username" name="username" rules={zodRule(usernameSchema, 'a username')}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label="Email" name="email" rules={zodRule(shape.email, 'your email address')}>
          <Input type="email" autoComplete="email" />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item label="First name" name="first_name" rules={zodRule(shape.first_name)}>
              <Input autoComplete="given-name" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item label="Last name" name="last_name" rules={zodRule(shape.last_name)}>
              <Input autoComplete="family-name" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="Password" name="password1" rules={zodRule(shape.password1, 'a password')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label="Confirm password"
          name="password2"
          dependencies={['password1']}
          rules={[
            { required: true, message: 'Enter the password again.' },
            ({ getFieldValue }) => ({
              validator: async (_rule, value) => {
                if (value && value !== getFieldValue('password1'))
                  throw new Error("The two password fields didn't match.");
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          Create account
        </Button>
      </Form>
    </AuthCard>
  );
}
