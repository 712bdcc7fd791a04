'use client';

import { Alert, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { applyServerErrors, validateWith, zodRule } from '@/lib/client/forms';
import type { Project } from '@/lib/client/types';
import { createProjectSchema, updateProjectSchema } from '@/lib/projects/schemas';
import { LabelsInput } from './labels-input';
import { useActionMutation } from '@/lib/client/actions';
import { createProjectAction, updateProjectAction } from '@/lib/actions/projects';

type Values = { name: string; labels?: string[] };

/** Creates a project, or edits one (`project` given): its name and labels. */
export function ProjectFormModal({
  open,
  project,
  onClose,
  onSaved,
}: {
  open: boolean;
  project?: Project;
  onClose: () => void;
  onSaved: (project: Project) => void;
}) {
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const save = useActionMutation<Record<string, unknown>, Project>((scope, body) =>
    project ? updateProjectAction(scope, project.id, body) : createProjectAction(scope, body),
  );

  async function submit() {
    setError(null);
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    const names = values.labels ?? [];
    let body: Record<string, unknown>;
    if (project) {
      // CVAT's label semantics: unknown names are added, missing ones deleted by id.
      const kept = new Set(names);
      const existing = new Set(project.labels.map((l) => l.name));
      body = {
        name: values.name.trim(),
        labels: [
          ...project.labels
            .filter((l) => !kept.has(l.name))
            .map((l) => ({ id: l.id, name: l.name, deleted: true })),
          ...names.filter((n) => !existing.has(n)).map((name) => ({ name })),
        ],
      };
      if (!validateWith(form, updateProjectSchema, body)) return;
    } else {
      body = { name: values.name.trim(), labels: names.map((name) => ({ name })) };
      if (!validateWith(form, createProjectSchema, body)) return;
    }
    try {
      const saved = await save.mutateAsync(body);
      onSaved(saved);
    } catch (err) {
      setError(applyServerErrors(form, err, ['name', 'labels']));
    }
  }

  return (
    <Modal
      title={project ? 'Edit project' : 'New project'}
      open={open}
      okText={project ? 'Save' : 'Create'}
      onOk={submit}
      confirmLoading={save.isPending}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        preserve={false}
        initialValues={{ name: project?.name ?? '', labels: project?.labels.map((l) => l.name) ?? [] }}
      >
        <Form.Item label="Name" name="name" rules={zodRule(createProjectSchema.shape.name, 'a name')}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item label="Labels" name="labels" extra="Press Enter after each label.">
          <LabelsInput />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}
