import * as oidc from 'openid-client';
import type { IdentityProviderConfig } from '../../config.ts';

/**
 * The relying-party side of OpenID Connect (authorization code flow with PKCE, `openid-client`),
 * one per configured provider. The provider's metadata is discovered at the first sign-in and kept;
 * a failed discovery is retried at the next. Everything a relying party must check is checked by
 * the library and switched on here: issuer, audience, nonce, state, expiry (with 30 s of clock
 * tolerance), and the ID token's signature against the provider's JWKS (`enableNonRepudiationChecks`:
 * by default oauth4webapi trusts an ID token received from the token endpoint over TLS unsigned).
 */
export class OidcClient {
  private configuration: Promise<oidc.Configuration> | undefined;

  readonly provider: IdentityProviderConfig;
  readonly redirectUri: string;

  constructor(provider: IdentityProviderConfig, redirectUri: string) {
    this.provider = provider;
    this.redirectUri = redirectUri;
  }

  /** Plain http is accepted only for a provider on this machine (the local IdP, tests). */
  private get insecureAllowed(): boolean {
    const u = new URL(this.provider.issuer);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  }

  config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(
        new URL(this.provider.issuer),
        this.provider.clientId,
        { redirect_uris: [this.redirectUri], response_types: ['code'] },
        // DVCQG's token call sends the secret in the form body (NATIONAL-SYSTEMS.md §2).
        oidc.ClientSecretPost(this.provider.clientSecret),
        { execute: this.insecureAllowed ? [oidc.allowInsecureRequests] : [], timeout: 10 },
      )
      .then((c) => {
        oidc.enableNonRepudiationChecks(c);
        return c;
      })
      .catch((err: unknown) => {
        this.configuration = undefined;
        throw err;
      });
    return this.configuration;
  }

  /** The authorization URL, and the secrets the callback needs (kept server-side). */
  async begin(): Promise<{ url: URL; state: string; nonce: string; codeVerifier: string }> {
    const config = await this.config();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const params: Record<string, string> = {
      redirect_uri: this.redirectUri,
      scope: this.provider.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    if (this.provider.acrValues) params.acr_values = this.provider.acrValues;
    return { url: oidc.buildAuthorizationUrl(config, params), state, nonce, codeVerifier };
  }

  /**
   * Redeem the code from the callback URL and read the userinfo. Throws the library's errors
   * (classified by `signInFailureOf`).
   */
  async complete(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<{ claims: Record<string, unknown>; idToken: string | undefined; acr: unknown }> {
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new oidc.ClientError('no ID token', { code: 'OAUTH_MISSING_ID_TOKEN' } as never);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    // Userinfo wins where both carry a claim: it is what DVCQG documents; the token adds acr.
    return {
      claims: { ...idClaims, ...userinfo, TechID: userinfo.TechID ?? idClaims.sub },
      idToken: tokens.id_token,
      acr: idClaims.acr,
    };
  }

  /** Where to send the browser to end the provider's session too, or undefined if it has none. */
  async endSessionUrl(idToken: string, postLogoutRedirectUri: string): Promise<string | undefined> {
    const config = await this.config().catch(() => undefined);
    if (!config?.serverMetadata().end_session_endpoint) return undefined;
    return oidc
      .buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri })
      .toString();
  }
}

/** Why a sign-in at the provider failed, as a code the web explains (docs/identity.md). */
export type SignInFailure =
  | 'sso_cancelled'
  | 'sso_state_invalid'
  | 'sso_code_invalid'
  | 'sso_token_invalid'
  | 'sso_provider_unavailable';

export function signInFailureOf(err: unknown): { failure: SignInFailure; detail: string } {
  const detail = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
  if (err instanceof oidc.ResponseBodyError) {
    // invalid_grant: a code already used, expired, or not issued for this verifier/redirect.
    return { failure: err.error === 'invalid_grant' ? 'sso_code_invalid' : 'sso_token_invalid', detail };
  }
  if (err instanceof oidc.AuthorizationResponseError) {
    return { failure: err.error === 'access_denied' ? 'sso_cancelled' : 'sso_token_invalid', detail };
  }
  const code = (err as { code?: string }).code ?? '';
  if (/STATE/.test(code) || /state/.test(err instanceof Error ? err.message : '')) {
    return { failure: 'sso_state_invalid', detail };
  }
  if (
    code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' ||
    code === 'OAUTH_TIMEOUT' ||
    (err as { name?: string }).name === 'TypeError'
  ) {
    return { failure: 'sso_provider_unavailable', detail };
  }
  return { failure: 'sso_token_invalid', detail };
}
