'use client';

import { InboxOutlined } from '@ant-design/icons';
import { Alert, Form, Input, InputNumber, Modal, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { apiFetch } from '@/lib/client/api';
import { applyServerErrors, validateWith, zodRule } from '@/lib/client/forms';
import { createTaskAction, attachTaskDataAction } from '@/lib/actions/tasks';
import { useActionMutation } from '@/lib/client/actions';
import { useOrg } from '@/lib/client/org-context';
import type { Task } from '@/lib/client/types';
import { createTaskSchema } from '@/lib/tasks/schemas';
import { PAGE_UPLOAD_MAX_BYTES } from '@/lib/tasks/upload-limits';

type Values = { name: string; segment_size?: number | null; files?: UploadFile[] };

const IMAGE_QUALITY = 70;

/** A task in the project: name and segment size first, then the images as its data. */
export function CreateTaskModal({
  open,
  projectId,
  onClose,
  onCreated,
}: {
  open: boolean;
  projectId: number;
  onClose: () => void;
  onCreated: (task: Task) => void;
}) {
  const [form] = Form.useForm<Values>();
  const { org } = useOrg();
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const create = useActionMutation<Record<string, unknown>, Task>((scope, body) =>
    createTaskAction(scope, body),
  );
  const attach = useActionMutation<{ id: number; files: File[] }>((scope, { id, files }) => {
    const data = new FormData();
    files.forEach((file, i) => data.append(`client_files[${i}]`, file, file.name));
    data.append('image_quality', String(IMAGE_QUALITY));
    return attachTaskDataAction(scope, id, data);
  });

  async function submit() {
    setError(null);
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    const body = { name: values.name.trim(), project_id: projectId, segment_size: values.segment_size ?? 0 };
    if (!validateWith(form, createTaskSchema, body)) return;
    const files = (values.files ?? [])
      .map((f) => f.originFileObj)
      .filter((f): f is NonNullable<typeof f> => Boolean(f));
    if (files.reduce((sum, f) => sum + f.size, 0) > PAGE_UPLOAD_MAX_BYTES) {
      const limit = Math.round(PAGE_UPLOAD_MAX_BYTES / (1024 * 1024));
      form.setFields([
        {
          name: 'files',
          errors: [
            `This page uploads at most ${limit} MB at once; send larger sets with POST /api/tasks/{id}/data.`,
          ],
        },
      ]);
      return;
    }
    setUploading(true);
    let task: Task;
    try {
      task = await create.mutateAsync(body);
    } catch (err) {
      setUploading(false);
      setError(applyServerErrors(form, err, ['name', 'segment_size']));
      return;
    }
    try {
      await attach.mutateAsync({ id: task.id, files });
      onCreated(await apiFetch<Task>(`/tasks/${task.id}`, { org }));
    } catch (err) {
      const detail = applyServerErrors(form, err, []);
      setError(
        `The task "${task.name}" was created, but its images could not be uploaded: ${detail ?? 'see above'}`,
      );
    } finally {
      setUploading(false);
    }
  }

  return (
    <Modal
      title="New task"
      open={open}
      okText="Create and upload"
      onOk={submit}
      confirmLoading={uploading}
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
        initialValues={{ segment_size: 0, files: [] }}
      >
        <Form.Item label="Name" name="name" rules={zodRule(createTaskSchema.shape.name, 'a name')}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item
          label="Segment size"
          name="segment_size"
          extra="Frames per job; 0 puts every frame in one job."
          rules={zodRule(createTaskSchema.shape.segment_size)}
        >
          <InputNumber min={0} max={1_000_000} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          label="Images"
          name="files"
          valuePropName="fileList"
          getValueFromEvent={(e: { fileList: UploadFile[] }) => e.fileList}
          rules={[
            {
              validator: async (_r, v?: UploadFile[]) => {
                if (!v?.length) throw new Error('Add at least one image.');
              },
            },
          ]}
        >
          <Upload.Dragger
            multiple
            accept="image/*"
            beforeUpload={() => false}
            listType="text"
            aria-label="Images"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">Click or drop images here</p>
            <p className="ant-upload-hint">PNG, JPEG, GIF, WebP or BMP; one frame each, in this order.</p>
          </Upload.Dragger>
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}
