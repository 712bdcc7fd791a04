'use client';

import { Alert, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { applyServerErrors, validateWith, zodRule } from '@/lib/client/forms';
import type { Organization } from '@/lib/client/types';
import { createOrganizationSchema } from '@/lib/organizations/schemas';
import { useActionMutation } from '@/lib/client/actions';
import { createOrganizationAction } from '@/lib/actions/organizations';

type Values = { slug: string; name?: string; description?: string };
const shape = createOrganizationSchema.shape;

export function NewOrganizationModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (org: Organization) => void;
}) {
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const create = useActionMutation<Values, Organization>((_scope, body) => createOrganizationAction(body), {
    global: true,
  });

  async function submit() {
    setError(null);
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    const body = {
      slug: values.slug.trim(),
      name: values.name?.trim() ?? '',
      description: values.description ?? '',
    };
    if (!validateWith(form, createOrganizationSchema, body)) return;
    try {
      const org = await create.mutateAsync(body);
      form.resetFields();
      onCreated(org);
    } catch (err) {
      setError(applyServerErrors(form, err, ['slug', 'name', 'description']));
    }
  }

  return (
    <Modal
      title="New organization"
      open={open}
      okText="Create"
      onOk={submit}
      confirmLoading={create.isPending}
      onCancel={onClose}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item
          label="Short name (slug)"
          name="slug"
          extra="Letters, digits and hyphens; it cannot be changed later."
          rules={zodRule(shape.slug, 'a short name')}
        >
          <Input autoFocus maxLength={16} />
        </Form.Item>
        <Form.Item label="Full name" name="name" rules={zodRule(shape.name)}>
          <Input />
        </Form.Item>
        <Form.Item label="Description" name="description" rules={zodRule(shape.description)}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}
