'use client';

import { Card, Empty, Input, Table } from 'antd';
import Link from 'next/link';
import { useState } from 'react';
import { PageHeader } from '@/components/common/page-header';
import { ErrorState } from '@/components/common/query-state';
import { formatDate, userLabel } from '@/components/common/user-name';
import { useApiQuery } from '@/lib/client/hooks';
import type { Paginated, Task } from '@/lib/client/types';

export function TasksList() {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [search, setSearch] = useState('');
  const tasks = useApiQuery<Paginated<Task>>(
    '/tasks',
    { page, page_size: pageSize, search, sort: '-id' },
    { placeholderData: (prev) => prev },
  );
  return (
    <>
      <PageHeader title="Tasks" />
      <Card>
        <Input.Search
          placeholder="Search tasks"
          aria-label="Search tasks"
          allowClear
          onSearch={(v) => {
            setSearch(v.trim());
            setPage(1);
          }}
          style={{ maxWidth: 360, marginBottom: 16 }}
        />
        {tasks.isError ? (
          <ErrorState error={tasks.error} onRetry={() => tasks.refetch()} />
        ) : (
          <Table<Task>
            rowKey="id"
            loading={tasks.isPending || tasks.isPlaceholderData}
            dataSource={tasks.data?.results}
            scroll={{ x: 600 }}
            locale={{
              emptyText: (
                <Empty
                  description={
                    search ? 'No task matches this search' : 'No tasks yet: create one from a project'
                  }
                />
              ),
            }}
            pagination={{
              current: page,
              pageSize,
              total: tasks.data?.count ?? 0,
              showSizeChanger: true,
              onChange: (p, size) => {
                setPage(size !== pageSize ? 1 : p);
                setPageSize(size);
              },
            }}
            columns={[
              {
                title: 'Name',
                dataIndex: 'name',
                // Names may repeat: the owner and the date tell two apart.
                render: (name: string, t) => (
                  <>
                    <Link href={`/tasks/${t.id}`}>{name}</Link>
                    <div style={{ fontSize: 12, color: '#6b7280' }}>
                      #{t.id} · {userLabel(t.owner)} · {formatDate(t.created_date)}
                    </div>
                  </>
                ),
              },
              {
                title: 'Project',
                dataIndex: 'project_id',
                render: (pid: number | null) =>
                  pid ? <Link href={`/projects/${pid}`}>Project #{pid}</Link> : '—',
              },
              { title: 'Frames', dataIndex: 'size', width: 90, render: (s?: number) => s ?? '—' },
              { title: 'Status', dataIndex: 'status', width: 120 },
              { title: 'Owner', dataIndex: 'owner', render: userLabel, responsive: ['md'] },
              { title: 'Updated', dataIndex: 'updated_date', render: formatDate, responsive: ['lg'] },
            ]}
          />
        )}
      </Card>
    </>
  );
}
