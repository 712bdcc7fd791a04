import type { BasicUser } from '@/lib/client/types';

export function userLabel(user: BasicUser | null | undefined): string {
  if (!user) return '—';
  const full = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return full ? `${full} (${user.username})` : user.username;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
