import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo } from 'react';
import { api, ok, onSessionEnded, setCsrfToken } from './client.ts';

/** sessionStorage key: why the last session ended, shown once on the sign-in page. */
export const SESSION_ENDED_KEY = 'motcua.sessionEnded';

import type { paths } from './schema';

type MeBody = paths['/api/v1/auth/me']['get']['responses'][200]['content']['application/json'];
export type Me = MeBody['user'];
/** How the session was opened: `password` or `oidc:vneid`, and its VNeID level (1, 2) if any. */
export type SignIn = MeBody['session'];

type AuthState = {
  me: Me | null;
  signIn: SignIn | null;
  loading: boolean;
  login: (username: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
};

const AuthContext = createContext<AuthState | null>(null);

/** The signed-in user (GET /auth/me), the CSRF token for commands, sign-in and sign-out. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const r = await api.GET('/api/v1/auth/me');
      if (r.response.status === 401) {
        // Signed in a moment ago and now refused: tell the sign-in page why (idle limit…).
        const code = (r.error as { code?: string } | undefined)?.code;
        if (code && code !== 'unauthenticated') sessionStorage.setItem(SESSION_ENDED_KEY, code);
        setCsrfToken(null);
        return null;
      }
      const body = ok(r);
      setCsrfToken(body.csrfToken);
      return { user: body.user, session: body.session };
    },
    staleTime: 60_000,
  });
  const login = useCallback(
    async (username: string, password: string) => {
      const body = ok(await api.POST('/api/v1/auth/login', { body: { username, password } }));
      setCsrfToken(body.csrfToken);
      qc.setQueryData(['me'], { user: body.user, session: { authMethod: 'password', assuranceLevel: null } });
      // Whatever was read as the previous user (or anonymously) is dropped.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      return body.user;
    },
    [qc],
  );
  useEffect(() => {
    onSessionEnded((code) => {
      setCsrfToken(null);
      // The sign-in page says why once (LoginPage).
      // The first refusal says why (`session_idle`); requests in flight then only see the session gone.
      if (code && code !== 'unauthenticated') sessionStorage.setItem(SESSION_ENDED_KEY, code);
      else if (!sessionStorage.getItem(SESSION_ENDED_KEY)) sessionStorage.setItem(SESSION_ENDED_KEY, 'unauthenticated');
      qc.setQueryData(['me'], null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    });
    return () => onSessionEnded(null);
  }, [qc]);
  const logout = useCallback(async () => {
    const r = await api.POST('/api/v1/auth/logout');
    setCsrfToken(null);
    qc.setQueryData(['me'], null);
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    // Signed in at VNeID: end that session too (RP-initiated logout), which returns to the portal.
    const endSessionUrl = r.response.status === 200 ? r.data?.endSessionUrl : undefined;
    if (endSessionUrl) window.location.assign(endSessionUrl);
  }, [qc]);
  const value = useMemo(
    () => ({ me: q.data?.user ?? null, signIn: q.data?.session ?? null, loading: q.isLoading, login, logout }),
    [q.data, q.isLoading, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}

export const isOfficer = (me: Me | null) => me !== null && me.kind === 'officer';
export const hasRole = (me: Me | null, ...roles: string[]) =>
  me !== null && (me.roles as string[]).some((r) => roles.includes(r));
