import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import { DEMO_STAFF_IDENTITIES } from '../../seed/demo-residents.ts';
import { callbackUrl } from './identity.routes.ts';
import { type LocalIdentityProvider, startLocalIdentityProvider } from './local-idp.ts';

/**
 * `npm start` without a national IdP (config.localIdentityProvider): the local stand-in for VNeID
 * is started and registered as the `vneid` provider, with this deployment's callback and a client
 * secret made for this run. Returns undefined when a real provider is configured. `env` is what
 * `serve --workers N` hands its workers so that they use the same provider and secret.
 */
export async function startLocalVneid(
  config: Config,
): Promise<{ idp: LocalIdentityProvider; env: Record<string, string> } | undefined> {
  if (!config.localIdentityProvider || config.identityProviders.some((p) => p.id === 'vneid')) return undefined;
  const clientId = 'motcua-portal';
  const clientSecret = randomBytes(24).toString('base64url');
  const start = (port: number) =>
    startLocalIdentityProvider({
      port,
      host: config.host === '0.0.0.0' ? '127.0.0.1' : config.host,
      clients: [
        {
          clientId,
          clientSecret,
          redirectUris: [callbackUrl(config, { id: 'vneid' })],
          postLogoutRedirectUris: [`${config.publicUrl}/`],
        },
      ],
    });
  // The demo must start even when PORT + 1 is taken (another instance, a test): any free port then.
  const idp = await start(config.localIdentityProviderPort).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    return start(0);
  });
  config.identityProviders.push({
    id: 'vneid',
    audience: 'applicant',
    issuer: idp.issuer,
    clientId,
    clientSecret,
    scopes: 'openid profile',
    acrValues: undefined,
  });
  return {
    idp,
    env: {
      MOTCUA_VNEID_ISSUER: idp.issuer,
      MOTCUA_VNEID_CLIENT_ID: clientId,
      MOTCUA_VNEID_CLIENT_SECRET: clientSecret,
    },
  };
}

/**
 * The province's own IdP for officers (provider `staff`), when none is configured and the local
 * VNeID stand-in runs: a second local provider (another origin, port PORT + 2 or any free one)
 * holding the demo officer identity, so that `npm start` shows the officers' single sign-on too.
 */
export async function startLocalStaffIdp(
  config: Config,
): Promise<{ idp: LocalIdentityProvider; env: Record<string, string> } | undefined> {
  if (!config.localIdentityProvider || config.identityProviders.some((p) => p.id === 'staff')) return undefined;
  const clientId = 'motcua-office';
  const clientSecret = randomBytes(24).toString('base64url');
  const start = (port: number) =>
    startLocalIdentityProvider({
      port,
      host: config.host === '0.0.0.0' ? '127.0.0.1' : config.host,
      identities: DEMO_STAFF_IDENTITIES,
      title: { vi: 'Đăng nhập tài khoản cán bộ của tỉnh', en: 'Sign in with your province staff account' },
      clients: [
        {
          clientId,
          clientSecret,
          redirectUris: [callbackUrl(config, { id: 'staff' })],
          postLogoutRedirectUris: [`${config.publicUrl}/`],
        },
      ],
    });
  const port = config.localIdentityProviderPort === 0 ? 0 : config.localIdentityProviderPort + 1;
  const idp = await start(port).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    return start(0);
  });
  config.identityProviders.push({
    id: 'staff',
    audience: 'officer',
    issuer: idp.issuer,
    clientId,
    clientSecret,
    scopes: 'openid profile',
    acrValues: undefined,
  });
  return {
    idp,
    env: {
      MOTCUA_STAFF_OIDC_ISSUER: idp.issuer,
      MOTCUA_STAFF_OIDC_CLIENT_ID: clientId,
      MOTCUA_STAFF_OIDC_CLIENT_SECRET: clientSecret,
    },
  };
}

/** Both local stand-ins (VNeID for applicants, the province's IdP for officers) as `serve` runs them. */
export async function startLocalIdentityProviders(
  config: Config,
): Promise<{ close(): Promise<void>; env: Record<string, string> } | undefined> {
  const vneid = await startLocalVneid(config);
  const staff = await startLocalStaffIdp(config).catch(async (err: unknown) => {
    await vneid?.idp.close();
    throw err;
  });
  if (!vneid && !staff) return undefined;
  return {
    close: async () => {
      await vneid?.idp.close();
      await staff?.idp.close();
    },
    env: { ...vneid?.env, ...staff?.env },
  };
}
