'use server';

import { transaction } from '@/db/transaction';
import { invalid } from '@/lib/http/errors';
import { parseInput, parseWith } from '@/lib/http/parse';
import { attachImages, filesFromForm } from '@/lib/tasks/attach-data';
import { attachDataSchema, createTaskSchema } from '@/lib/tasks/schemas';
import { createTask, deleteTask, loadTask } from '@/lib/tasks/tasks';
import { idOf, runAction, type ActionScope } from './run-action';

// Server actions of the task pages: the glue of app/api/tasks, with the page's organization context.

export async function createTaskAction(scope: ActionScope, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const body = parseInput(createTaskSchema, input);
    return transaction(db, (tx) => createTask(tx, actor, body));
  });
}

export async function deleteTaskAction(scope: ActionScope, id: unknown) {
  return runAction(scope, async ({ db, actor }) => {
    const taskId = idOf(id);
    await transaction(db, (tx) => deleteTask(tx, actor, taskId));
    return null;
  });
}

/** The images of a new task, as POST /api/tasks/{id}/data takes them (`client_files[N]`, `image_quality`). */
export async function attachTaskDataAction(scope: ActionScope, id: unknown, form: unknown) {
  return runAction(scope, async ({ db, actor }) => {
    const taskId = idOf(id);
    await loadTask(db, actor, taskId, 'update');
    if (!(form instanceof FormData))
      throw invalid('client_files', 'Send the images as form data in client_files[0], client_files[1], …');
    const files = await filesFromForm(form);
    const { image_quality } = parseWith(attachDataSchema, {
      image_quality: form.get('image_quality') ?? undefined,
    });
    const task = await attachImages(db, actor, taskId, files, image_quality);
    return { size: task.size };
  });
}
