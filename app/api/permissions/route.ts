import { invalidChoice } from '@/lib/http/choice';
import { invalid } from '@/lib/http/errors';
import { parseIntParam } from '@/lib/http/parse';
import { apiRoute, json } from '@/lib/http/route';
import { describePermissions } from '@/lib/permissions/permissions';
import { PERMISSION_SUBJECTS, type PermissionSubject } from '@/lib/permissions/subjects';

/** What the pages may offer the caller on one object (`workspace`: in the request's organization context). */
export const GET = apiRoute(async ({ db, actor, url }) => {
  const subject = url.searchParams.get('subject') ?? '';
  if (!(PERMISSION_SUBJECTS as readonly string[]).includes(subject)) throw invalidChoice('subject', subject);
  const id = subject === 'workspace' ? null : (parseIntParam(url, 'id') ?? null);
  if (id !== null && id < 1) throw invalid('id', 'A valid integer is required.');
  return json({ subject, id, can: await describePermissions(db, actor, subject as PermissionSubject, id) });
});
