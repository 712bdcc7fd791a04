import NextAuth, { type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/db/client';
import { verifyCredentials } from './credentials';

// Lazy so that AUTH_SECRET, which start-up may have generated into the data directory, is read at request time.
export const { handlers, auth } = NextAuth(
  (): NextAuthConfig => ({
    secret: process.env.AUTH_SECRET,
    trustHost: true,
    session: { strategy: 'jwt' },
    pages: { signIn: '/login' },
    providers: [
      Credentials({
        credentials: { username: {}, password: {} },
        authorize: async (credentials) => {
          const username = typeof credentials?.username === 'string' ? credentials.username : '';
          const password = typeof credentials?.password === 'string' ? credentials.password : '';
          if (!username || !password || username.length > 254 || password.length > 128) return null;
          const user = await verifyCredentials(await getDb(), username, password);
          return user ? { id: String(user.id), name: user.username, email: user.email } : null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) token.uid = Number(user.id);
        return token;
      },
      session({ session, token }) {
        (session as unknown as { userId?: number }).userId = token.uid as number;
        return session;
      },
    },
  }),
);
