import { sql } from 'drizzle-orm';
import { cache } from 'react';
import { organizations } from '@/db/schema';
import { runAction } from '@/lib/actions/run-action';
import { notFound } from '@/lib/http/errors';
import { getJob } from '@/lib/jobs/jobs';
import { getOrganization } from '@/lib/organizations/organizations';
import { getProject } from '@/lib/projects/projects';
import { getTask } from '@/lib/tasks/tasks';
import { getWebhook } from '@/lib/webhooks/webhooks';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/db/client';

/**
 * What a console page is about, read on the server before the page renders: its tab title (ui.md: "Webhook #3 ·
 * Street scenes · Herald", the layout adds "Herald") and whether it exists at all, so that a missing object
 * answers HTTP 404 with the not-found page. An object the person may not see keeps a neutral title (its name
 * is not theirs to read) and the page says it is not allowed.
 */
export type PageSubject = { state: 'found' | 'forbidden'; title: string } | { state: 'missing' };

export type PageKind =
  'project' | 'project-webhooks' | 'task' | 'job' | 'webhook' | 'organization' | 'organization-webhooks';

const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' · ');

async function organizationName(db: Db, actor: Actor, id: number | null): Promise<string | null> {
  if (id === null) return null;
  const org = await getOrganization(db, actor, id).catch(() => null);
  return org ? org.name || org.slug : null;
}

async function projectName(db: Db, actor: Actor, id: number | null): Promise<string | null> {
  if (id === null) return null;
  const project = await getProject(db, actor, id).catch(() => null);
  return project?.name ?? null;
}

async function describe(db: Db, actor: Actor, kind: PageKind, key: string): Promise<string> {
  switch (kind) {
    case 'project':
      return (await getProject(db, actor, Number(key))).name;
    case 'project-webhooks':
      return join('Webhooks', (await getProject(db, actor, Number(key))).name);
    case 'task': {
      const task = await getTask(db, actor, Number(key));
      return join(task.name, await projectName(db, actor, task.project_id));
    }
    case 'job': {
      const job = await getJob(db, actor, Number(key));
      const task = await getTask(db, actor, job.task_id).catch(() => null);
      return join(`Job #${job.id}`, task?.name);
    }
    case 'webhook': {
      const hook = await getWebhook(db, actor, Number(key));
      return join(
        `Webhook #${hook.id}`,
        hook.project_id !== null
          ? await projectName(db, actor, hook.project_id)
          : await organizationName(db, actor, hook.organization),
      );
    }
    case 'organization':
    case 'organization-webhooks': {
      const [org] = await db
        .select({ id: organizations.id })
        .from(organizations)
        .where(sql`lower(${organizations.slug}) = lower(${key})`);
      if (!org) throw notFound();
      const name = await organizationName(db, actor, org.id);
      if (name === null) await getOrganization(db, actor, org.id);
      return kind === 'organization' ? (name ?? key) : join('Webhooks', name);
    }
  }
}

const FALLBACK: Record<PageKind, (key: string) => string> = {
  project: (id) => `Project #${id}`,
  'project-webhooks': (id) => `Webhooks · Project #${id}`,
  task: (id) => `Task #${id}`,
  job: (id) => `Job #${id}`,
  webhook: (id) => `Webhook #${id}`,
  organization: (slug) => slug,
  'organization-webhooks': (slug) => `Webhooks · ${slug}`,
};

/** The page's subject, read once per request (the title and the page share it). */
export const findPageSubject = cache(async (kind: PageKind, key: string): Promise<PageSubject> => {
  const isNumeric = kind !== 'organization' && kind !== 'organization-webhooks';
  if (isNumeric && (!/^\d{1,10}$/.test(key) || Number(key) < 1 || Number(key) > 2147483647))
    return { state: 'missing' };
  const result = await runAction(undefined, ({ db, actor }) => describe(db, actor, kind, key));
  if (result.ok) return { state: 'found', title: result.data };
  if (result.status === 404) return { state: 'missing' };
  return { state: 'forbidden', title: FALLBACK[kind](key) };
});

/** The tab title of the page (the root layout's template appends "Herald"). */
export async function pageTitle(kind: PageKind, key: string): Promise<string> {
  const subject = await findPageSubject(kind, key);
  return subject.state === 'missing' ? 'Not found' : subject.title;
}
