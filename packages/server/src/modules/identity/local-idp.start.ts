import { randomBytes } from 'node:crypto';
import type { Config, IdentityProviderConfig } from '../../config.ts';
import { DEMO_STAFF_IDENTITIES, type DemoIdentity } from '../../seed/demo-residents.ts';
import { callbackUrl } from './identity.routes.ts';
import type { Bilingual } from './local-idp.pages.ts';
import { type LocalIdentityProvider, startLocalIdentityProvider } from './local-idp.ts';

type Started = { idp: LocalIdentityProvider; env: Record<string, string> };

/** Environment names of a provider's configuration (config.identityProvidersFrom reads them back). */
const ENV_PREFIX = { vneid: 'MOTCUA_VNEID', staff: 'MOTCUA_STAFF_OIDC' } as const;

/**
 * One local provider registered as `id`: this deployment's callback, a client secret made for this
 * run, the port asked for or any free one if it is taken (the demo must start when another
 * instance or a test holds it). `env` is what `serve --workers N` hands its workers.
 */
async function startLocal(
  config: Config,
  p: { id: IdentityProviderConfig['id']; audience: IdentityProviderConfig['audience']; clientId: string; port: number },
  extra: { identities?: DemoIdentity[]; title?: Bilingual; organisations?: boolean } = {},
): Promise<Started> {
  const clientSecret = randomBytes(24).toString('base64url');
  const start = (port: number) =>
    startLocalIdentityProvider({
      port,
      host: config.host === '0.0.0.0' ? '127.0.0.1' : config.host,
      ...extra,
      clients: [
        {
          clientId: p.clientId,
          clientSecret,
          redirectUris: [callbackUrl(config, { id: p.id })],
          postLogoutRedirectUris: [`${config.publicUrl}/`],
        },
      ],
    });
  const idp = await start(p.port).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    return start(0);
  });
  config.identityProviders.push({
    id: p.id,
    audience: p.audience,
    issuer: idp.issuer,
    clientId: p.clientId,
    clientSecret,
    scopes: 'openid profile',
    acrValues: undefined,
  });
  const prefix = ENV_PREFIX[p.id];
  return {
    idp,
    env: {
      [`${prefix}_ISSUER`]: idp.issuer,
      [`${prefix}_CLIENT_ID`]: p.clientId,
      [`${prefix}_CLIENT_SECRET`]: clientSecret,
    },
  };
}

/**
 * `npm start` without a national IdP (config.localIdentityProvider): the local stand-in for VNeID
 * (applicants, port PORT + 1) and, unless the province's own IdP is configured, a second one for
 * officers (port PORT + 2) holding the demo officer identity, so that the demo shows both single
 * sign-ons. Undefined when real providers are configured.
 */
export async function startLocalIdentityProviders(
  config: Config,
): Promise<{ close(): Promise<void>; env: Record<string, string> } | undefined> {
  if (!config.localIdentityProvider) return undefined;
  const started: Started[] = [];
  const port = (offset: number) =>
    config.localIdentityProviderPort === 0 ? 0 : config.localIdentityProviderPort + offset;
  const close = async () => void (await Promise.all(started.map((s) => s.idp.close())));
  try {
    if (!config.identityProviders.some((p) => p.id === 'vneid')) {
      started.push(
        await startLocal(config, { id: 'vneid', audience: 'applicant', clientId: 'motcua-portal', port: port(0) }),
      );
    }
    if (!config.identityProviders.some((p) => p.id === 'staff')) {
      started.push(
        await startLocal(
          config,
          { id: 'staff', audience: 'officer', clientId: 'motcua-office', port: port(1) },
          {
            identities: DEMO_STAFF_IDENTITIES,
            title: { vi: 'Đăng nhập tài khoản cán bộ của tỉnh', en: 'Sign in with your province staff account' },
            organisations: false,
          },
        ),
      );
    }
  } catch (err) {
    await close();
    throw err;
  }
  if (started.length === 0) return undefined;
  return { close, env: Object.assign({}, ...started.map((s) => s.env)) };
}
