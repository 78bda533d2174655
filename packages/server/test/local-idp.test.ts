/**
 * The local identity provider (VNeID stand-in) driven end to end: openid-client v6 as the relying
 * party, plain fetch with a cookie jar as the browser. No database.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginPage } from '../src/modules/identity/local-idp.pages.ts';
import { type LocalIdentityProvider, startLocalIdentityProvider } from '../src/modules/identity/local-idp.ts';
import { DEMO_IDP_PASSWORD } from '../src/seed/demo-residents.ts';
import { type Browser, browser, formOf } from './idp-browser.ts';

const CLIENT_ID = 'motcua-test';
const CLIENT_SECRET = 'test-secret-0123456789';
const REDIRECT_URI = 'http://127.0.0.1:9/auth/vneid/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/signed-out';

let idp: LocalIdentityProvider;
let config: oidc.Configuration;

beforeAll(async () => {
  idp = await startLocalIdentityProvider({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [REDIRECT_URI],
        postLogoutRedirectUris: [POST_LOGOUT_URI],
      },
    ],
  });
  config = await oidc.discovery(new URL(idp.issuer), CLIENT_ID, CLIENT_SECRET, oidc.ClientSecretPost(CLIENT_SECRET), {
    execute: [oidc.allowInsecureRequests],
  });
});

afterAll(async () => {
  await idp?.close();
});

type Start = { b: Browser; loginUrl: string; page: string; verifier: string; state: string; nonce: string };

/** RP redirects to the IdP; returns the login page the browser lands on. */
async function startSignIn(extra: Record<string, string> = {}): Promise<Start> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  const b = browser(idp.issuer);
  const { res, url: loginUrl } = await b.request(url.href);
  expect(res.status).toBe(200);
  expect(loginUrl).toMatch(/\/interaction\/[\w-]+$/);
  return { b, loginUrl, page: await res.text(), verifier, state, nonce };
}

/** Submits the login form; returns where the IdP sends the browser back to the RP. */
async function submitLogin(start: Start, fields: Record<string, string>) {
  return start.b.request(`${start.loginUrl}/login`, formOf(fields));
}

async function signIn(fields: Record<string, string>) {
  const start = await startSignIn();
  const { url } = await submitLogin(start, fields);
  expect(url.startsWith(REDIRECT_URI)).toBe(true);
  return { start, callback: new URL(url) };
}

const citizenAnh = { kind: 'citizen', personalId: '048090001234', password: DEMO_IDP_PASSWORD };

describe('local identity provider', () => {
  it('publishes discovery and an RS256 JWKS', async () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(idp.issuer);
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_post', 'client_secret_basic']),
    );
    expect(meta.acr_values_supported).toEqual(['LoA1', 'LoA2']);
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['HoVaTen', 'SoDinhDanh', 'TechID', 'MaSoThue']));
    expect(meta.end_session_endpoint).toBeDefined();
    expect(meta.userinfo_endpoint).toBeDefined();

    const jwks = (await (await fetch(meta.jwks_uri!)).json()) as { keys: Record<string, string>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('renders a bilingual, phone-sized login page with the demo identities', async () => {
    const { page } = await startSignIn();
    expect(page).toContain('<html lang="vi">');
    expect(page).toContain('name="viewport"');
    expect(page).toContain('Đăng nhập bằng tài khoản định danh điện tử VNeID');
    expect(page).toContain('Sign in with your VNeID electronic identity');
    expect(page).toContain('Máy chủ định danh thử nghiệm — không phải VNeID thật');
    expect(page).toContain('Tổ chức, doanh nghiệp');
    expect(page).toContain('Nguyễn Thị Ánh');
    expect(page).toContain('048090****34');
    expect(page).toContain('Mức độ 2');
    expect(page).toContain('<label for="citizen-id">');
  });

  it('the staff stand-in offers the personal sign-in only (officers are people, not organisations)', () => {
    const common = {
      loginAction: '/i/x/login',
      abortAction: '/i/x/abort',
      clientName: 'motcua',
      kind: 'citizen' as const,
      demoIdentities: [],
    };
    const staff = loginPage({ ...common, organisations: false, title: { vi: 'Cán bộ', en: 'Staff' } });
    expect(staff).not.toContain('Tổ chức, doanh nghiệp');
    expect(staff).not.toContain('name="taxCode"');
    expect(staff).toContain('<section class="panel only" id="panel-citizen">');
    expect(staff).toContain('<label for="citizen-id">');
    const vneid = loginPage(common);
    expect(vneid).toContain('id="panel-business"');
    expect(vneid).toContain('<section class="panel" id="panel-citizen">');
  });

  it('signs a citizen in: ID token with sub, acr and nonce; DVCQG claims in userinfo', async () => {
    const { start, callback } = await signIn(citizenAnh);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ sub: 'vneid-7f3a9c01', acr: 'LoA2', nonce: start.nonce, amr: ['pwd'] });
    expect(claims.HoVaTen).toBe('Nguyễn Thị Ánh');

    const info = await oidc.fetchUserInfo(config, tokens.access_token, 'vneid-7f3a9c01');
    expect(info).toMatchObject({
      sub: 'vneid-7f3a9c01',
      TechID: 'vneid-7f3a9c01',
      LoaiTaiKhoan: 1,
      SoDinhDanh: '048090001234',
      SoCMND: '201234567',
      HoVaTen: 'Nguyễn Thị Ánh',
      NgaySinh: '14/05/1990',
      GioiTinh: 2,
      DiaChi: '12 Trần Phú, tổ 5, Phường Hải Châu, Thành phố Đà Nẵng',
      SoDienThoai: '0905123456',
      ThuDienTu: 'anh.nguyen@example.vn',
    });
    expect(info).not.toHaveProperty('MaSoThue');
  });

  it('gives a level-1 identity acr LoA1 and accepts client_secret_basic', async () => {
    const { start, callback } = await signIn({
      kind: 'citizen',
      personalId: '048300009999',
      password: DEMO_IDP_PASSWORD,
    });
    const basic = await oidc.discovery(
      new URL(idp.issuer),
      CLIENT_ID,
      CLIENT_SECRET,
      oidc.ClientSecretBasic(CLIENT_SECRET),
      { execute: [oidc.allowInsecureRequests] },
    );
    const tokens = await oidc.authorizationCodeGrant(basic, callback, {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'vneid-9c1f6a42', acr: 'LoA1', HoVaTen: 'Hoàng Thị Dung' });
  });

  it('signs a business in with its tax code and its legal representative', async () => {
    const { start, callback } = await signIn({
      kind: 'business',
      taxCode: '0401234567',
      personalId: '048090001234',
      password: DEMO_IDP_PASSWORD,
    });
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
    const info = await oidc.fetchUserInfo(config, tokens.access_token, 'vneid-org-5d2e8b60');
    expect(info).toMatchObject({
      LoaiTaiKhoan: 2,
      MaSoThue: '0401234567',
      MaSoDoanhNghiep: '0401234567',
      TenDoanhNghiep: 'Công ty TNHH Sông Hàn Demo',
      DiaChi: '25 Bạch Đằng, Phường Hải Châu, Thành phố Đà Nẵng',
      HoVaTen: 'Nguyễn Thị Ánh',
      SoDinhDanh: '048090001234',
    });
  });

  it('reuses the IdP session for the next sign-in and grants a forced consent without a page', async () => {
    const { start } = await signIn(citizenAnh);
    for (const prompt of [undefined, 'consent']) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        ...(prompt ? { prompt } : {}),
      });
      const { url: back } = await start.b.request(url.href);
      expect(back.startsWith(REDIRECT_URI)).toBe(true);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(back), {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect(tokens.claims()).toMatchObject({ sub: 'vneid-7f3a9c01', acr: 'LoA2', SoDinhDanh: '048090001234' });
    }
  });

  it('re-renders the login page on wrong credentials, without redirecting', async () => {
    const start = await startSignIn();
    const wrong = await submitLogin(start, { ...citizenAnh, password: 'wrong' });
    expect(wrong.res.status).toBe(200);
    expect(wrong.url).toBe(`${start.loginUrl}/login`);
    const html = await wrong.res.text();
    expect(html).toContain('Thông tin đăng nhập không đúng');
    expect(html).toContain('The sign-in details are incorrect');
    expect(html).toContain('value="048090001234"');

    // A business login needs the right representative, not just any resident.
    const notRep = await submitLogin(start, {
      kind: 'business',
      taxCode: '0401234567',
      personalId: '048085004321',
      password: DEMO_IDP_PASSWORD,
    });
    expect(notRep.res.status).toBe(200);
    expect(await notRep.res.text()).toContain('Thông tin đăng nhập không đúng');

    // Escaped, never echoed raw.
    const odd = await submitLogin(start, { kind: 'citizen', personalId: '<script>', password: 'x' });
    const oddHtml = await odd.res.text();
    expect(oddHtml).toContain('12 chữ số');
    expect(oddHtml).not.toContain('<script>');

    // The interaction is still usable after the failures.
    const ok = await submitLogin(start, citizenAnh);
    expect(ok.url.startsWith(REDIRECT_URI)).toBe(true);
  });

  it('returns access_denied with the state when the user cancels', async () => {
    const start = await startSignIn();
    const { url } = await start.b.request(`${start.loginUrl}/abort`, formOf({}));
    const back = new URL(url);
    expect(url.startsWith(REDIRECT_URI)).toBe(true);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe(start.state);
  });

  it('redeems an authorization code once only', async () => {
    const { start, callback } = await signIn(citizenAnh);
    const checks = { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce };
    await oidc.authorizationCodeGrant(config, callback, checks);
    await expect(oidc.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('requires PKCE: no challenge, no verifier or a wrong verifier all fail', async () => {
    const b = browser(idp.issuer);
    const noChallenge = new URL(
      `${config.serverMetadata().authorization_endpoint}?${new URLSearchParams({
        client_id: CLIENT_ID,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: REDIRECT_URI,
        state: 's1',
      })}`,
    );
    const refused = new URL((await b.request(noChallenge.href)).url);
    expect(refused.searchParams.get('error')).toBe('invalid_request');
    expect(refused.searchParams.get('state')).toBe('s1');

    const first = await signIn(citizenAnh);
    const res = await fetch(config.serverMetadata().token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: first.callback.searchParams.get('code')!,
        redirect_uri: REDIRECT_URI,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });

    const second = await signIn(citizenAnh);
    await expect(
      oidc.authorizationCodeGrant(config, second.callback, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: second.start.state,
        expectedNonce: second.start.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('renders a bilingual error page for an unregistered redirect_uri', async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://evil.example/cb',
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const res = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Yêu cầu đăng nhập không hợp lệ');
    expect(html).toContain('The sign-in request is invalid');
    expect(html).toContain('redirect_uri');
  });

  it('logs out and redirects back to post_logout_redirect_uri with the state', async () => {
    const { start, callback } = await signIn(citizenAnh);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
    const logoutUrl = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: 'bye-123',
    });
    const page = await start.b.request(logoutUrl.href);
    expect(page.res.status).toBe(200);
    const html = await page.res.text();
    expect(html).toContain('Đang đăng xuất');
    // What the page's auto-submit does in a browser.
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const fields = Object.fromEntries(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    expect(action).toBeDefined();
    expect(fields.logout).toBe('yes');
    const done = await start.b.request(new URL(action!, idp.issuer).href, formOf(fields));
    const back = new URL(done.url);
    expect(done.url.startsWith(POST_LOGOUT_URI)).toBe(true);
    expect(back.searchParams.get('state')).toBe('bye-123');

    // The IdP session is gone: a new authorization asks for the login again.
    const again = await start.b.request(
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      }).href,
    );
    expect(again.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(await again.res.text()).toContain('Đăng nhập bằng tài khoản định danh điện tử VNeID');
  });
});
