import { inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { issues, jobs, memberships, projects, tasks, webhooks, type Role } from '@/db/schema';
import type { UserRow } from '@/lib/users/representation';
import type { OrgContext } from './actor';

/**
 * Who may do what, in one place (api.md "Who may touch what", webhooks.md "Permissions", security.md
 * "Who may do what"). Each resource names, once, the people tied to it (`Rule`): its organization, its
 * owners, its assignees and those who only see it. From that one rule come both the decision for a
 * single object (`isAllowed`) and the SQL filter of its lists (`visibleWhere`), so the two cannot drift.
 *
 * - Administrators may do everything.
 * - In an organization: members only; owners and maintainers may do everything, supervisors see
 *   everything and change what they own or are assigned to, workers see and change what they own or are
 *   assigned to. Deleting (and transferring) is for owners of the resource and the staff.
 * - In the personal workspace a resource belongs to its owners; its assignees see it and change its work
 *   (`work`: job stage and state, issue resolution, comments), never rename, relabel, re-assign, delete
 *   or transfer it (`update`, `delete`).
 */

export const STAFF_ROLES = ['owner', 'maintainer'] as const satisfies readonly Role[];
export const READER_ROLES = ['owner', 'maintainer', 'supervisor'] as const satisfies readonly Role[];

export type Action = 'view' | 'work' | 'update' | 'delete';

/** One kind of person tied to a resource: who they are on a loaded object, and the same as SQL on a row. */
export type Person<T> = { of: (object: T) => (number | null)[]; is: (me: number) => SQL };

/** A column holding a user id (owner_id, assignee_id), read from a loaded object by `get`. */
export function person<T>(
  column: AnyPgColumn | SQL,
  get: (object: T) => number | null | undefined,
): Person<T> {
  return { of: (o) => [get(o) ?? null], is: (me) => sql`${column} = ${me}` };
}

/** People found through a subquery (`is`), such as the assignees of a task's jobs. */
export function people<T>(get: (object: T) => (number | null)[], is: (me: number) => SQL): Person<T> {
  return { of: get, is };
}

export type Rule<T> = {
  organization: { of: (object: T) => number | null; column: AnyPgColumn | SQL };
  owners: Person<T>[];
  assignees: Person<T>[];
  /** See it without changing it (the assignee of a job sees its task). */
  viewers?: Person<T>[];
  /** Roles that see every such resource of their organization (default: owner, maintainer, supervisor). */
  readAll?: readonly Role[];
  /** Whether the owners may do `action` (default: everything); the staff always may. */
  ownersMay?: (object: T, action: Action) => boolean;
};

function includes<T>(list: Person<T>[] | undefined, object: T, me: number): boolean {
  return (list ?? []).some((p) => p.of(object).includes(me));
}

export function isStaffRole(role: Role | null): boolean {
  return role !== null && (STAFF_ROLES as readonly Role[]).includes(role);
}

export function isReaderRole(role: Role | null): boolean {
  return role !== null && (READER_ROLES as readonly Role[]).includes(role);
}

/** `role` is the caller's role in the resource's organization (null when not a member). */
export function isAllowed<T>(
  user: UserRow,
  role: Role | null,
  action: Action,
  rule: Rule<T>,
  object: T,
): boolean {
  if (user.isSuperuser) return true;
  const inOrganization = rule.organization.of(object) !== null;
  if (inOrganization) {
    if (!role) return false;
    if (isStaffRole(role)) return true;
    if (action === 'view' && (rule.readAll ?? READER_ROLES).includes(role)) return true;
  }
  if (includes(rule.owners, object, user.id)) return rule.ownersMay?.(object, action) ?? true;
  if (action === 'delete') return false;
  if (includes(rule.assignees, object, user.id)) return action !== 'update' || inOrganization;
  return action === 'view' && includes(rule.viewers, object, user.id);
}

/** Ids of the organizations where the user holds one of `roles` (all of them when omitted). */
export function orgIdsWhere(user: UserRow, roles?: readonly Role[]): SQL {
  const byRole = roles ? sql` and ${inArray(memberships.role, [...roles])}` : sql``;
  return sql`(select ${memberships.organizationId} from ${memberships} where ${memberships.userId} = ${user.id} and ${memberships.isActive}${byRole})`;
}

/** The list filter of `rule`: exactly the rows `isAllowed(…, 'view', …)` would let the user see. */
export function visibleWhere<T>(user: UserRow, rule: Rule<T>): SQL | undefined {
  if (user.isSuperuser) return undefined;
  const org = rule.organization.column;
  const involved = [...rule.owners, ...rule.assignees, ...(rule.viewers ?? [])].map((p) => p.is(user.id));
  return sql`(${org} in ${orgIdsWhere(user, rule.readAll ?? READER_ROLES)} or ((${org} is null or ${org} in ${orgIdsWhere(user)}) and (${sql.join(involved, sql` or `)})))`;
}

/** The organization filter of the request's context. */
export function orgContextWhere(org: OrgContext, orgColumn: AnyPgColumn | SQL): SQL | undefined {
  if (org.kind === 'personal') return sql`${orgColumn} is null`;
  if (org.kind === 'org') return sql`${orgColumn} = ${org.id}`;
  return undefined;
}

/** In an organization, owners, maintainers and supervisors create projects and tasks; workers do not. */
export function mayCreateInOrg(user: UserRow, role: Role | null): boolean {
  return user.isSuperuser || isReaderRole(role);
}

/** The installation's metrics (GET /api/metrics): administrators, or a scraper holding METRICS_TOKEN (lib/metrics/access.ts). */
export function mayReadMetrics(user: UserRow): boolean {
  return user.isSuperuser;
}

export function isOrgStaff(user: UserRow, role: Role | null): boolean {
  return user.isSuperuser || isStaffRole(role);
}

// The people tied to each resource, along its chain (comment → issue → job → task → project). Column
// references are the tables' own: a list query joins what its rule names, or the rule reads it by subquery.

type ProjectRow = typeof projects.$inferSelect;
type TaskRow = typeof tasks.$inferSelect;
type JobRow = typeof jobs.$inferSelect;
type IssueRow = typeof issues.$inferSelect;
type WebhookRow = typeof webhooks.$inferSelect;
type ProjectPeople = Pick<ProjectRow, 'ownerId' | 'assigneeId'> | null;

export const projectRule: Rule<ProjectRow> = {
  organization: { of: (p) => p.organizationId, column: projects.organizationId },
  owners: [person(projects.ownerId, (p) => p.ownerId)],
  assignees: [person(projects.assigneeId, (p) => p.assigneeId)],
};

/** A task with the people of its project and the assignees of its jobs (who see the task). */
export type TaskAccess = { task: TaskRow; project: ProjectPeople; jobAssignees: (number | null)[] };
const projectOfTask = (column: 'ownerId' | 'assigneeId') => (me: number) =>
  sql`exists (select 1 from ${projects} where ${projects.id} = ${tasks.projectId} and ${projects[column]} = ${me})`;
export const taskRule: Rule<TaskAccess> = {
  organization: { of: (t) => t.task.organizationId, column: tasks.organizationId },
  owners: [
    person(tasks.ownerId, (t) => t.task.ownerId),
    people((t) => [t.project?.ownerId ?? null], projectOfTask('ownerId')),
  ],
  assignees: [
    person(tasks.assigneeId, (t) => t.task.assigneeId),
    people((t) => [t.project?.assigneeId ?? null], projectOfTask('assigneeId')),
  ],
  viewers: [
    people(
      (t) => t.jobAssignees,
      (me) =>
        sql`exists (select 1 from ${jobs} where ${jobs.taskId} = ${tasks.id} and ${jobs.assigneeId} = ${me})`,
    ),
  ],
};

/** A job with its task and project; list queries join tasks and (left) projects. */
export type JobAccess = { job: JobRow; task: TaskRow; project: ProjectPeople };
const jobPeople = {
  owners: [
    person<JobAccess>(tasks.ownerId, (c) => c.task.ownerId),
    person<JobAccess>(projects.ownerId, (c) => c.project?.ownerId),
  ],
  assignees: [
    person<JobAccess>(jobs.assigneeId, (c) => c.job.assigneeId),
    person<JobAccess>(tasks.assigneeId, (c) => c.task.assigneeId),
    person<JobAccess>(projects.assigneeId, (c) => c.project?.assigneeId),
  ],
};
export const jobRule: Rule<JobAccess> = {
  organization: { of: (c) => c.task.organizationId, column: tasks.organizationId },
  ...jobPeople,
};

/** An issue on its job; list queries join jobs, tasks and (left) projects. Comments follow their issue. */
export type IssueAccess = { issue: IssueRow; chain: JobAccess };
const onChain = (p: Person<JobAccess>): Person<IssueAccess> => ({ of: (i) => p.of(i.chain), is: p.is });
export const issueRule: Rule<IssueAccess> = {
  organization: { of: (i) => i.chain.task.organizationId, column: tasks.organizationId },
  owners: [person(issues.ownerId, (i) => i.issue.ownerId), ...jobPeople.owners.map(onChain)],
  assignees: [person(issues.assigneeId, (i) => i.issue.assigneeId), ...jobPeople.assignees.map(onChain)],
};

/**
 * Webhooks (webhooks.md, "Permissions"): their creator and their project's owner, members of the
 * organization; the organization's owners and maintainers see and manage all of its webhooks (supervisors
 * and workers only their own). An organization webhook is managed by the current owners and maintainers
 * only: a maintainer demoted to worker still sees the ones they created, and manages none.
 */
export type WebhookAccess = { hook: WebhookRow; projectOwnerId: number | null };
export const webhookRule: Rule<WebhookAccess> = {
  organization: { of: (w) => w.hook.organizationId, column: webhooks.organizationId },
  owners: [
    person(webhooks.ownerId, (w) => w.hook.ownerId),
    people(
      (w) => [w.projectOwnerId],
      (me) =>
        sql`(select ${projects.ownerId} from ${projects} where ${projects.id} = ${webhooks.projectId}) = ${me}`,
    ),
  ],
  assignees: [],
  readAll: STAFF_ROLES,
  // Server webhooks are administrators' alone: an owner who is no longer one loses them.
  ownersMay: (w, action) => w.hook.type !== 'server' && (action === 'view' || w.hook.type === 'project'),
};

/** The webhooks a user may list: the rule's, and never a server webhook unless an administrator. */
export function visibleWebhooksWhere(user: UserRow): SQL | undefined {
  if (user.isSuperuser) return undefined;
  return sql`(${webhooks.type} <> 'server' and ${visibleWhere(user, webhookRule)})`;
}

/** A person changes their own names; administrators change anyone's, and who is active or an administrator. */
export function mayUpdateUser(
  user: UserRow,
  target: { id: number },
  fields: { isAccessChange: boolean },
): boolean {
  return user.isSuperuser || (user.id === target.id && !fields.isAccessChange);
}

/** Only administrators delete accounts, and never their own (the installation must keep one). */
export function mayDeleteUser(user: UserRow): boolean {
  return user.isSuperuser;
}

/** Server webhooks (operations.md) are created and managed by administrators only. */
export function mayManageServerWebhooks(user: UserRow): boolean {
  return user.isSuperuser;
}

/**
 * The webhooks the user may manage (update, ping, redeliver, recover) as a list filter: `isAllowed` of the
 * webhook rule for `update`, in SQL. Organization staff manage all of their organizations'; a webhook or
 * project owner manages the project webhooks of workspaces they belong to.
 */
export function manageableWebhooksWhere(user: UserRow): SQL | undefined {
  if (user.isSuperuser) return undefined;
  const org = webhookRule.organization.column;
  const owners = webhookRule.owners.map((p) => p.is(user.id));
  return sql`(${org} in ${orgIdsWhere(user, STAFF_ROLES)} or (${webhooks.type} = 'project' and (${org} is null or ${org} in ${orgIdsWhere(user)}) and (${sql.join(owners, sql` or `)})))`;
}
