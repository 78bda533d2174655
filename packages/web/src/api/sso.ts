import { useQuery } from '@tanstack/react-query';
import { api } from './client.ts';

/** The single sign-on providers the server has: VNeID for applicants, the province's IdP for officers. */
export function useSsoProviders() {
  return useQuery({
    queryKey: ['sso-providers'],
    queryFn: async () => (await api.GET('/api/v1/auth/oidc/providers')).data?.items ?? [],
    staleTime: 300_000,
  });
}

/** The sign-in at `provider` that comes back to `returnTo` (a path of this site; none: the server's default). */
export function ssoStartUrl(provider: 'vneid' | 'staff', returnTo?: string | null): string {
  const back = returnTo?.startsWith('/') ? `?returnTo=${encodeURIComponent(returnTo)}` : '';
  return `/api/v1/auth/oidc/${provider}/start${back}`;
}
