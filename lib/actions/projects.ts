'use server';

import { transaction } from '@/db/transaction';
import { parseInput } from '@/lib/http/parse';
import { createProject, deleteProject, updateProject } from '@/lib/projects/projects';
import { createProjectSchema, updateProjectSchema } from '@/lib/projects/schemas';
import { idOf, runAction, type ActionScope } from './run-action';

// Server actions of the project pages: the glue of app/api/projects, with the page's organization context.

export async function createProjectAction(scope: ActionScope, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const body = parseInput(createProjectSchema, input);
    return transaction(db, (tx) => createProject(tx, actor, body));
  });
}

export async function updateProjectAction(scope: ActionScope, id: unknown, input: unknown) {
  return runAction(scope, ({ db, actor }) => {
    const projectId = idOf(id);
    const body = parseInput(updateProjectSchema, input);
    return transaction(db, (tx) => updateProject(tx, actor, projectId, body));
  });
}

export async function deleteProjectAction(scope: ActionScope, id: unknown) {
  return runAction(scope, async ({ db, actor }) => {
    const projectId = idOf(id);
    await transaction(db, (tx) => deleteProject(tx, actor, projectId));
    return null;
  });
}
