'use client';

import { Card, Empty, Flex, Select, Table } from 'antd';
import Link from 'next/link';
import { useState } from 'react';
import { PageHeader } from '@/components/common/page-header';
import { ErrorState } from '@/components/common/query-state';
import { formatDate, userLabel } from '@/components/common/user-name';
import { useApiQuery } from '@/lib/client/hooks';
import type { Job, JobStage, JobState, Paginated } from '@/lib/client/types';
import { STAGE_OPTIONS, STATE_OPTIONS } from './job-controls';

export function JobsList() {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [stage, setStage] = useState<JobStage | undefined>();
  const [state, setState] = useState<JobState | undefined>();
  const jobs = useApiQuery<Paginated<Job>>(
    '/jobs',
    { page, page_size: pageSize, stage, state, sort: '-id' },
    { placeholderData: (prev) => prev },
  );
  return (
    <>
      <PageHeader title="Jobs" />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Select<JobStage>
            aria-label="Filter by stage"
            placeholder="Any stage"
            allowClear
            style={{ width: 180 }}
            value={stage}
            options={STAGE_OPTIONS}
            onChange={(v) => {
              setStage(v);
              setPage(1);
            }}
          />
          <Select<JobState>
            aria-label="Filter by state"
            placeholder="Any state"
            allowClear
            style={{ width: 180 }}
            value={state}
            options={STATE_OPTIONS}
            onChange={(v) => {
              setState(v);
              setPage(1);
            }}
          />
        </Flex>
        {jobs.isError ? (
          <ErrorState error={jobs.error} onRetry={() => jobs.refetch()} />
        ) : (
          <Table<Job>
            rowKey="id"
            loading={jobs.isPending || jobs.isPlaceholderData}
            dataSource={jobs.data?.results}
            scroll={{ x: 640 }}
            locale={{
              emptyText: (
                <Empty description={stage || state ? 'No job matches these filters' : 'No jobs yet'} />
              ),
            }}
            pagination={{
              current: page,
              pageSize,
              total: jobs.data?.count ?? 0,
              showSizeChanger: true,
              onChange: (p, size) => {
                setPage(size !== pageSize ? 1 : p);
                setPageSize(size);
              },
            }}
            columns={[
              {
                title: 'Job',
                dataIndex: 'id',
                width: 100,
                render: (id: number) => <Link href={`/jobs/${id}`}>Job #{id}</Link>,
              },
              {
                title: 'Task',
                dataIndex: 'task_id',
                width: 100,
                render: (id: number) => <Link href={`/tasks/${id}`}>Task #{id}</Link>,
              },
              {
                title: 'Frames',
                key: 'frames',
                width: 100,
                render: (_: unknown, j) => `${j.start_frame}–${j.stop_frame}`,
              },
              { title: 'Assignee', dataIndex: 'assignee', render: userLabel },
              { title: 'Stage', dataIndex: 'stage' },
              { title: 'State', dataIndex: 'state' },
              { title: 'Issues', dataIndex: ['issues', 'count'], width: 80, responsive: ['md'] },
              { title: 'Updated', dataIndex: 'updated_date', render: formatDate, responsive: ['lg'] },
            ]}
          />
        )}
      </Card>
    </>
  );
}
