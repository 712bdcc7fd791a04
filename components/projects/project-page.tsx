'use client';

import { DeleteOutlined, DownOutlined, EditOutlined, PlusOutlined, ApiOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Empty, Table } from 'antd';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { linkItemClick, MenuButton } from '@/components/common/menu-button';
import { Guarded, guardItem } from '@/components/common/guarded';
import { PageHeader } from '@/components/common/page-header';
import { usePermissions } from '@/lib/client/permissions';
import { ErrorState, QueryState } from '@/components/common/query-state';
import { formatDate, userLabel } from '@/components/common/user-name';
import { CreateTaskModal } from '@/components/tasks/create-task-modal';
import { scopeOf } from '@/lib/client/api';
import { useApiQuery } from '@/lib/client/hooks';
import type { Paginated, Project, Task } from '@/lib/client/types';
import { LabelTags } from './labels-input';
import { ProjectFormModal } from './project-form-modal';
import { useActionMutation } from '@/lib/client/actions';
import { deleteProjectAction } from '@/lib/actions/projects';

export function ProjectPage({ id }: { id: number }) {
  const project = useApiQuery<Project>(`/projects/${id}`);
  return <QueryState query={project}>{(p) => <ProjectView project={p} />}</QueryState>;
}

function ProjectView({ project }: { project: Project }) {
  const router = useRouter();
  const { modal, message } = App.useApp();
  const [editing, setEditing] = useState(false);
  const [creatingTask, setCreatingTask] = useState(false);
  const { can } = usePermissions('project', project.id);
  const tasks = useApiQuery<Paginated<Task>>(
    '/tasks',
    { project_id: project.id, page_size: 'all', sort: '-id' },
    { scope: scopeOf(project.organization) },
  );
  const remove = useActionMutation((scope) => deleteProjectAction(scope, project.id), {
    removes: () => `/projects/${project.id}`,
  });

  function confirmDelete() {
    modal.confirm({
      title: `Delete the project "${project.name}"?`,
      content: 'Its tasks, jobs, issues and comments are deleted with it. This cannot be undone.',
      okText: 'Delete',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await remove.mutateAsync();
          message.success('Project deleted.');
          router.push('/projects');
        } catch (error) {
          message.error(error instanceof Error ? error.message : String(error));
        }
      },
    });
  }

  return (
    <>
      <PageHeader
        title={project.name}
        crumbs={[{ title: 'Projects', href: '/projects' }, { title: project.name }]}
        extra={
          <>
            <Guarded permission={can('create_task')}>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreatingTask(true)}>
                New task
              </Button>
            </Guarded>
            <MenuButton
              items={[
                {
                  key: 'webhooks',
                  icon: <ApiOutlined />,
                  label: <Link href={`/projects/${project.id}/webhooks`}>Setup webhooks</Link>,
                  onClick: linkItemClick(() => router.push(`/projects/${project.id}/webhooks`)),
                },
                guardItem(
                  { key: 'edit', icon: <EditOutlined />, label: 'Edit', onClick: () => setEditing(true) },
                  can('update'),
                ),
                { type: 'divider' },
                guardItem(
                  {
                    key: 'delete',
                    icon: <DeleteOutlined />,
                    label: 'Delete',
                    danger: true,
                    onClick: confirmDelete,
                  },
                  can('delete'),
                ),
              ]}
            >
              <Button>
                Actions <DownOutlined />
              </Button>
            </MenuButton>
          </>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            {
              key: 'labels',
              label: 'Labels',
              children: <LabelTags labels={project.labels} max={20} />,
              span: 'filled',
            },
            { key: 'owner', label: 'Owner', children: userLabel(project.owner) },
            { key: 'status', label: 'Status', children: project.status },
            { key: 'created', label: 'Created', children: formatDate(project.created_date) },
          ]}
        />
      </Card>
      <Card title="Tasks">
        {tasks.isError ? (
          <ErrorState error={tasks.error} onRetry={() => tasks.refetch()} />
        ) : (
          <Table<Task>
            rowKey="id"
            loading={tasks.isPending}
            dataSource={tasks.data?.results}
            pagination={false}
            locale={{
              emptyText: (
                <Empty description="No tasks in this project yet">
                  <Guarded permission={can('create_task')} hide>
                    <Button type="primary" onClick={() => setCreatingTask(true)}>
                      Create a task
                    </Button>
                  </Guarded>
                </Empty>
              ),
            }}
            columns={[
              {
                title: 'Name',
                dataIndex: 'name',
                render: (name: string, t) => <Link href={`/tasks/${t.id}`}>{name}</Link>,
              },
              { title: 'Frames', dataIndex: 'size', width: 90, render: (size?: number) => size ?? '—' },
              {
                title: 'Jobs',
                key: 'jobs',
                width: 80,
                render: (_: unknown, t) => t.segments.reduce((n, s) => n + s.jobs.length, 0),
              },
              { title: 'Status', dataIndex: 'status', width: 120, responsive: ['sm'] },
              { title: 'Updated', dataIndex: 'updated_date', render: formatDate, responsive: ['md'] },
            ]}
          />
        )}
      </Card>
      <ProjectFormModal
        open={editing}
        project={project}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          message.success('Project saved.');
        }}
      />
      <CreateTaskModal
        open={creatingTask}
        projectId={project.id}
        onClose={() => setCreatingTask(false)}
        onCreated={(task) => {
          setCreatingTask(false);
          message.success(`Task "${task.name}" created.`);
          router.push(`/tasks/${task.id}`);
        }}
      />
    </>
  );
}
