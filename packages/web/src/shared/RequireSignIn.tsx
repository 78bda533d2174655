import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../api/auth.tsx';
import { Loading } from './Loading.tsx';

/**
 * A page for signed-in people only: anyone else goes through the sign-in page and comes back to
 * this very address (the emails' "/my/<id>" links, issue 13).
 */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const { pathname, search } = useLocation();
  if (loading) return <Loading />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(pathname + search)}`} replace />;
  return <>{children}</>;
}
