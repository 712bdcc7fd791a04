'use client';

import { CheckOutlined, DeleteOutlined, EditOutlined, RedoOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Input, Popconfirm, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ErrorState } from '@/components/common/query-state';
import { formatDate } from '@/components/common/user-name';
import { Guarded } from '@/components/common/guarded';
import { usePermissions, type Permission } from '@/lib/client/permissions';
import { createCommentSchema, updateCommentSchema } from '@/lib/comments/schemas';
import { scopeOf } from '@/lib/client/api';
import { useApiQuery } from '@/lib/client/hooks';
import type { Comment, Issue, Paginated } from '@/lib/client/types';
import { useActionMutation } from '@/lib/client/actions';
import {
  createCommentAction,
  deleteCommentAction,
  updateCommentAction,
  updateIssueAction,
} from '@/lib/actions/issues';

function useMessageError() {
  const { message } = App.useApp();
  return (error: unknown) => message.error(error instanceof Error ? error.message : String(error));
}

/** An issue with its comments: resolve or reopen it; add, edit and delete comments. */
export function IssueCard({
  issue,
  index,
  organization,
  selected,
  onShow,
}: {
  issue: Issue;
  index: number;
  organization: number | null;
  selected: boolean;
  onShow: () => void;
}) {
  const { message } = App.useApp();
  const showError = useMessageError();
  const comments = useApiQuery<Paginated<Comment>>(
    '/comments',
    { issue_id: issue.id, page_size: 'all', sort: 'id' },
    { scope: scopeOf(organization) },
  );
  const permissions = usePermissions('issue', issue.id);
  const { can } = permissions;
  // A comment added or removed changes what may be edited: ask again.
  const commentIds = comments.data?.results.map((c) => c.id).join(',');
  const { refetch } = permissions.query;
  useEffect(() => {
    if (commentIds !== undefined) void refetch();
  }, [commentIds, refetch]);
  const toggle = useActionMutation<boolean>((scope, resolved) =>
    updateIssueAction(scope, issue.id, { resolved }),
  );
  const add = useActionMutation<string>((scope, text) =>
    createCommentAction(scope, { issue: issue.id, message: text }),
  );
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);

  async function submitComment() {
    const body = { issue: issue.id, message: draft };
    const checked = createCommentSchema.safeParse(body);
    if (!checked.success) {
      setDraftError(checked.error.issues[0]?.message ?? 'Invalid comment.');
      return;
    }
    setDraftError(null);
    try {
      await add.mutateAsync(checked.data.message);
      setDraft('');
    } catch (error) {
      showError(error);
    }
  }

  async function setResolved(resolved: boolean) {
    try {
      await toggle.mutateAsync(resolved);
      message.success(resolved ? `Issue #${issue.id} resolved.` : `Issue #${issue.id} reopened.`);
    } catch (error) {
      showError(error);
    }
  }

  return (
    <Card
      size="small"
      data-testid={`issue-${issue.id}`}
      style={{ borderColor: selected ? '#3b5bdb' : undefined }}
      title={
        <Flex gap={8} align="center" wrap>
          <span>
            {index}. Issue #{issue.id}
          </span>
          <Tag color={issue.resolved ? 'green' : 'red'} style={{ marginInlineEnd: 0 }}>
            {issue.resolved ? 'Resolved' : 'Open'}
          </Tag>
        </Flex>
      }
      extra={
        <Button size="small" type="link" onClick={onShow}>
          Frame {issue.frame}
        </Button>
      }
    >
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {issue.owner?.username ?? 'Someone'} · {formatDate(issue.created_date)}
      </Typography.Text>
      <div style={{ margin: '8px 0' }}>
        {comments.isPending ? (
          <Spin size="small" />
        ) : comments.isError ? (
          <ErrorState error={comments.error} onRetry={() => comments.refetch()} />
        ) : comments.data.results.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="No comments" />
        ) : (
          <Space orientation="vertical" style={{ width: '100%' }} size={8}>
            {comments.data.results.map((c) => (
              <CommentItem
                key={c.id}
                comment={c}
                mayEdit={can(`update_comment:${c.id}`)}
                mayDelete={can(`delete_comment:${c.id}`)}
              />
            ))}
          </Space>
        )}
      </div>
      <Input.TextArea
        aria-label={`Comment on issue ${issue.id}`}
        placeholder="Write a comment"
        autoSize={{ minRows: 1, maxRows: 6 }}
        value={draft}
        status={draftError ? 'error' : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onPressEnter={(e) => {
          if (!e.shiftKey) {
            e.preventDefault();
            void submitComment();
          }
        }}
      />
      {draftError && <Typography.Text type="danger">{draftError}</Typography.Text>}
      <Flex gap={8} justify="space-between" wrap style={{ marginTop: 8 }}>
        <Guarded permission={can('work')}>
          <Button size="small" type="primary" loading={add.isPending} onClick={submitComment}>
            Comment
          </Button>
        </Guarded>
        {issue.resolved ? (
          <Guarded permission={can('work')}>
            <Button
              size="small"
              icon={<RedoOutlined />}
              loading={toggle.isPending}
              onClick={() => setResolved(false)}
            >
              Reopen
            </Button>
          </Guarded>
        ) : (
          <Guarded permission={can('work')}>
            <Button
              size="small"
              icon={<CheckOutlined />}
              loading={toggle.isPending}
              onClick={() => setResolved(true)}
            >
              Resolve
            </Button>
          </Guarded>
        )}
      </Flex>
    </Card>
  );
}

/** Edit and Delete are offered only to whom the server lets change the comment (its author, the staff…). */
function CommentItem({
  comment,
  mayEdit,
  mayDelete,
}: {
  comment: Comment;
  mayEdit: Permission;
  mayDelete: Permission;
}) {
  const showError = useMessageError();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(comment.message);
  const [error, setError] = useState<string | null>(null);
  const edit = useActionMutation<string>((scope, message) =>
    updateCommentAction(scope, comment.id, { message }),
  );
  const remove = useActionMutation((scope) => deleteCommentAction(scope, comment.id), {
    removes: () => `/comments/${comment.id}`,
  });

  async function save() {
    const checked = updateCommentSchema.safeParse({ message: text });
    if (!checked.success) {
      setError(checked.error.issues[0]?.message ?? 'Invalid comment.');
      return;
    }
    try {
      await edit.mutateAsync(checked.data.message);
      setEditing(false);
      setError(null);
    } catch (err) {
      showError(err);
    }
  }

  return (
    <div
      data-testid={`comment-${comment.id}`}
      style={{ background: '#f7f8fc', borderRadius: 6, padding: '6px 8px' }}
    >
      <Flex justify="space-between" align="center" gap={4}>
        <Typography.Text strong style={{ fontSize: 12 }}>
          {comment.owner?.username ?? 'Someone'}{' '}
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
            {formatDate(comment.created_date)}
            {comment.updated_date !== comment.created_date && ' (edited)'}
          </Typography.Text>
        </Typography.Text>
        {!editing && (
          <span>
            <Guarded permission={mayEdit} hide>
              <Button
                size="small"
                type="text"
                icon={<EditOutlined />}
                aria-label="Edit comment"
                onClick={() => {
                  setText(comment.message);
                  setEditing(true);
                }}
              />
            </Guarded>
            {mayDelete.allowed && (
              <Popconfirm
                title="Delete this comment?"
                okText="Delete"
                okButtonProps={{ danger: true }}
                onConfirm={() => remove.mutateAsync().catch(showError)}
              >
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label="Delete comment"
                  loading={remove.isPending}
                />
              </Popconfirm>
            )}
          </span>
        )}
      </Flex>
      {editing ? (
        <>
          <Input.TextArea
            aria-label="Edit comment text"
            autoFocus
            autoSize={{ minRows: 1, maxRows: 6 }}
            value={text}
            status={error ? 'error' : undefined}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setEditing(false);
            }}
          />
          {error && <Typography.Text type="danger">{error}</Typography.Text>}
          <Flex gap={8} style={{ marginTop: 6 }}>
            <Button size="small" type="primary" loading={edit.isPending} onClick={save}>
              Save
            </Button>
            <Button size="small" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </Flex>
        </>
      ) : (
        <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {comment.message}
        </Typography.Paragraph>
      )}
    </div>
  );
}
