'use client';

import { DeleteOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions } from 'antd';
import { useRouter } from 'next/navigation';
import { Guarded } from '@/components/common/guarded';
import { usePermissions } from '@/lib/client/permissions';
import { PageHeader, type Crumb } from '@/components/common/page-header';
import { QueryState } from '@/components/common/query-state';
import { formatDate, userLabel } from '@/components/common/user-name';
import { LabelTags } from '@/components/projects/labels-input';
import { useApiQuery } from '@/lib/client/hooks';
import type { Project, Task } from '@/lib/client/types';
import { JobsTable } from './jobs-table';
import { useActionMutation } from '@/lib/client/actions';
import { deleteTaskAction } from '@/lib/actions/tasks';

export function TaskPage({ id }: { id: number }) {
  const task = useApiQuery<Task>(`/tasks/${id}`);
  return <QueryState query={task}>{(t) => <TaskView task={t} />}</QueryState>;
}

function TaskView({ task }: { task: Task }) {
  const router = useRouter();
  const { modal, message } = App.useApp();
  const project = useApiQuery<Project>(task.project_id ? `/projects/${task.project_id}` : null);
  const { can } = usePermissions('task', task.id);
  const remove = useActionMutation((scope) => deleteTaskAction(scope, task.id), {
    removes: () => `/tasks/${task.id}`,
  });
  const crumbs: Crumb[] = task.project_id
    ? [
        { title: 'Projects', href: '/projects' },
        { title: project.data?.name ?? `Project #${task.project_id}`, href: `/projects/${task.project_id}` },
        { title: task.name },
      ]
    : [{ title: 'Tasks', href: '/tasks' }, { title: task.name }];

  function confirmDelete() {
    modal.confirm({
      title: `Delete the task "${task.name}"?`,
      content: 'Its images, jobs, issues and comments are deleted with it. This cannot be undone.',
      okText: 'Delete',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await remove.mutateAsync();
          message.success('Task deleted.');
          router.push(task.project_id ? `/projects/${task.project_id}` : '/tasks');
        } catch (error) {
          message.error(error instanceof Error ? error.message : String(error));
        }
      },
    });
  }

  return (
    <>
      <PageHeader
        title={task.name}
        crumbs={crumbs}
        extra={
          <Guarded permission={can('delete')}>
            <Button danger icon={<DeleteOutlined />} onClick={confirmDelete}>
              Delete task
            </Button>
          </Guarded>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            { key: 'frames', label: 'Frames', children: task.size ?? 'no data yet' },
            { key: 'segment', label: 'Segment size', children: task.segment_size || 'one job' },
            { key: 'status', label: 'Status', children: task.status },
            { key: 'owner', label: 'Owner', children: userLabel(task.owner) },
            { key: 'created', label: 'Created', children: formatDate(task.created_date) },
            { key: 'labels', label: 'Labels', children: <LabelTags labels={task.labels} max={12} /> },
          ]}
        />
      </Card>
      <Card title="Jobs">
        <JobsTable taskId={task.id} organization={task.organization} />
      </Card>
    </>
  );
}
