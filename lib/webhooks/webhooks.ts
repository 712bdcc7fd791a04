import { and, desc, eq, isNull, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { projects, webhooks, type StoredHeader } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import {
  isAllowed,
  isOrgStaff,
  manageableWebhooksWhere,
  mayManageServerWebhooks,
  orgContextWhere,
  visibleWebhooksWhere,
  webhookRule,
} from '@/lib/auth/policy';
import { openSecret, sealSecret } from '@/lib/crypto/secret-box';
import { forbidden, invalid, notFound } from '@/lib/http/errors';
import { invalidChoice, listChoices } from '@/lib/http/choice';
import { filterField } from '@/lib/http/json-logic-filter';
import { defineList } from '@/lib/lists/define-list';
import { simpleFilter } from '@/lib/lists/simple-filters';
import { findActorRole } from '@/lib/organizations/roles';
import { usernameOf } from '@/lib/users/username-of';
import {
  createHealth,
  HEALTH_STATES,
  healthStateWhere,
  resetHealth,
  type HealthState,
} from './endpoint-health';
import { WEBHOOK_TYPES } from './events';
import { deleteWebhookRecords, setRateBucket } from './queue';
import { representWebhooks, type WebhookRow } from './representation';
import {
  invalidEventsMessage,
  MASKED_VALUE,
  type CreateWebhookInput,
  type UpdateWebhookInput,
} from './schemas';
import { checkTarget } from './url-guard';

const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

const ownerName = usernameOf(webhooks.ownerId);

/** webhooks.md's permission table as a list filter: the policy's webhook rule (lib/auth/policy.ts). */
function visibleTo(actor: Actor): SQL | undefined {
  return visibleWebhooksWhere(actor.user);
}

/** GET /api/webhooks (CVAT's `filter_fields`, and Herald's `health` and `manageable`). */
export const webhookList = defineList({
  table: webhooks,
  scope: (actor) => [
    isNull(webhooks.retiredDate),
    visibleTo(actor),
    orgContextWhere(actor.org, webhooks.organizationId),
  ],
  filterFields: {
    target_url: filterField.string(webhooks.targetUrl),
    owner: filterField.string(ownerName),
    type: filterField.string(webhooks.type),
    description: filterField.string(webhooks.description),
    id: filterField.integer(webhooks.id),
    project_id: filterField.integer(webhooks.projectId),
    updated_date: filterField.datetime(webhooks.updatedDate),
  },
  filters: {
    target_url: simpleFilter.text(webhooks.targetUrl),
    owner: simpleFilter.username(webhooks.ownerId),
    type: simpleFilter.choice(webhooks.type, WEBHOOK_TYPES),
    project_id: simpleFilter.integer(webhooks.projectId),
    id: simpleFilter.integer(webhooks.id),
    health: {
      where: (value, { name }) => {
        if (!(HEALTH_STATES as readonly string[]).includes(value))
          throw invalidChoice(name, value, { hint: listChoices(HEALTH_STATES) });
        return healthStateWhere(value as HealthState);
      },
    },
    // `manageable=true`: only those the caller may change (the shell's badge of disabled webhooks).
    manageable: {
      where: (value, { name, actor }) => {
        if (value !== 'true' && value !== 'false') throw invalid(name, 'Use true or false.');
        return value === 'true' ? manageableWebhooksWhere(actor.user) : undefined;
      },
    },
  },
  search: [webhooks.targetUrl, webhooks.description, ownerName],
  sortable: {
    id: webhooks.id,
    target_url: webhooks.targetUrl,
    owner: ownerName,
    description: webhooks.description,
    type: webhooks.type,
    project_id: webhooks.projectId,
    updated_date: webhooks.updatedDate,
  },
  defaultOrder: [desc(webhooks.id)],
  represent: (db, rows, actor) => representWebhooks(db, rows, actor.baseUrl),
});

/**
 * May the actor see (`view`: it and its deliveries) or manage (`manage`: change, delete, ping, redeliver)
 * this webhook? The policy's webhook rule decides (lib/auth/policy.ts).
 */
async function mayManage(
  tx: Tx,
  actor: Actor,
  hook: WebhookRow,
  action: 'view' | 'manage' = 'manage',
): Promise<boolean> {
  if (actor.user.isSuperuser) return true;
  const role = await findActorRole(tx, actor, hook.organizationId);
  const [project] =
    hook.projectId === null
      ? []
      : await tx.select({ ownerId: projects.ownerId }).from(projects).where(eq(projects.id, hook.projectId));
  return isAllowed(actor.user, role, action === 'view' ? 'view' : 'update', webhookRule, {
    hook,
    projectOwnerId: project?.ownerId ?? null,
  });
}

/**
 * The webhook if the actor may `action` it (default: manage): 404 when absent, 403 when out of reach.
 * `lock`: for an update, a lock that leaves foreign-key checks of rows referring to the webhook (its
 * series, its health) free to go on; for a delete, the full one.
 */
export async function loadWebhook(
  tx: Tx,
  actor: Actor,
  id: number,
  lock?: 'update' | 'delete',
  action: 'view' | 'manage' = 'manage',
): Promise<WebhookRow> {
  const query = tx
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, id), isNull(webhooks.retiredDate)));
  const [hook] = lock ? await query.for(lock === 'update' ? 'no key update' : 'update') : await query;
  if (!hook) throw notFound();
  if (!(await mayManage(tx, actor, hook, action))) throw forbidden();
  return hook;
}

export async function getWebhook(db: Db, actor: Actor, id: number) {
  const hook = await loadWebhook(db, actor, id, undefined, 'view');
  return (await representWebhooks(db, [hook], actor.baseUrl))[0];
}

async function ensureTargetAllowed(targetUrl: string) {
  const refusal = await checkTarget(targetUrl);
  if (refusal) throw invalid('target_url', refusal);
}

/** Where a new webhook belongs, and whether the actor may put it there (webhooks.md, "create"). */
async function resolveScope(tx: Tx, actor: Actor, input: CreateWebhookInput) {
  if (input.type === 'server') {
    if (!mayManageServerWebhooks(actor.user)) throw forbidden('Only administrators may add server webhooks.');
    // Outside any organization, whatever the request's context: it hears of the whole installation.
    return { organizationId: null, projectId: null };
  }
  if (input.type === 'organization') {
    if (actor.org.kind !== 'org') {
      throw invalid(
        'organization',
        'An organization webhook needs an organization: send org, org_id or X-Organization.',
      );
    }
    if (!isOrgStaff(actor.user, actor.org.role))
      throw forbidden('Only owners and maintainers may add organization webhooks.');
    return { organizationId: actor.org.id, projectId: null };
  }
  const [project] = await tx.select().from(projects).where(eq(projects.id, input.project_id!));
  if (!project) throw invalid('project_id', `Invalid pk "${input.project_id}" - object does not exist.`);
  const role = await findActorRole(tx, actor, project.organizationId);
  const isMember = project.organizationId === null || role !== null;
  const isAllowed =
    actor.user.isSuperuser ||
    (isMember && (project.ownerId === actor.user.id || isOrgStaff(actor.user, role)));
  if (!isAllowed)
    throw forbidden(
      'Only the project owner (or the organization owners and maintainers) may add webhooks to it.',
    );
  return { organizationId: project.organizationId, projectId: project.id };
}

/** Whether the actor may add a webhook of this kind there: the same check createWebhook makes (throws 403 otherwise). */
export async function checkWebhookCreation(
  tx: Tx,
  actor: Actor,
  input: Pick<CreateWebhookInput, 'type' | 'project_id'>,
) {
  await resolveScope(tx, actor, input as CreateWebhookInput);
}

export async function createWebhook(tx: Tx, actor: Actor, input: CreateWebhookInput) {
  const scope = await resolveScope(tx, actor, input);
  await ensureTargetAllowed(input.target_url);
  const now = new Date();
  const [hook] = await tx
    .insert(webhooks)
    .values({
      targetUrl: input.target_url,
      description: input.description ?? '',
      type: input.type,
      contentType: 'application/json',
      secret: input.secret ? sealSecret(input.secret) : null,
      isActive: input.is_active ?? true,
      enableSsl: input.enable_ssl ?? true,
      events: [...new Set(input.events)],
      rateLimit: input.rate_limit ?? null,
      ordering: input.ordering ?? 'unordered',
      headers: sealHeaders(input.headers ?? {}, []),
      ownerId: actor.user.id,
      ...scope,
      createdDate: now,
      updatedDate: now,
    })
    .returning();
  await createHealth(tx, hook.id);
  await setRateBucket(tx, hook.id, hook.rateLimit);
  return (await representWebhooks(tx, [hook], actor.baseUrl))[0];
}

export async function updateWebhook(tx: Tx, actor: Actor, id: number, input: UpdateWebhookInput) {
  const hook = await loadWebhook(tx, actor, id, 'update');
  const eventsMessage = input.events ? invalidEventsMessage(hook.type, input.events) : null;
  if (eventsMessage) throw invalid('events', eventsMessage);
  if (input.target_url !== undefined && input.target_url !== hook.targetUrl)
    await ensureTargetAllowed(input.target_url);
  const now = new Date();
  const patch: Partial<typeof webhooks.$inferInsert> = {
    targetUrl: input.target_url,
    description: input.description,
    isActive: input.is_active,
    enableSsl: input.enable_ssl,
    events: input.events ? [...new Set(input.events)] : undefined,
    rateLimit: input.rate_limit,
    ordering: input.ordering,
    headers: input.headers === undefined ? undefined : sealHeaders(input.headers, hook.headers),
    updatedDate: now,
  };
  if (input.rate_limit !== undefined && input.rate_limit !== hook.rateLimit)
    await setRateBucket(tx, id, input.rate_limit);
  if (input.secret !== undefined && (input.secret || null) !== openSecret(hook.secret)) {
    const isRotation = Boolean(hook.secret && input.secret);
    // Rotating: the old secret keeps signing beside the new one for a day, so receivers can switch.
    Object.assign(patch, {
      secret: input.secret ? sealSecret(input.secret) : null,
      previousSecret: isRotation ? hook.secret : null,
      previousSecretExpires: isRotation ? new Date(now.getTime() + ROTATION_OVERLAP_MS) : null,
    });
  }
  if (input.is_active === true && !hook.isActive) {
    // A person turning it back on gives the endpoint a fresh start.
    patch.disabledReason = null;
    await resetHealth(tx, id);
  }
  const [updated] = await tx.update(webhooks).set(patch).where(eq(webhooks.id, id)).returning();
  return (await representWebhooks(tx, [updated], actor.baseUrl))[0];
}

/**
 * Custom headers as stored, in the order given: each value sealed, or for MASKED_VALUE the stored value
 * of that name kept as it is (still sealed: it is never opened here).
 */
function sealHeaders(input: Record<string, string>, stored: StoredHeader[]): StoredHeader[] {
  const kept = new Map(stored.map((h) => [h.name.toLowerCase(), h.value]));
  return Object.entries(input).map(([name, value]) => {
    if (value !== MASKED_VALUE) return { name, value: sealSecret(value) };
    const previous = kept.get(name.toLowerCase());
    if (previous === undefined)
      throw invalid('headers', `"${name}" has no stored value to keep: send its value.`);
    return { name, value: previous };
  });
}

export async function deleteWebhook(tx: Tx, actor: Actor, id: number) {
  await loadWebhook(tx, actor, id, 'delete');
  await removeWebhook(tx, id);
}

/** A webhook and everything recorded for it; a dispatcher holding one of its series finds it gone and stops. */
export async function removeWebhook(tx: Tx, id: number) {
  await deleteWebhookRecords(tx, id);
  await tx.delete(webhooks).where(eq(webhooks.id, id));
}
