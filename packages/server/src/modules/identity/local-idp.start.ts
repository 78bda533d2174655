import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
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
