import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/**
 * An OpenID provider scripted by the test, to make the relying party face the tokens a real
 * provider never sends: wrong issuer or audience, another nonce, a signature by another key, an
 * expired token. It serves discovery, JWKS, the token and userinfo endpoints; the test takes the
 * place of the browser and of the login page by minting a code with `issueCode` for the nonce it
 * read from the authorization URL. Codes are single use, like a real provider's.
 */
export type TokenDefect = 'none' | 'wrong_issuer' | 'wrong_audience' | 'wrong_nonce' | 'other_key' | 'expired';

export type ScriptedIdp = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A code whose token carries these claims (and this defect). */
  issueCode(opts: { nonce: string; sub: string; claims: Record<string, unknown>; defect?: TokenDefect }): string;
  /** Token requests received (form fields), to check what the relying party sent. */
  tokenRequests: URLSearchParams[];
  close(): Promise<void>;
};

export async function startScriptedIdp(): Promise<ScriptedIdp> {
  const good = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const clientId = 'motcua-test';
  const clientSecret = randomBytes(16).toString('hex');
  const codes = new Map<string, { nonce: string; sub: string; claims: Record<string, unknown>; defect: TokenDefect }>();
  const tokens = new Map<string, { sub: string; claims: Record<string, unknown> }>();
  const tokenRequests: URLSearchParams[] = [];
  let issuer = '';

  const idToken = async (c: { nonce: string; sub: string; claims: Record<string, unknown>; defect: TokenDefect }) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ nonce: c.defect === 'wrong_nonce' ? 'not-the-nonce' : c.nonce, acr: 'LoA2', ...c.claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject(c.sub)
      .setIssuer(c.defect === 'wrong_issuer' ? 'https://idp.example.invalid' : issuer)
      .setAudience(c.defect === 'wrong_audience' ? 'someone-else' : clientId)
      .setIssuedAt(c.defect === 'expired' ? now - 7200 : now)
      .setExpirationTime(c.defect === 'expired' ? now - 3600 : now + 600);
    return jwt.sign(c.defect === 'other_key' ? other.privateKey : good.privateKey);
  };

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = (req.url ?? '/').split('?')[0];
        if (path === '/.well-known/openid-configuration') {
          return send(res, 200, {
            issuer,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            userinfo_endpoint: `${issuer}/userinfo`,
            jwks_uri: `${issuer}/jwks`,
            end_session_endpoint: `${issuer}/logout`,
            response_types_supported: ['code'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256'],
            token_endpoint_auth_methods_supported: ['client_secret_post'],
            code_challenge_methods_supported: ['S256'],
          });
        }
        if (path === '/jwks') return send(res, 200, { keys: [jwk] });
        if (path === '/token' && req.method === 'POST') {
          const form = new URLSearchParams(Buffer.concat(chunks).toString());
          tokenRequests.push(form);
          if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
            return send(res, 401, { error: 'invalid_client' });
          }
          const c = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          if (!c || !form.get('code_verifier')) return send(res, 400, { error: 'invalid_grant' });
          const access = randomBytes(16).toString('hex');
          tokens.set(access, { sub: c.sub, claims: c.claims });
          return send(res, 200, {
            access_token: access,
            token_type: 'Bearer',
            expires_in: 600,
            id_token: await idToken(c),
          });
        }
        if (path === '/userinfo') {
          const t = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
          return t ? send(res, 200, { sub: t.sub, ...t.claims }) : send(res, 401, { error: 'invalid_token' });
        }
        return send(res, 404, { error: 'not_found' });
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    clientId,
    clientSecret,
    tokenRequests,
    issueCode(opts) {
      const code = randomBytes(12).toString('hex');
      codes.set(code, { ...opts, defect: opts.defect ?? 'none' });
      return code;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
