import { z, type ZodType } from 'zod';
import { createCommentSchema, updateCommentSchema } from '@/lib/comments/schemas';
import { commentList } from '@/lib/comments/comments';
import type { FilterFields } from '@/lib/http/json-logic-filter';
import type { List } from '@/lib/lists/define-list';
import { FILTER_OPERATORS } from '@/lib/http/json-logic-filter';
import { invitationList } from '@/lib/invitations/invitations';
import { createInvitationSchema } from '@/lib/invitations/schemas';
import { issueList } from '@/lib/issues/issues';
import { createIssueSchema, updateIssueSchema } from '@/lib/issues/schemas';
import { jobList } from '@/lib/jobs/jobs';
import { updateJobSchema } from '@/lib/jobs/schemas';
import { membershipList } from '@/lib/memberships/memberships';
import { updateMembershipSchema } from '@/lib/memberships/schemas';
import { organizationList } from '@/lib/organizations/organizations';
import { createOrganizationSchema, updateOrganizationSchema } from '@/lib/organizations/schemas';
import { projectList } from '@/lib/projects/projects';
import { createProjectSchema, updateProjectSchema } from '@/lib/projects/schemas';
import { attachDataSchema, createTaskSchema, updateTaskSchema } from '@/lib/tasks/schemas';
import { taskList } from '@/lib/tasks/tasks';
import { loginSchema, registerSchema, updateUserSchema } from '@/lib/users/schemas';
import { userList } from '@/lib/users/users';
import { WEBHOOK_TYPES } from '@/lib/webhooks/events';
import { PERMISSION_SUBJECTS } from '@/lib/permissions/subjects';
import {
  createWebhookSchema,
  recoverWebhookSchema,
  replaceWebhookSchema,
  sendExampleSchema,
  updateWebhookSchema,
} from '@/lib/webhooks/schemas';
import { deliveryList, messageList } from '@/lib/webhooks/deliveries';
import { webhookList } from '@/lib/webhooks/webhooks';

/**
 * Every operation of `app/api`, named as CVAT's schema names it (`webhooks_create`,
 * `projects_partial_update`) where CVAT has it. The request bodies are the zod schemas the routes parse
 * with, so the document cannot drift from what is accepted; `document.ts` renders it.
 */

/** What the document says of a list: its `filter` fields and its simple filters. */
type ListDescription = Pick<List, 'filterFields' | 'simpleFilters'>;

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Operation = {
  method: Method;
  /** The route's path, its dynamic segments written `{name}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  body?: ZodType;
  /** A multipart body (uploads). */
  multipart?: ZodType;
  pathParams?: Record<string, ZodType>;
  query?: Record<string, ZodType>;
  /** Lists: paginated, with `filter` over its fields and its simple equality filters. */
  list?: ListDescription;
  /** Takes the organization context (`org`, `org_id`, `X-Organization`). */
  orgContext?: boolean;
  status: number;
  response: string;
  /** Needs no credentials. */
  isPublic?: boolean;
};

const id = {
  id: z.number().int().positive().meta({ description: 'A unique integer value identifying this object.' }),
};
const webhookAndDelivery = {
  id: id.id,
  delivery_id: z.number().int().positive().meta({ description: 'The id of an attempt' }),
};
const webhookAndSeries = {
  id: id.id,
  delivery_id: z.string().meta({ description: 'The webhook-id header of a series, msg_ and 22 characters' }),
};
type Crud = {
  tag: string;
  path: string;
  name: string;
  list: ListDescription;
  create?: ZodType;
  update?: ZodType;
  replace?: ZodType;
  destroy?: boolean;
  retrieve?: boolean;
};

/** CVAT's five (or six) viewset operations for a resource, as far as Herald's routes serve them. */
function resource(r: Crud): Operation[] {
  const item = `${r.path}/{id}`;
  const ops: Operation[] = [
    {
      method: 'get',
      path: r.path,
      operationId: `${r.tag}_list`,
      summary: `List ${r.name}s`,
      tag: r.tag,
      list: r.list,
      orgContext: true,
      status: 200,
      response: `A page of ${r.name}s`,
    },
  ];
  if (r.create)
    ops.push({
      method: 'post',
      path: r.path,
      operationId: `${r.tag}_create`,
      summary: `Create a ${r.name}`,
      tag: r.tag,
      body: r.create,
      orgContext: true,
      status: 201,
      response: `The created ${r.name}`,
    });
  if (r.retrieve !== false)
    ops.push({
      method: 'get',
      path: item,
      operationId: `${r.tag}_retrieve`,
      summary: `Get ${r.name} details`,
      tag: r.tag,
      pathParams: id,
      status: 200,
      response: `The ${r.name}`,
    });
  if (r.replace)
    ops.push({
      method: 'put',
      path: item,
      operationId: `${r.tag}_update`,
      summary: `Replace a ${r.name}`,
      tag: r.tag,
      pathParams: id,
      body: r.replace,
      status: 200,
      response: `The ${r.name}`,
    });
  if (r.update)
    ops.push({
      method: 'patch',
      path: item,
      operationId: `${r.tag}_partial_update`,
      summary: `Update a ${r.name}`,
      tag: r.tag,
      pathParams: id,
      body: r.update,
      status: 200,
      response: `The ${r.name}`,
    });
  if (r.destroy !== false)
    ops.push({
      method: 'delete',
      path: item,
      operationId: `${r.tag}_destroy`,
      summary: `Delete a ${r.name}`,
      tag: r.tag,
      pathParams: id,
      status: 204,
      response: `The ${r.name} has been deleted`,
    });
  return ops;
}

export const OPERATIONS: Operation[] = [
  // auth
  {
    method: 'post',
    path: '/api/auth/register',
    operationId: 'auth_create_register',
    summary: 'Register a user',
    tag: 'auth',
    body: registerSchema,
    status: 201,
    response: 'The new user',
    isPublic: true,
  },
  {
    method: 'post',
    path: '/api/auth/login',
    operationId: 'auth_create_login',
    summary: 'Log in: returns a key for `Authorization: Token <key>`',
    tag: 'auth',
    body: loginSchema,
    status: 200,
    response: '`{key}`',
    isPublic: true,
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    operationId: 'auth_create_logout',
    summary: 'Log out: the token and the browser session end',
    tag: 'auth',
    status: 200,
    response: 'Logged out',
  },
  {
    method: 'get',
    path: '/api/auth/{nextauth}',
    operationId: 'auth_retrieve_session',
    summary: "The browser sign-in (next-auth's own endpoints: csrf, session, providers, signout)",
    tag: 'auth',
    pathParams: { nextauth: z.string() },
    status: 200,
    response: "next-auth's answer",
    isPublic: true,
  },
  {
    method: 'post',
    path: '/api/auth/{nextauth}',
    operationId: 'auth_create_session',
    summary: 'Browser sign-in and sign-out with the credentials provider (form posts of the login page)',
    tag: 'auth',
    pathParams: { nextauth: z.string() },
    status: 200,
    response: "next-auth's answer",
    isPublic: true,
  },

  // users
  {
    method: 'get',
    path: '/api/users',
    operationId: 'users_list',
    summary: 'List users',
    tag: 'users',
    list: userList,
    status: 200,
    response: 'A page of users',
  },
  {
    method: 'get',
    path: '/api/users/self',
    operationId: 'users_retrieve_self',
    summary: 'Get details of the current user',
    tag: 'users',
    status: 200,
    response: 'The caller',
  },
  {
    method: 'get',
    path: '/api/users/{id}',
    operationId: 'users_retrieve',
    summary: 'Get user details',
    tag: 'users',
    pathParams: id,
    status: 200,
    response: 'The user',
  },
  {
    method: 'patch',
    path: '/api/users/{id}',
    operationId: 'users_partial_update',
    summary: 'Update a user (names: the user or an administrator; is_active, is_superuser: administrators)',
    tag: 'users',
    pathParams: id,
    body: updateUserSchema,
    status: 200,
    response: 'The user',
  },
  {
    method: 'delete',
    path: '/api/users/{id}',
    operationId: 'users_destroy',
    summary: 'Delete a user (administrators)',
    tag: 'users',
    pathParams: id,
    status: 204,
    response: 'The user has been deleted',
  },

  ...resource({
    tag: 'organizations',
    path: '/api/organizations',
    name: 'organization',
    list: organizationList,
    create: createOrganizationSchema,
    update: updateOrganizationSchema,
  }),
  ...resource({
    tag: 'memberships',
    path: '/api/memberships',
    name: 'membership',
    list: membershipList,
    update: updateMembershipSchema,
  }),

  // invitations (their id is the key, a string)
  {
    method: 'get',
    path: '/api/invitations',
    operationId: 'invitations_list',
    summary: 'List invitations',
    tag: 'invitations',
    list: invitationList,
    orgContext: true,
    status: 200,
    response: 'A page of invitations',
  },
  {
    method: 'post',
    path: '/api/invitations',
    operationId: 'invitations_create',
    summary: 'Create an invitation',
    tag: 'invitations',
    body: createInvitationSchema,
    orgContext: true,
    status: 201,
    response: 'The invitation',
  },
  {
    method: 'get',
    path: '/api/invitations/{id}',
    operationId: 'invitations_retrieve',
    summary: 'Get invitation details',
    tag: 'invitations',
    pathParams: { id: z.string() },
    status: 200,
    response: 'The invitation',
  },
  {
    method: 'delete',
    path: '/api/invitations/{id}',
    operationId: 'invitations_destroy',
    summary: 'Delete (revoke) an invitation',
    tag: 'invitations',
    pathParams: { id: z.string() },
    status: 204,
    response: 'The invitation has been deleted',
  },
  {
    method: 'post',
    path: '/api/invitations/{id}/accept',
    operationId: 'invitations_accept',
    summary: 'Accept an invitation',
    tag: 'invitations',
    pathParams: { id: z.string() },
    status: 200,
    response: 'The invitation is accepted',
  },
  {
    method: 'post',
    path: '/api/invitations/{id}/decline',
    operationId: 'invitations_decline',
    summary: 'Decline an invitation',
    tag: 'invitations',
    pathParams: { id: z.string() },
    status: 204,
    response: 'The invitation has been declined',
  },

  ...resource({
    tag: 'projects',
    path: '/api/projects',
    name: 'project',
    list: projectList,
    create: createProjectSchema,
    update: updateProjectSchema,
  }),
  ...resource({
    tag: 'tasks',
    path: '/api/tasks',
    name: 'task',
    list: taskList,
    create: createTaskSchema,
    update: updateTaskSchema,
  }),
  {
    method: 'post',
    path: '/api/tasks/{id}/data',
    operationId: 'tasks_create_data',
    summary: 'Attach data to a task: images in client_files[0], client_files[1], …',
    tag: 'tasks',
    pathParams: id,
    multipart: attachDataSchema.extend({
      'client_files[0]': z
        .string()
        .meta({ format: 'binary', description: 'An image; more in client_files[1], client_files[2], …' }),
    }),
    status: 201,
    response: 'The data is attached; jobs exist',
  },
  {
    method: 'get',
    path: '/api/tasks/{id}/data',
    operationId: 'tasks_retrieve_data',
    summary: 'Get a frame of the task',
    tag: 'tasks',
    pathParams: id,
    query: { type: z.enum(['frame']).optional(), number: z.number().int().min(0).optional() },
    status: 200,
    response: 'The image',
  },
  ...resource({
    tag: 'jobs',
    path: '/api/jobs',
    name: 'job',
    list: jobList,
    update: updateJobSchema,
    destroy: false,
  }),
  ...resource({
    tag: 'issues',
    path: '/api/issues',
    name: 'issue',
    list: issueList,
    create: createIssueSchema,
    update: updateIssueSchema,
  }),
  ...resource({
    tag: 'comments',
    path: '/api/comments',
    name: 'comment',
    list: commentList,
    create: createCommentSchema,
    update: updateCommentSchema,
  }),

  // webhooks
  ...resource({
    tag: 'webhooks',
    path: '/api/webhooks',
    name: 'webhook',
    list: webhookList,
    create: createWebhookSchema,
    update: updateWebhookSchema,
    replace: replaceWebhookSchema,
  }),
  {
    method: 'get',
    path: '/api/webhooks/events',
    operationId: 'webhooks_retrieve_events',
    summary: 'List available webhook events',
    tag: 'webhooks',
    query: { type: z.enum([...WEBHOOK_TYPES, 'all']).optional() },
    status: 200,
    response: '`{webhook_type, events: [{key, group: {display_name}, description}]}`',
  },
  {
    method: 'get',
    path: '/api/webhooks/events/{key}/schema',
    operationId: 'webhooks_retrieve_events_schema',
    summary: "The JSON Schema of an event's payload (Herald's)",
    tag: 'webhooks',
    pathParams: { key: z.string().meta({ description: 'An event key, e.g. create:task' }) },
    status: 200,
    response: 'A JSON Schema (draft 2020-12)',
  },
  {
    method: 'post',
    path: '/api/webhooks/{id}/test',
    operationId: 'webhooks_create_test',
    summary: "Send an event's example payload (trigger: test), within the request (Herald's)",
    tag: 'webhooks',
    pathParams: id,
    body: sendExampleSchema,
    status: 200,
    response: 'The delivery of the example, already sent',
  },
  {
    method: 'get',
    path: '/api/permissions',
    operationId: 'permissions_retrieve',
    summary: 'What the caller may do to or within one object (the pages offer only these controls)',
    tag: 'users',
    query: { subject: z.enum([...PERMISSION_SUBJECTS]), id: z.number().int().optional() },
    status: 200,
    response: '`{subject, id, can: {<action>: {allowed, reason}}}`',
  },
  {
    method: 'post',
    path: '/api/webhooks/{id}/ping',
    operationId: 'webhooks_create_ping',
    summary: 'Send a ping webhook (sent within the request)',
    tag: 'webhooks',
    pathParams: id,
    status: 200,
    response: 'The delivery of the ping, already sent',
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    operationId: 'webhooks_list_deliveries',
    summary: 'List the attempts made to a webhook, newest first',
    tag: 'webhooks',
    pathParams: id,
    list: deliveryList,
    status: 200,
    response: 'A page of delivery attempts (never one not yet made)',
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}/messages',
    operationId: 'webhooks_list_messages',
    summary:
      "List a webhook's delivery series, newest first, each with its state and latest outcome (Herald's)",
    tag: 'webhooks',
    pathParams: id,
    list: messageList,
    status: 200,
    response: 'A page of series',
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}/messages/{delivery_id}',
    operationId: 'webhooks_retrieve_messages',
    summary: "A series with `history`: every attempt that carried its webhook-id (Herald's)",
    tag: 'webhooks',
    pathParams: webhookAndSeries,
    status: 200,
    response: 'The series and its attempts',
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}/deliveries/stats',
    operationId: 'webhooks_retrieve_deliveries_stats',
    summary: "Successes and failures over time (Herald's, for the chart)",
    tag: 'webhooks',
    pathParams: id,
    query: { bucket: z.enum(['minute', 'hour', 'day']).optional() },
    status: 200,
    response: '`{bucket, bucket_seconds, results: [{time, success, failure}]}`',
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}/deliveries/{delivery_id}',
    operationId: 'webhooks_retrieve_deliveries',
    summary: 'Get details of a webhook delivery',
    tag: 'webhooks',
    pathParams: webhookAndDelivery,
    status: 200,
    response: 'The delivery attempt',
  },
  {
    method: 'post',
    path: '/api/webhooks/{id}/recover',
    operationId: 'webhooks_create_recover',
    summary:
      "Recover: queue again, in the order they were created, the webhook's messages since a date whose delivery failed (or also those delivered); with dry_run only count them (Herald's)",
    tag: 'webhooks',
    pathParams: id,
    body: recoverWebhookSchema,
    status: 200,
    response: '`{count}`: the messages matched (queued unless dry_run)',
  },
  {
    method: 'post',
    path: '/api/webhooks/{id}/deliveries/{delivery_id}/redelivery',
    operationId: 'webhooks_create_deliveries_redelivery',
    summary: 'Redeliver a webhook delivery (queued again)',
    tag: 'webhooks',
    pathParams: webhookAndDelivery,
    status: 200,
    response: '`{}`',
  },

  // server
  {
    method: 'get',
    path: '/api/server/about',
    operationId: 'server_retrieve_about',
    summary: 'Get basic Herald information',
    tag: 'server',
    status: 200,
    response: '`{name, version, description}`',
    isPublic: true,
  },
  {
    method: 'get',
    path: '/api/schema',
    operationId: 'schema_retrieve',
    summary: 'This OpenAPI 3.1 document',
    tag: 'schema',
    status: 200,
    response: 'The OpenAPI document',
    isPublic: true,
  },
  {
    method: 'get',
    path: '/api/docs',
    operationId: 'docs_retrieve',
    summary: 'The interactive API reference (an HTML page built on this document)',
    tag: 'schema',
    status: 200,
    response: 'An HTML page',
    isPublic: true,
  },
  {
    method: 'get',
    path: '/api/docs/{asset}',
    operationId: 'docs_retrieve_asset',
    summary: 'Files of the interactive reference (served by Herald, no CDN)',
    tag: 'schema',
    pathParams: { asset: z.string() },
    status: 200,
    response: 'A script or style sheet',
    isPublic: true,
  },
  {
    method: 'get',
    path: '/api/metrics',
    operationId: 'metrics_retrieve',
    summary:
      'Prometheus metrics (text format), for administrators or `Authorization: Bearer <METRICS_TOKEN>`',
    tag: 'server',
    status: 200,
    response: 'Prometheus text exposition format',
  },
  {
    method: 'get',
    path: '/api/health',
    operationId: 'health_retrieve',
    summary: 'Ready when the database answers',
    tag: 'server',
    status: 200,
    response: '`{status: "ok"}`',
    isPublic: true,
  },
];

/** The `filter` parameter's description, as CVAT words it, with the list's fields. */
export function describeFilter(fields: FilterFields): string {
  return [
    'JSON Logic filter (https://jsonlogic.com/), e.g. {"and":[{"==":[{"var":"owner"},"<user>"]}]}.',
    `Operators: ${FILTER_OPERATORS.join(', ')}.`,
    `Available filter_fields: ${Object.keys(fields).join(', ')}.`,
  ].join(' ');
}
