import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { users } from './users';

export const ROLES = ['owner', 'maintainer', 'supervisor', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export const organizations = pgTable('organizations', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull().default(''),
  description: text('description').notNull().default(''),
  contact: jsonb('contact').$type<Record<string, string>>().notNull().default({}),
  ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
  createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  updatedDate: timestamp('updated_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
});

export const memberships = pgTable(
  'memberships',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    isActive: boolean('is_active').notNull().default(true),
    joinedDate: timestamp('joined_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    invitationKey: text('invitation_key'),
  },
  (t) => [
    uniqueIndex('memberships_user_org_idx').on(t.userId, t.organizationId),
    index('memberships_org_idx').on(t.organizationId),
  ],
);

export const invitations = pgTable(
  'invitations',
  {
    key: text('key').primaryKey(),
    createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
    /**
     * The invitee: the account registered with `email`, null until there is one (an invitation to an email
     * without an account waits and is linked when someone registers with it).
     */
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** The address the invitation was sent to, as typed. */
    email: text('email').notNull().default(''),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    acceptedDate: timestamp('accepted_date', { withTimezone: true, precision: 6 }),
  },
  (t) => [
    index('invitations_org_idx').on(t.organizationId),
    index('invitations_user_idx').on(t.userId),
    index('invitations_email_idx').on(sql`lower(${t.email})`),
  ],
);
