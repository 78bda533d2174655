/**
 * Local OpenID Connect identity provider: the stand-in for VNeID / the DVCQG national SSO in demos
 * and tests. It runs on its own origin (as VNeID does), signs in the demo identities of
 * seed/demo-residents.ts and hands out the DVCQG claim names (NATIONAL-SYSTEMS.md §2) through
 * userinfo and the ID token. Authorization code flow with PKCE only; state is in memory.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Adapter, type AdapterPayload, type Configuration, type Interaction } from 'oidc-provider';
import {
  DEMO_BUSINESSES,
  DEMO_IDENTITIES,
  DEMO_RESIDENTS,
  type DemoIdentity,
  type DemoResident,
} from '../../seed/demo-residents.ts';
import { addressLine } from '../registers/admin-units.ts';
import {
  type Bilingual,
  demoIdentityButtons,
  errorPage,
  type LoginPageOptions,
  loginPage,
  logoutPage,
  MESSAGES,
  postLogoutPage,
  readForm,
  sendHtml,
} from './local-idp.pages.ts';

export type LocalIdpClient = {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
};
export type LocalIdentityProvider = { issuer: string; close(): Promise<void> };

/** DVCQG claims of the `profile` scope (NATIONAL-SYSTEMS.md §2; NgaySinh is a VNeID extension). */
const PROFILE_CLAIMS = [
  'LoaiTaiKhoan',
  'TechID',
  'SoDinhDanh',
  'SoCMND',
  'HoVaTen',
  'NgaySinh',
  'GioiTinh',
  'DiaChi',
  'SoDienThoai',
  'ThuDienTu',
  'MaSoThue',
  'MaSoDoanhNghiep',
  'TenDoanhNghiep',
] as const;

/** ISO date -> dd/MM/yyyy, as VNeID gives it. */
const vnDate = (iso: string) => iso.split('-').reverse().join('/');

type Claims = { sub: string; [claim: string]: string | number };

function identityClaims(identity: DemoIdentity): Claims {
  const resident: DemoResident | undefined = DEMO_RESIDENTS.find((r) => r.personalId === identity.personalId);
  const claims: Claims = {
    sub: identity.techId,
    LoaiTaiKhoan: identity.accountType,
    TechID: identity.techId,
    SoDinhDanh: identity.personalId,
    SoDienThoai: identity.phone,
    ThuDienTu: identity.email,
  };
  if (resident) {
    if (resident.oldIdCard) claims.SoCMND = resident.oldIdCard;
    claims.HoVaTen = resident.fullName;
    claims.NgaySinh = vnDate(resident.dateOfBirth);
    claims.GioiTinh = resident.sex;
    claims.DiaChi = addressLine(resident.permanentResidence);
  }
  if (identity.accountType === 2 && identity.taxCode) {
    const business = DEMO_BUSINESSES.find((b) => b.taxCode === identity.taxCode);
    claims.MaSoThue = identity.taxCode;
    claims.MaSoDoanhNghiep = identity.taxCode;
    if (business) {
      claims.TenDoanhNghiep = business.name;
      claims.DiaChi = business.headOfficeAddress;
    }
  }
  return claims;
}

/**
 * A small in-memory adapter of our own: oidc-provider's built-in one prints a production warning on
 * every start, and this keeps each provider instance's state separate.
 */
function memoryAdapter() {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  let writes = 0;
  const live = (key: string) => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry?.payload;
  };
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    const findBy = (field: 'uid' | 'userCode', value: string) => {
      for (const [k, entry] of store) {
        if (k.startsWith(`${model}:`) && entry.payload[field] === value) return live(k);
      }
      return undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        // Expired entries are otherwise dropped only when read; sweep now and then so a long demo stays small.
        if (++writes % 500 === 0) for (const k of [...store.keys()]) live(k);
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
        store.set(key(id), { payload, expiresAt });
      },
      async find(id) {
        return live(key(id));
      },
      async findByUid(uid) {
        return findBy('uid', uid);
      },
      async findByUserCode(userCode) {
        return findBy('userCode', userCode);
      },
      async consume(id) {
        const payload = live(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [k, entry] of store) {
          if (entry.payload.grantId === grantId) store.delete(k);
        }
      },
    };
  };
}

/** Compares secrets without leaking their length or content through timing. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Claims named in the `claims` request parameter (they need to be in the grant too). */
function requestedClaims(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  try {
    const parsed = JSON.parse(raw) as { userinfo?: object; id_token?: object };
    return [...Object.keys(parsed.userinfo ?? {}), ...Object.keys(parsed.id_token ?? {})];
  } catch {
    return [];
  }
}

export async function startLocalIdentityProvider(opts: {
  port?: number;
  host?: string;
  clients: LocalIdpClient[];
  identities?: DemoIdentity[];
  idTokenTtlSeconds?: number;
  /** The login page's heading (default: VNeID's). */
  title?: Bilingual;
  /** Offer the organisation sign-in (default true; the staff stand-in has officers only). */
  organisations?: boolean;
}): Promise<LocalIdentityProvider> {
  const host = opts.host ?? '127.0.0.1';
  const identities = opts.identities ?? DEMO_IDENTITIES;

  let provider: Provider | undefined;
  const server = http.createServer((req, res) => {
    if (!provider) {
      sendHtml(res, 503, errorPage(MESSAGES.starting));
      return;
    }
    handle(provider, req, res).catch((err: unknown) => {
      console.error('local IdP: interaction failed', err);
      if (!res.headersSent) sendHtml(res, 500, errorPage(MESSAGES.serverError));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

  const findIdentity = (techId: string) => identities.find((i) => i.techId === techId);

  const configuration: Configuration = {
    adapter: memoryAdapter(),
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      application_type: 'web',
      // client_secret_basic is accepted as well: oidc-provider treats the two as interchangeable.
      token_endpoint_auth_method: 'client_secret_post',
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'profile'],
    // acr/amr under `openid`: oidc-provider otherwise puts them in the ID token only when the RP asks
    // for them (acr_values or the claims parameter), and DVCQG relying parties do not always ask.
    claims: {
      acr: null,
      auth_time: null,
      sid: null,
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      profile: [...PROFILE_CLAIMS],
    },
    acrValues: ['LoA1', 'LoA2'],
    // DVCQG reads the person from the ID token too, not only from userinfo.
    conformIdTokenClaims: false,
    clientBasedCORS: () => true,
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: opts.idTokenTtlSeconds ?? 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      RefreshToken: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = postLogoutPage();
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(MESSAGES.invalidRequest, { error: out.error, description: out.error_description });
    },
    findAccount: (_ctx, sub) => {
      const identity = findIdentity(sub);
      if (!identity) return undefined;
      return { accountId: sub, claims: () => identityClaims(identity) };
    },
  };
  provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  const demoButtons = demoIdentityButtons(identities);

  /** Grants what the registered client asked for: this IdP has no consent page. */
  async function grantAll(p: Provider, details: Interaction, accountId: string): Promise<string> {
    const clientId = String(details.params.client_id);
    const existing = details.grantId ? await p.Grant.find(details.grantId) : undefined;
    // A grant of the previous account must not carry over to a different person signing in.
    const grant = existing?.accountId === accountId ? existing : new p.Grant({ accountId, clientId });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const missing = details.prompt.details.missingOIDCClaims;
    grant.addOIDCClaims([...requestedClaims(details.params.claims), ...(Array.isArray(missing) ? missing : [])]);
    const resources = details.prompt.details.missingResourceScopes;
    if (resources && typeof resources === 'object') {
      for (const [indicator, scopes] of Object.entries(resources as Record<string, string[]>)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    return grant.save();
  }

  async function handle(p: Provider, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(url.pathname);
    if (!match) {
      if (url.pathname.startsWith('/interaction/')) {
        sendHtml(res, 404, errorPage(MESSAGES.notFound));
        return;
      }
      callback(req, res);
      return;
    }
    const [, uid, action] = match;
    const expected = action ? 'POST' : 'GET';
    if (req.method !== expected && !(expected === 'GET' && req.method === 'HEAD')) {
      res.setHeader('Allow', expected);
      sendHtml(res, 405, errorPage(MESSAGES.methodNotAllowed));
      return;
    }

    let details: Interaction;
    try {
      details = await p.interactionDetails(req, res);
    } catch {
      sendHtml(res, 400, errorPage(MESSAGES.interactionGone));
      return;
    }
    if (details.uid !== uid) {
      sendHtml(res, 400, errorPage(MESSAGES.interactionGone));
      return;
    }

    const base = `/interaction/${details.uid}`;
    const client = await p.Client.find(String(details.params.client_id));
    const render = (status: number, extra: Partial<LoginPageOptions> = {}) =>
      sendHtml(
        res,
        status,
        loginPage({
          loginAction: `${base}/login`,
          abortAction: `${base}/abort`,
          clientName: client?.clientName ?? String(details.params.client_id),
          kind: 'citizen',
          demoIdentities: demoButtons,
          ...(opts.title ? { title: opts.title } : {}),
          ...(opts.organisations === false ? { organisations: false } : {}),
          ...extra,
        }),
      );

    if (action === 'abort') {
      await p.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User cancelled the sign-in' },
        { mergeWithLastSubmission: false },
      );
      return;
    }

    if (!action) {
      if (details.prompt.name === 'login') {
        render(200);
        return;
      }
      if (details.prompt.name === 'consent' && details.session?.accountId) {
        const grantId = await grantAll(p, details, details.session.accountId);
        await p.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
        return;
      }
      sendHtml(res, 400, errorPage(MESSAGES.interactionGone));
      return;
    }

    // action === 'login'
    if (details.prompt.name !== 'login') {
      sendHtml(res, 400, errorPage(MESSAGES.interactionGone));
      return;
    }
    const form = await readForm(req);
    if (!form) {
      sendHtml(res, 413, errorPage(MESSAGES.tooLarge));
      return;
    }
    // Without the organisation tab (the staff stand-in) every sign-in is a person's.
    const kind = opts.organisations !== false && form.get('kind') === 'business' ? 'business' : 'citizen';
    const personalId = (form.get('personalId') ?? '').trim();
    const taxCode = (form.get('taxCode') ?? '').trim();
    const password = form.get('password') ?? '';
    const again = (error: Bilingual) => render(200, { kind, personalId, taxCode, error });

    if (!/^\d{12}$/.test(personalId)) return again(MESSAGES.badPersonalId);
    if (kind === 'business' && !/^\d{10}(-\d{3})?$/.test(taxCode)) return again(MESSAGES.badTaxCode);

    // Every candidate's password is compared, so timing does not tell which IDs exist.
    let found: DemoIdentity | undefined;
    for (const identity of identities) {
      const sameAccount =
        kind === 'business'
          ? identity.accountType === 2 && identity.taxCode === taxCode && identity.personalId === personalId
          : identity.accountType === 1 && identity.personalId === personalId;
      if (sameSecret(identity.password, password) && sameAccount) found = identity;
    }
    if (!found) return again(MESSAGES.loginFailed);

    const grantId = await grantAll(p, details, found.techId);
    await p.interactionFinished(
      req,
      res,
      {
        login: { accountId: found.techId, acr: found.level === 2 ? 'LoA2' : 'LoA1', amr: ['pwd'] },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
