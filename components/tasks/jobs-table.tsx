'use client';

import { Empty, Table } from 'antd';
import Link from 'next/link';
import { ErrorState } from '@/components/common/query-state';
import { formatDate } from '@/components/common/user-name';
import { AssigneeSelect, StageSelect, StateSelect } from '@/components/jobs/job-controls';
import { scopeOf } from '@/lib/client/api';
import { useApiQuery } from '@/lib/client/hooks';
import type { Job, Paginated } from '@/lib/client/types';

/** The task's jobs with assignee, stage and state editable in place. */
export function JobsTable({ taskId, organization }: { taskId: number; organization: number | null }) {
  const jobs = useApiQuery<Paginated<Job>>(
    '/jobs',
    { task_id: taskId, page_size: 'all', sort: 'id' },
    { scope: scopeOf(organization) },
  );
  if (jobs.isError) return <ErrorState error={jobs.error} onRetry={() => jobs.refetch()} />;
  return (
    <Table<Job>
      rowKey="id"
      loading={jobs.isPending}
      dataSource={jobs.data?.results}
      pagination={false}
      scroll={{ x: 820 }}
      locale={{ emptyText: <Empty description="No jobs: upload the task's images to create them" /> }}
      columns={[
        {
          title: 'Job',
          dataIndex: 'id',
          width: 90,
          render: (id: number) => <Link href={`/jobs/${id}`}>Job #{id}</Link>,
        },
        {
          title: 'Frames',
          key: 'frames',
          width: 100,
          render: (_: unknown, j) => `${j.start_frame}–${j.stop_frame}`,
        },
        { title: 'Assignee', key: 'assignee', render: (_: unknown, j) => <AssigneeSelect job={j} /> },
        { title: 'Stage', key: 'stage', render: (_: unknown, j) => <StageSelect job={j} /> },
        { title: 'State', key: 'state', render: (_: unknown, j) => <StateSelect job={j} /> },
        { title: 'Issues', dataIndex: ['issues', 'count'], width: 80 },
        { title: 'Updated', dataIndex: 'updated_date', render: formatDate, responsive: ['lg'] },
      ]}
    />
  );
}
