import type { users } from '@/db/schema';

export type UserRow = typeof users.$inferSelect;
export type BasicUser = { url: string; id: number; username: string; first_name: string; last_name: string };

type UserLike = Pick<UserRow, 'id' | 'username' | 'firstName' | 'lastName'>;

export function toBasicUser(user: UserLike | null | undefined, baseUrl: string): BasicUser | null {
  if (!user) return null;
  return {
    url: `${baseUrl}/api/users/${user.id}`,
    id: user.id,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
  };
}

/** The full user object; `email` only for the user themself or an administrator. */
export function toUser(user: UserRow, baseUrl: string, showEmail: boolean) {
  return {
    ...toBasicUser(user, baseUrl)!,
    ...(showEmail ? { email: user.email } : {}),
    is_staff: user.isSuperuser,
    is_superuser: user.isSuperuser,
    is_active: user.isActive,
    last_login: user.lastLogin?.toISOString() ?? null,
    date_joined: user.dateJoined.toISOString(),
  };
}
