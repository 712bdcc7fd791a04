import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { memberships } from '@/db/schema';
import type { OrgContext } from './actor';
import type { UserRow } from '@/lib/users/representation';

/** Ids of organizations where the user may see everything (owner, maintainer, supervisor). */
export function readerOrgIds(user: UserRow): SQL {
  return sql`(select ${memberships.organizationId} from ${memberships} where ${memberships.userId} = ${user.id} and ${memberships.isActive} and ${memberships.role} in ('owner', 'maintainer', 'supervisor'))`;
}

/** Ids of organizations the user belongs to. */
export function memberOrgIds(user: UserRow): SQL {
  return sql`(select ${memberships.organizationId} from ${memberships} where ${memberships.userId} = ${user.id} and ${memberships.isActive})`;
}

/**
 * The list filter of api.md: everything in organizations where the caller reads all, otherwise what
 * they are involved in (`involved`), in the personal workspace or an organization they belong to.
 */
export function visibleWhere(user: UserRow, orgColumn: AnyPgColumn | SQL, involved: SQL): SQL | undefined {
  if (user.isSuperuser) return undefined;
  return sql`(${orgColumn} in ${readerOrgIds(user)} or ((${orgColumn} is null or ${orgColumn} in ${memberOrgIds(user)}) and (${involved})))`;
}

/** The organization filter of the request's context. */
export function orgContextWhere(org: OrgContext, orgColumn: AnyPgColumn | SQL): SQL | undefined {
  if (org.kind === 'personal') return sql`${orgColumn} is null`;
  if (org.kind === 'org') return sql`${orgColumn} = ${org.id}`;
  return undefined;
}
