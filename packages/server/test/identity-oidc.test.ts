/**
 * Sign-in with OpenID Connect (issue 17): the product as relying party against the local VNeID
 * stand-in (the real flow: start → login page → callback → session) and against a scripted
 * provider that sends the tokens a relying party must refuse. Refused sign-ins create nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config, IdentityProviderConfig } from '../src/config.ts';
import type { Db } from '../src/db/database.ts';
import { callbackUrl } from '../src/modules/identity/identity.routes.ts';
import { type LocalIdentityProvider, startLocalIdentityProvider } from '../src/modules/identity/local-idp.ts';
import { DEMO_IDP_PASSWORD, DEMO_STAFF_IDENTITIES } from '../src/seed/demo-residents.ts';
import { count, DEMO, startTestApp, type TestApp } from './helpers.ts';
import { browser, formOf } from './idp-browser.ts';
import { type ScriptedIdp, startScriptedIdp, type TokenDefect } from './scripted-idp.ts';

const PUBLIC_URL = 'http://localhost:3999';
const anh = { kind: 'citizen', personalId: '048090001234', password: DEMO_IDP_PASSWORD };
const binh = { kind: 'citizen', personalId: '048085004321', password: DEMO_IDP_PASSWORD };
const dung = { kind: 'citizen', personalId: '048300009999', password: DEMO_IDP_PASSWORD };
const songHan = { kind: 'business', taxCode: '0401234567', personalId: '048090001234', password: DEMO_IDP_PASSWORD };

type Inject = TestApp['inject'];
const cookieOf = (res: { cookies: { name: string; value: string }[] }, name: string) =>
  res.cookies.find((c) => c.name === name && c.value !== '')?.value;

/** GET …/start: the provider's authorization URL and the browser-binding cookie. */
async function start(inject: Inject, provider: string, returnTo?: string) {
  const q = returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : '';
  const res = await inject({ method: 'GET', url: `/api/v1/auth/oidc/${provider}/start${q}` });
  expect(res.statusCode).toBe(302);
  return { authorize: new URL(res.headers.location as string), binding: cookieOf(res, 'motcua_oidc') ?? '' };
}

/** The provider's redirect back, replayed into the app as the browser would load it. */
async function callback(inject: Inject, back: URL, binding: string | undefined) {
  const res = await inject({
    method: 'GET',
    url: back.pathname + back.search,
    headers: binding ? { cookie: `motcua_oidc=${binding}` } : {},
  });
  expect(res.statusCode).toBe(302);
  return { location: res.headers.location as string, session: cookieOf(res, 'motcua_session'), res };
}

describe('sign-in with the local VNeID', () => {
  let app: TestApp;
  let db: Db;
  let idp: LocalIdentityProvider;
  let staffIdp: LocalIdentityProvider;

  beforeAll(async () => {
    const secret = 'vneid-test-secret';
    const cfg = { publicUrl: PUBLIC_URL } as Config;
    idp = await startLocalIdentityProvider({
      clients: [
        {
          clientId: 'motcua-portal',
          clientSecret: secret,
          redirectUris: [callbackUrl(cfg, { id: 'vneid' })],
          postLogoutRedirectUris: [`${PUBLIC_URL}/`],
        },
      ],
    });
    const vneid: IdentityProviderConfig = {
      id: 'vneid',
      audience: 'applicant',
      issuer: idp.issuer,
      clientId: 'motcua-portal',
      clientSecret: secret,
      scopes: 'openid profile',
      acrValues: undefined,
    };
    staffIdp = await startLocalIdentityProvider({
      identities: [
        ...DEMO_STAFF_IDENTITIES,
        { ...DEMO_STAFF_IDENTITIES[0]!, techId: 'staff-nobody', personalId: '048088002468' },
      ],
      clients: [
        {
          clientId: 'motcua-office',
          clientSecret: secret,
          redirectUris: [callbackUrl(cfg, { id: 'staff' })],
          postLogoutRedirectUris: [`${PUBLIC_URL}/`],
        },
      ],
    });
    const staff: IdentityProviderConfig = {
      ...vneid,
      id: 'staff',
      audience: 'officer',
      issuer: staffIdp.issuer,
      clientId: 'motcua-office',
    };
    ({ app, db } = await startTestApp({ publicUrl: PUBLIC_URL, identityProviders: [vneid, staff] }));
  });
  afterAll(async () => {
    await idp?.close();
    await staffIdp?.close();
  });

  /** The whole journey: start, the IdP's login page, the form, the callback. */
  async function signIn(fields: Record<string, string>, returnTo?: string, provider: 'vneid' | 'staff' = 'vneid') {
    const issuer = provider === 'vneid' ? idp.issuer : staffIdp.issuer;
    const s = await start(app.inject, provider, returnTo);
    expect(s.authorize.origin).toBe(issuer);
    expect(s.authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const b = browser(issuer);
    const page = await b.request(s.authorize.href);
    expect(page.res.status).toBe(200);
    const back = await b.request(`${page.url}/login`, formOf(fields));
    const url = new URL(back.url);
    expect(url.href.startsWith(callbackUrl({ publicUrl: PUBLIC_URL } as Config, { id: provider }))).toBe(true);
    return { ...(await callback(app.inject, url, s.binding)), back: url, binding: s.binding, b, loginUrl: page.url };
  }

  const me = async (session: string) => {
    const r = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `motcua_session=${session}` },
    });
    expect(r.statusCode).toBe(200);
    return r.json().user as { id: string; username: string; fullName: string; applicantType: string };
  };

  it('lists the provider for the sign-in page', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/auth/oidc/providers' });
    expect(r.json()).toEqual({
      items: [
        { id: 'vneid', audience: 'applicant' },
        { id: 'staff', audience: 'officer' },
      ],
    });
  });

  it('links the first sign-in to the account with the same personal ID, and records the level', async () => {
    const existing = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', DEMO.citizen)
      .executeTakeFirstOrThrow();
    const users = await count(db, 'users');
    const r = await signIn(anh);
    expect(r.location).toBe('/my');
    expect(r.session).toBeDefined();
    expect((await me(r.session!)).id).toBe(existing.id);
    expect(await count(db, 'users')).toBe(users);
    const session = await db
      .selectFrom('sessions')
      .select(['auth_method', 'assurance_level', 'id_token'])
      .where('user_id', '=', existing.id)
      .where('auth_method', '=', 'oidc:vneid')
      .executeTakeFirstOrThrow();
    expect(session).toMatchObject({ auth_method: 'oidc:vneid', assurance_level: 2 });
    expect(session.id_token).toMatch(/^ey/);
    const link = await db
      .selectFrom('user_identities')
      .selectAll()
      .where('user_id', '=', existing.id)
      .executeTakeFirstOrThrow();
    expect(link).toMatchObject({ provider: 'vneid', subject: 'vneid-7f3a9c01', assurance_level: 2 });
    expect(link.verified).toMatchObject({
      accountType: 'citizen',
      fullName: 'Nguyễn Thị Ánh',
      personalId: '048090001234',
      dateOfBirth: '1990-05-14',
      sex: 'female',
    });
    const audit = await db
      .selectFrom('audit_log')
      .select(['result', 'details'])
      .where('action', '=', 'auth.login')
      .where('actor_id', '=', existing.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ result: 'ok', details: { method: 'oidc:vneid', level: 2, account: 'linked' } });
  });

  it('creates an account for a new person once, and signs her in to it again', async () => {
    const users = await count(db, 'users');
    const first = await signIn(binh);
    const created = await me(first.session!);
    expect(created).toMatchObject({ username: '048085004321', fullName: 'Trần Văn Bình', applicantType: 'citizen' });
    expect(await count(db, 'users')).toBe(users + 1);
    const outbox = await db.selectFrom('outbox').select('topic').where('aggregate_id', '=', created.id).execute();
    expect(outbox.map((o) => o.topic)).toContain('user.registered');
    const again = await signIn(binh);
    expect((await me(again.session!)).id).toBe(created.id);
    expect(await count(db, 'users')).toBe(users + 1);
  });

  it('signs a business in to its organization account and a level-1 identity at level 1', async () => {
    const org = await signIn(songHan);
    expect(await me(org.session!)).toMatchObject({ username: DEMO.organization, applicantType: 'organization' });
    const low = await signIn(dung);
    const s = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select('assurance_level')
      .where('users.username', '=', '048300009999')
      .executeTakeFirstOrThrow();
    expect(s.assurance_level).toBe(1);
    expect(low.location).toBe('/my');
  });

  it('returns to the page the sign-in started from, never to another site', async () => {
    expect((await signIn(anh, '/procedures/abc/apply')).location).toBe('/procedures/abc/apply');
    expect((await signIn(anh, '//evil.example/x')).location).toBe('/my');
    expect((await signIn(anh, 'https://evil.example/')).location).toBe('/my');
  });

  it('refuses a replayed callback, a replayed code, a foreign browser and a forged state; creates nothing', async () => {
    const users = await count(db, 'users');
    const sessions = await count(db, 'sessions');
    const done = await signIn(binh);
    expect(done.session).toBeDefined();
    // The same callback URL again: its state was used.
    const replay = await callback(app.inject, done.back, done.binding);
    expect(replay).toMatchObject({ location: '/login?sso=sso_state_invalid', session: undefined });
    // The same code under a fresh, valid state: the provider refuses the code (single use).
    const fresh = await start(app.inject, 'vneid');
    const forged = new URL(done.back);
    forged.searchParams.set('state', fresh.authorize.searchParams.get('state')!);
    const code = await callback(app.inject, forged, fresh.binding);
    expect(code).toMatchObject({ location: '/login?sso=sso_code_invalid', session: undefined });
    // A callback arriving in a browser that did not start the sign-in (login CSRF).
    const other = await start(app.inject, 'vneid');
    const b = browser(idp.issuer);
    const page = await b.request(other.authorize.href);
    const back = new URL((await b.request(`${page.url}/login`, formOf(binh))).url);
    expect((await callback(app.inject, back, undefined)).location).toBe('/login?sso=sso_state_invalid');
    // …and its state is spent: the right browser cannot use it afterwards either.
    expect((await callback(app.inject, back, other.binding)).location).toBe('/login?sso=sso_state_invalid');
    // A state nobody issued.
    const tampered = new URL(back);
    tampered.searchParams.set('state', 'x'.repeat(43));
    expect((await callback(app.inject, tampered, other.binding)).location).toBe('/login?sso=sso_state_invalid');
    expect(await count(db, 'users')).toBe(users + 0);
    expect(await count(db, 'sessions')).toBe(sessions + 1);
  });

  it('says the sign-in was cancelled when the person cancels at the provider', async () => {
    const sessions = await count(db, 'sessions');
    const s = await start(app.inject, 'vneid');
    const b = browser(idp.issuer);
    const page = await b.request(s.authorize.href);
    const back = new URL((await b.request(`${page.url}/abort`, formOf({}))).url);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect((await callback(app.inject, back, s.binding)).location).toBe('/login?sso=sso_cancelled');
    expect(await count(db, 'sessions')).toBe(sessions);
  });

  it("signs an officer in with the province's IdP by personal ID, and creates no officer", async () => {
    const r = await signIn(
      { kind: 'citizen', personalId: '048087003579', password: DEMO_IDP_PASSWORD },
      undefined,
      'staff',
    );
    expect(r.location).toBe('/office');
    const who = await me(r.session!);
    expect(who).toMatchObject({ username: DEMO.communeOfficer, kind: 'officer' });
    const users = await count(db, 'users');
    const nobody = await signIn(
      { kind: 'citizen', personalId: '048088002468', password: DEMO_IDP_PASSWORD },
      undefined,
      'staff',
    );
    expect(nobody).toMatchObject({ location: '/login?sso=sso_no_account', session: undefined });
    expect(await count(db, 'users')).toBe(users);
  });

  it('signs out at the provider too (RP-initiated logout)', async () => {
    const r = await signIn(anh);
    const csrf = cookieOf(r.res, 'motcua_csrf')!;
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: `motcua_session=${r.session}`, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(200);
    const end = new URL(out.json().endSessionUrl);
    expect(end.origin).toBe(idp.issuer);
    expect(end.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/`);
    const after = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `motcua_session=${r.session}` },
    });
    expect(after.statusCode).toBe(401);
  });
});

describe('tokens a relying party must refuse', () => {
  let app: TestApp;
  let db: Db;
  let rogue: ScriptedIdp;
  const person = {
    LoaiTaiKhoan: 1,
    SoDinhDanh: '048199912345',
    HoVaTen: 'Lê Văn Mới',
    NgaySinh: '01/02/1999',
    GioiTinh: 1,
  };

  beforeAll(async () => {
    rogue = await startScriptedIdp();
    const provider = (id: 'vneid' | 'staff', issuer: string): IdentityProviderConfig => ({
      id,
      audience: id === 'vneid' ? 'applicant' : 'officer',
      issuer,
      clientId: rogue.clientId,
      clientSecret: rogue.clientSecret,
      scopes: 'openid profile',
      acrValues: id === 'vneid' ? 'LoA2' : undefined,
    });
    ({ app, db } = await startTestApp({
      publicUrl: PUBLIC_URL,
      // staff: a provider nobody answers at (port 9, discard), to see a clear "unavailable".
      identityProviders: [provider('vneid', rogue.issuer), provider('staff', 'http://127.0.0.1:9')],
    }));
  });
  afterAll(() => rogue?.close());

  /** A sign-in whose token endpoint answers with `defect`; where the browser ends up. */
  async function signInWith(defect: TokenDefect, claims: Record<string, unknown> = person, sub = 'tech-rogue-1') {
    const s = await start(app.inject, 'vneid');
    expect(s.authorize.searchParams.get('acr_values')).toBe('LoA2');
    const code = rogue.issueCode({ nonce: s.authorize.searchParams.get('nonce')!, sub, claims, defect });
    const back = new URL(callbackUrl({ publicUrl: PUBLIC_URL } as Config, { id: 'vneid' }));
    back.searchParams.set('code', code);
    back.searchParams.set('state', s.authorize.searchParams.get('state')!);
    return callback(app.inject, back, s.binding);
  }

  it.each([['wrong_issuer'], ['wrong_audience'], ['wrong_nonce'], ['other_key'], ['expired']] as const)(
    'refuses an ID token with %s and creates nothing',
    async (defect) => {
      const before = { users: await count(db, 'users'), sessions: await count(db, 'sessions') };
      const r = await signInWith(defect);
      expect(r).toMatchObject({ location: '/login?sso=sso_token_invalid', session: undefined });
      expect({ users: await count(db, 'users'), sessions: await count(db, 'sessions') }).toEqual(before);
      const audit = await db
        .selectFrom('audit_log')
        .select(['result', 'details'])
        .where('action', '=', 'auth.login')
        .where('target_type', '=', 'identity_provider')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(audit.result).toBe('sso_token_invalid');
    },
  );

  it('accepts the same token without the defect (the harness can pass), and sends PKCE and the secret in the body', async () => {
    const users = await count(db, 'users');
    const r = await signInWith('none');
    expect(r.location).toBe('/my');
    expect(r.session).toBeDefined();
    expect(await count(db, 'users')).toBe(users + 1);
    const sent = rogue.tokenRequests.at(-1)!;
    expect(sent.get('code_verifier')).toMatch(/^[\w-]{43,}$/);
    expect(sent.get('client_secret')).toBe(rogue.clientSecret);
  });

  it('refuses an identity without a valid personal ID', async () => {
    const users = await count(db, 'users');
    const r = await signInWith('none', { ...person, SoDinhDanh: '12345' }, 'tech-rogue-2');
    expect(r.location).toBe('/login?sso=identity_claims_invalid');
    expect(await count(db, 'users')).toBe(users);
  });

  it('refuses a personal ID that belongs to an officer', async () => {
    const officer = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', DEMO.deptOfficer)
      .executeTakeFirstOrThrow();
    await db.updateTable('users').set({ personal_id: '048077700001' }).where('id', '=', officer.id).execute();
    const r = await signInWith('none', { ...person, SoDinhDanh: '048077700001' }, 'tech-rogue-3');
    expect(r.location).toBe('/login?sso=sso_account_conflict');
  });

  it('says the provider cannot be reached, without a stack trace', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/auth/oidc/staff/start' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?sso=sso_provider_unavailable');
  });

  it('answers 404 for a provider that is not configured and 400 for an unknown one', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/oidc/nope/start' })).statusCode).toBe(400);
  });
});
