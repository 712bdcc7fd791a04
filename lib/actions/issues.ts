'use server';

import { transaction } from '@/db/transaction';
import { createComment, deleteComment, updateComment } from '@/lib/comments/comments';
import { createCommentSchema, updateCommentSchema } from '@/lib/comments/schemas';
import { parseInput } from '@/lib/http/parse';
import { createIssue, updateIssue } from '@/lib/issues/issues';
import { createIssueSchema, updateIssueSchema } from '@/lib/issues/schemas';
import { idOf, runAction, type ActionScope } from './run-action';

// Server actions of the job page: issues and their comments, the glue of app/api/issues and app/api/comments.

export async function createIssueAction(scope: ActionScope, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const body = parseInput(createIssueSchema, input);
    return transaction(db, (tx) => createIssue(tx, actor, body));
  });
}

export async function updateIssueAction(scope: ActionScope, id: unknown, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const issueId = idOf(id);
    const body = parseInput(updateIssueSchema, input);
    return transaction(db, (tx) => updateIssue(tx, actor, issueId, body));
  });
}

export async function createCommentAction(scope: ActionScope, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const body = parseInput(createCommentSchema, input);
    return transaction(db, (tx) => createComment(tx, actor, body));
  });
}

export async function updateCommentAction(scope: ActionScope, id: unknown, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const commentId = idOf(id);
    const body = parseInput(updateCommentSchema, input);
    return transaction(db, (tx) => updateComment(tx, actor, commentId, body));
  });
}

export async function deleteCommentAction(scope: ActionScope, id: unknown) {
  return runAction(scope, async ({ db, actor }) => {
    const commentId = idOf(id);
    await transaction(db, (tx) => deleteComment(tx, actor, commentId));
    return null;
  });
}
