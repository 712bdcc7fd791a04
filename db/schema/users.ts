import { boolean, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  username: text('username').notNull().unique(),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  firstName: text('first_name').notNull().default(''),
  lastName: text('last_name').notNull().default(''),
  isSuperuser: boolean('is_superuser').notNull().default(false),
  isActive: boolean('is_active').notNull().default(true),
  dateJoined: timestamp('date_joined', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  lastLogin: timestamp('last_login', { withTimezone: true, precision: 6 }),
}, (t) => [index('users_email_idx').on(t.email)]);

/** API keys handed out by POST /api/auth/login (`Authorization: Token <key>`). Only a hash is stored. */
export const apiTokens = pgTable('api_tokens', {
  keyHash: text('key_hash').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
});
