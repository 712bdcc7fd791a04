'use client';

import { App, Alert, Button, Card, Col, Empty, Flex, Input, Row, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { PageHeader } from '@/components/common/page-header';
import { ErrorState, QueryState } from '@/components/common/query-state';
import { scopeOf } from '@/lib/client/api';
import { useApiQuery } from '@/lib/client/hooks';
import type { Issue, Job, Paginated, Project, Task } from '@/lib/client/types';
import { createIssueSchema } from '@/lib/issues/schemas';
import { FrameViewer, type Rect } from './frame-viewer';
import { IssueCard } from './issue-card';
import { AssigneeSelect, StageSelect, StateSelect } from './job-controls';
import { useActionMutation } from '@/lib/client/actions';
import { createIssueAction } from '@/lib/actions/issues';

export function JobPage({ id }: { id: number }) {
  const job = useApiQuery<Job>(`/jobs/${id}`);
  return <QueryState query={job}>{(j) => <JobView job={j} />}</QueryState>;
}

function JobView({ job }: { job: Job }) {
  const { message } = App.useApp();
  const task = useApiQuery<Task>(`/tasks/${job.task_id}`);
  const project = useApiQuery<Project>(job.project_id ? `/projects/${job.project_id}` : null);
  const issues = useApiQuery<Paginated<Issue>>(
    '/issues',
    { job_id: job.id, page_size: 'all', sort: 'id' },
    { scope: scopeOf(job.organization) },
  );
  const [frame, setFrame] = useState(job.start_frame);
  const [draft, setDraft] = useState<Rect | null>(null);
  const [text, setText] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const create = useActionMutation<Record<string, unknown>, Issue>((scope, body) =>
    createIssueAction(scope, body),
  );

  const all = issues.data?.results ?? [];
  const onFrame = all.filter((i) => i.frame === frame);

  async function submitIssue() {
    if (!draft) return;
    const body = { job: job.id, frame, position: draft, message: text };
    const checked = createIssueSchema.safeParse(body);
    if (!checked.success) {
      setDraftError(
        checked.error.issues[0]?.path[0] === 'message'
          ? 'Describe the issue.'
          : (checked.error.issues[0]?.message ?? 'Invalid issue.'),
      );
      return;
    }
    setDraftError(null);
    try {
      const issue = await create.mutateAsync(checked.data);
      message.success(`Issue #${issue.id} opened.`);
      setDraft(null);
      setText('');
      setSelected(issue.id);
    } catch (error) {
      setDraftError(error instanceof Error ? error.message : String(error));
    }
  }

  const taskName = task.data?.name ?? `Task #${job.task_id}`;
  return (
    <>
      <PageHeader
        title={`Job #${job.id}`}
        crumbs={[
          ...(job.project_id
            ? [
                {
                  title: project.data?.name ?? `Project #${job.project_id}`,
                  href: `/projects/${job.project_id}`,
                },
              ]
            : []),
          { title: taskName, href: `/tasks/${job.task_id}` },
          { title: `Job #${job.id}` },
        ]}
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex gap={16} wrap align="center">
          <Space size={6}>
            <Typography.Text type="secondary">Assignee</Typography.Text>
            <AssigneeSelect job={job} />
          </Space>
          <Space size={6}>
            <Typography.Text type="secondary">Stage</Typography.Text>
            <StageSelect job={job} />
          </Space>
          <Space size={6}>
            <Typography.Text type="secondary">State</Typography.Text>
            <StateSelect job={job} />
          </Space>
          <Typography.Text type="secondary">
            Frames {job.start_frame}–{job.stop_frame}
          </Typography.Text>
        </Flex>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Card title="Frame">
            <FrameViewer
              taskId={job.task_id}
              frame={frame}
              startFrame={job.start_frame}
              stopFrame={job.stop_frame}
              onFrameChange={(f) => {
                setFrame(f);
                setDraft(null);
              }}
              issues={onFrame}
              draft={draft}
              onDraw={(rect) => {
                setDraft(rect);
                setDraftError(null);
              }}
              selectedIssue={selected}
              onSelectIssue={setSelected}
            />
            {!draft && (
              <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
                Drag a rectangle on the frame to open an issue there.
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          {draft && (
            <Card
              size="small"
              title={`New issue on frame ${frame}`}
              style={{ marginBottom: 16, borderColor: '#ffd43b' }}
              data-testid="new-issue"
            >
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                Rectangle ({draft.map((v) => Math.round(v)).join(', ')})
              </Typography.Text>
              <Input.TextArea
                aria-label="Issue description"
                placeholder="What is wrong here?"
                autoFocus
                autoSize={{ minRows: 2, maxRows: 6 }}
                value={text}
                status={draftError ? 'error' : undefined}
                onChange={(e) => setText(e.target.value)}
                style={{ marginTop: 8 }}
              />
              {draftError && <Alert type="error" showIcon title={draftError} style={{ marginTop: 8 }} />}
              <Flex gap={8} style={{ marginTop: 8 }}>
                <Button type="primary" loading={create.isPending} onClick={submitIssue}>
                  Open issue
                </Button>
                <Button onClick={() => setDraft(null)}>Cancel</Button>
              </Flex>
            </Card>
          )}
          <Card
            title={`Issues${issues.data ? ` (${issues.data.count})` : ''}`}
            styles={{ body: { padding: 12 } }}
          >
            {issues.isPending ? (
              <Spin />
            ) : issues.isError ? (
              <ErrorState error={issues.error} onRetry={() => issues.refetch()} />
            ) : all.length === 0 ? (
              <Empty description="No issues in this job" />
            ) : (
              <Space orientation="vertical" style={{ width: '100%' }} size={12}>
                {all.map((issue) => (
                  <IssueCard
                    key={issue.id}
                    issue={issue}
                    index={all.filter((i) => i.frame === issue.frame).indexOf(issue) + 1}
                    organization={job.organization}
                    selected={selected === issue.id}
                    onShow={() => {
                      setFrame(issue.frame);
                      setSelected(issue.id);
                    }}
                  />
                ))}
              </Space>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
