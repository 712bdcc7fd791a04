'use client';

import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Input, Table } from 'antd';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { Guarded } from '@/components/common/guarded';
import { ErrorState } from '@/components/common/query-state';
import { usePermissions } from '@/lib/client/permissions';
import { PageHeader } from '@/components/common/page-header';
import { formatDate, userLabel } from '@/components/common/user-name';
import { useApiQuery } from '@/lib/client/hooks';
import type { Paginated, Project } from '@/lib/client/types';
import { LabelTags } from './labels-input';
import { ProjectFormModal } from './project-form-modal';

export function ProjectsList() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const pageSize = Math.min(100, Math.max(1, Number(params.get('page_size')) || 10));
  const search = params.get('search') ?? '';
  const [creating, setCreating] = useState(false);
  const { can } = usePermissions('workspace');
  const projects = useApiQuery<Paginated<Project>>(
    '/projects',
    { page, page_size: pageSize, search, sort: '-id' },
    { placeholderData: (prev) => prev },
  );

  function setQuery(next: Record<string, string | number | undefined>) {
    const q = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(next)) {
      if (v === undefined || v === '' || (k === 'page' && v === 1)) q.delete(k);
      else q.set(k, String(v));
    }
    router.replace(`${pathname}${q.size ? `?${q}` : ''}`);
  }

  return (
    <>
      <PageHeader
        title="Projects"
        extra={
          <Guarded permission={can('create_project')}>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              New project
            </Button>
          </Guarded>
        }
      />
      <Card>
        <Input.Search
          placeholder="Search projects"
          aria-label="Search projects"
          allowClear
          defaultValue={search}
          onSearch={(value) => setQuery({ search: value.trim(), page: 1 })}
          style={{ maxWidth: 360, marginBottom: 16 }}
        />
        {projects.isError ? (
          <ErrorState error={projects.error} onRetry={() => projects.refetch()} />
        ) : (
          <Table<Project>
            rowKey="id"
            loading={projects.isPending || projects.isPlaceholderData}
            dataSource={projects.data?.results}
            locale={{
              emptyText: (
                <Empty description={search ? 'No project matches this search' : 'No projects yet'} />
              ),
            }}
            pagination={{
              current: page,
              pageSize,
              total: projects.data?.count ?? 0,
              showSizeChanger: true,
              pageSizeOptions: [10, 20, 50, 100],
              onChange: (p, size) =>
                setQuery({ page: size !== pageSize ? 1 : p, page_size: size === 10 ? undefined : size }),
            }}
            columns={[
              {
                title: 'Name',
                dataIndex: 'name',
                // Names may repeat (as in CVAT): the owner and the date tell two apart, on phones too.
                render: (name: string, p) => (
                  <>
                    <Link href={`/projects/${p.id}`}>{name}</Link>
                    <div style={{ fontSize: 12, color: '#6b7280' }}>
                      #{p.id} · {userLabel(p.owner)} · {formatDate(p.created_date)}
                    </div>
                  </>
                ),
              },
              {
                title: 'Labels',
                dataIndex: 'labels',
                render: (labels: Project['labels']) => <LabelTags labels={labels} max={4} />,
              },
              { title: 'Tasks', dataIndex: ['tasks', 'count'], width: 80 },
              { title: 'Owner', dataIndex: 'owner', render: userLabel, responsive: ['md'] },
              { title: 'Updated', dataIndex: 'updated_date', render: formatDate, responsive: ['lg'] },
            ]}
          />
        )}
      </Card>
      <ProjectFormModal
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(p) => {
          setCreating(false);
          router.push(`/projects/${p.id}`);
        }}
      />
    </>
  );
}
