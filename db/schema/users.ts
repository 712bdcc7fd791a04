import { boolean, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
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
    /** Carried by every browser session; raised at sign-out, which ends the sessions issued before. */
    sessionVersion: integer('session_version').notNull().default(0),
  },
  (t) => [index('users_email_idx').on(t.email)],
);

/** API keys handed out by POST /api/auth/login (`Authorization: Token <key>`). Only a hash is stored. */
export const apiTokens = pgTable('api_tokens', {
  keyHash: text('key_hash').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdDate: timestamp('created_date', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
});

/**
 * Failed sign-ins counted per key (account and address, or address alone) for the sign-in throttle
 * (lib/auth/sign-in-throttle.ts, rate-limiter-flexible's Drizzle store): in the database, so that every
 * process sees the same counts. `expire` ends the window the count belongs to.
 */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull().default(0),
    expire: timestamp('expire', { withTimezone: true, precision: 3 }),
  },
  (t) => [index('sign_in_failures_expire_idx').on(t.expire)],
);
