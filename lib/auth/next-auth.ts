import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/db/client';
import { clientAddress } from '@/lib/http/client-address';
import { ApiError } from '@/lib/http/errors';
import { loggerFor } from '@/lib/logging/logger';
import { findUserById } from '@/lib/users/register-user';
import { endBrowserSessions, verifyCredentials } from './credentials';
import { safeRedirectPath } from './safe-redirect';

/** The sign-in page shows this code as "too many attempts" (the route answers 429 before it comes to this). */
class ThrottledSignIn extends CredentialsSignin {
  code = 'throttled';
}

// Lazy so that AUTH_SECRET, which start-up may have generated into the data directory, is read at request time.
export const { handlers, auth } = NextAuth((): NextAuthConfig => ({
  secret: process.env.AUTH_SECRET,
  // The host is the request's own (app/api/auth/[...nextauth]/route.ts drops X-Forwarded-* unless TRUST_PROXY=1).
  trustHost: true,
  session: { strategy: 'jwt' },
  pages: { signIn: '/login' },
  // A wrong password is an ordinary event, logged once as a warning where it is checked
  // (credentials.ts): here it is no error and no stack trace.
  logger: {
    error(error) {
      const log = loggerFor('auth');
      if (error.name === 'CredentialsSignin' || (error as { type?: string }).type === 'CredentialsSignin')
        log.debug('sign-in page refused the credentials');
      else log.error({ err: error }, 'sign-in failed');
    },
    warn(code) {
      loggerFor('auth').warn({ code }, 'next-auth warning');
    },
    debug(message) {
      loggerFor('auth').debug({ detail: message }, 'next-auth');
    },
  },
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      authorize: async (credentials, request) => {
        const username = typeof credentials?.username === 'string' ? credentials.username : '';
        const password = typeof credentials?.password === 'string' ? credentials.password : '';
        if (!username || !password || username.length > 254 || password.length > 128) return null;
        try {
          const user = await verifyCredentials(await getDb(), username, password, clientAddress(request));
          return user
            ? {
                id: String(user.id),
                name: user.username,
                email: user.email,
                sessionVersion: user.sessionVersion,
              }
            : null;
        } catch (error) {
          if (error instanceof ApiError && error.code === 'too_many_requests') throw new ThrottledSignIn();
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user?.id) {
        token.uid = Number(user.id);
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        return token;
      }
      // Every later use of the session: one issued before a sign-out (or of a removed account) ends here.
      const current = token.uid ? await findUserById(await getDb(), Number(token.uid)) : null;
      return current?.isActive && current.sessionVersion === Number(token.sv ?? 0) ? token : null;
    },
    session({ session, token }) {
      (session as unknown as { userId?: number }).userId = token.uid as number;
      return session;
    },
    redirect({ url, baseUrl }) {
      return `${baseUrl}${safeRedirectPath(url, baseUrl)}`;
    },
  },
  events: {
    async signOut(message) {
      const uid = 'token' in message ? message.token?.uid : undefined;
      if (uid) await endBrowserSessions(await getDb(), Number(uid));
    },
  },
}));
