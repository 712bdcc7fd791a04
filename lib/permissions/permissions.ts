import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { comments } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { isOrgStaff, mayCreateInOrg } from '@/lib/auth/policy';
import { checkCommentAccess } from '@/lib/comments/comments';
import { ApiError, invalid } from '@/lib/http/errors';
import { loadIssue } from '@/lib/issues/issues';
import { loadJob } from '@/lib/jobs/jobs';
import { loadOrganization } from '@/lib/organizations/organizations';
import { loadProject } from '@/lib/projects/projects';
import { loadTask } from '@/lib/tasks/tasks';
import { checkWebhookCreation, loadWebhook } from '@/lib/webhooks/webhooks';
import type { Permission, Permissions, PermissionSubject } from './subjects';

/**
 * What the pages may offer a person (ui.md, "The UI follows permissions"). Each answer comes from the very
 * check the matching change makes (the domain's `load*` with that action, or the policy module's
 * predicates), so a control is offered exactly when the server would accept it. A refusal carries the
 * reason the page shows beside the disabled control.
 */

const yes: Permission = { allowed: true, reason: null };
const no = (reason: string): Permission => ({ allowed: false, reason });

/** `check` passes: allowed; a 403: refused with `reason`; anything else (404) propagates. */
async function probe(check: () => Promise<unknown>, reason: string): Promise<Permission> {
  try {
    await check();
    return yes;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return no(reason);
    throw error;
  }
}

const STAFF_ONLY = 'Only the owners and maintainers of the organization may do this.';

/** The organization's rules for the actor (`null`: the personal workspace, where a person manages their own). */
async function organizationPermissions(
  tx: Tx,
  actor: Actor,
  organizationId: number | null,
): Promise<Permissions> {
  if (organizationId === null) {
    return {
      create_project: yes,
      create_task: yes,
      create_org_webhook: no('In the personal workspace, webhooks belong to a project.'),
      see_all_webhooks: yes,
    };
  }
  const { role } = await loadOrganization(tx, actor, organizationId);
  const staff = isOrgStaff(actor.user, role);
  const creator = mayCreateInOrg(actor.user, role);
  return {
    update_organization: staff ? yes : no('Only the owners and maintainers may edit the organization.'),
    manage_members: staff ? yes : no('Only the owners and maintainers may change roles or remove members.'),
    invite: staff ? yes : no('Only the owners and maintainers may invite people.'),
    create_project: creator ? yes : no('Workers may not create projects in this organization.'),
    create_task: creator ? yes : no('Workers may not create tasks in this organization.'),
    create_org_webhook: staff ? yes : no('Only the owners and maintainers may add organization webhooks.'),
    // webhookRule: only the staff read every webhook of the organization; others see their own and their projects'.
    see_all_webhooks: staff
      ? yes
      : no(
          'Only the owners and maintainers see all webhooks of the organization: you see the ones you created and those of your projects.',
        ),
  };
}

/** What the actor may do to or within one object (404 when it does not exist, 403 when they may not see it). */
export async function describePermissions(
  tx: Tx,
  actor: Actor,
  subject: PermissionSubject,
  id: number | null,
): Promise<Permissions> {
  if (subject === 'workspace')
    return organizationPermissions(tx, actor, actor.org.kind === 'org' ? actor.org.id : null);
  if (id === null) throw invalid('id', 'This field is required.');
  switch (subject) {
    case 'organization':
      return organizationPermissions(tx, actor, id);
    case 'project': {
      const project = await loadProject(tx, actor, id, 'view');
      const inOrg =
        project.organizationId === null
          ? null
          : await organizationPermissions(tx, actor, project.organizationId);
      const update = await probe(
        () => loadProject(tx, actor, id, 'update'),
        'Only the owner of the project (or the organization owners and maintainers) may change it.',
      );
      return {
        update,
        delete: await probe(
          () => loadProject(tx, actor, id, 'delete'),
          'Only the owner of the project (or the organization owners and maintainers) may delete it.',
        ),
        create_task: !update.allowed
          ? no('Only those who may change the project add tasks to it.')
          : inOrg && !inOrg.create_task.allowed
            ? inOrg.create_task
            : yes,
        create_webhook: await probe(
          () => checkWebhookCreation(tx, actor, { type: 'project', project_id: id }),
          'Only the owner of the project (or the organization owners and maintainers) may add webhooks to it.',
        ),
      };
    }
    case 'task':
      await loadTask(tx, actor, id, 'view');
      return {
        update: await probe(
          () => loadTask(tx, actor, id, 'update'),
          'Only the owner or assignee of the task (or the organization owners and maintainers) may change it.',
        ),
        delete: await probe(
          () => loadTask(tx, actor, id, 'delete'),
          'Only the owner of the task (or the organization owners and maintainers) may delete it.',
        ),
      };
    case 'job':
      await loadJob(tx, actor, id, 'view');
      return {
        work: await probe(
          () => loadJob(tx, actor, id, 'work'),
          'Only the assignee or the owners of the job may change its stage and state.',
        ),
        update: await probe(
          () => loadJob(tx, actor, id, 'update'),
          'Only the owners of the task (or the organization owners and maintainers) may re-assign the job.',
        ),
      };
    case 'issue': {
      await loadIssue(tx, actor, id, 'view');
      const result: Permissions = {
        work: await probe(
          () => loadIssue(tx, actor, id, 'work'),
          'Only the people working on this job may resolve, reopen or comment.',
        ),
        update: await probe(
          () => loadIssue(tx, actor, id, 'update'),
          'Only the owner of the issue may change it.',
        ),
        delete: await probe(
          () => loadIssue(tx, actor, id, 'delete'),
          'Only the owner of the issue may delete it.',
        ),
      };
      // Each comment of the issue, keyed `update_comment:<id>` / `delete_comment:<id>`.
      const rows = await tx.select({ id: comments.id }).from(comments).where(eq(comments.issueId, id));
      for (const { id: commentId } of rows) {
        result[`update_comment:${commentId}`] = await probe(
          () => checkCommentAccess(tx, actor, commentId, 'update'),
          'Only the author of a comment (or the organization owners and maintainers) may edit it.',
        );
        result[`delete_comment:${commentId}`] = await probe(
          () => checkCommentAccess(tx, actor, commentId, 'delete'),
          'Only the author of a comment, the owners of the issue or the organization owners and maintainers may delete it.',
        );
      }
      return result;
    }
    case 'webhook': {
      const hook = await loadWebhook(tx, actor, id, undefined, 'view');
      const reason =
        hook.type === 'organization'
          ? STAFF_ONLY
          : 'Only the creator of the webhook, the owner of its project or the organization owners and maintainers may change it.';
      const manage = await probe(() => loadWebhook(tx, actor, id), reason);
      return { update: manage, delete: manage, ping: manage, redeliver: manage };
    }
  }
}
