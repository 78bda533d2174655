import { CLIENT_SCOPES } from '@motcua/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { authenticateClient, introspectToken, issueToken } from './clients.service.ts';

/**
 * The OAuth 2.0 token endpoint (RFC 6749 §4.4 client credentials; §2.3.1 client_secret_basic or
 * client_secret_post) and token introspection (RFC 7662). Bodies are
 * application/x-www-form-urlencoded; errors are OAuth's own JSON (§5.2: `error`,
 * `error_description`), not problem+json — OAuth client libraries expect them.
 */

type OAuthError =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function oauthError(reply: FastifyReply, status: number, error: OAuthError, description: string, basic = false) {
  return reply
    .status(status)
    .headers({ ...NO_STORE, ...(basic ? { 'www-authenticate': 'Basic realm="motcua", charset="UTF-8"' } : {}) })
    .type('application/json; charset=utf-8')
    .send({ error, error_description: description });
}

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null | 'malformed' {
  if (!header || !/^Basic\s/i.test(header)) return null;
  try {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, '').trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return 'malformed';
    const form = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: form(decoded.slice(0, i)), secret: form(decoded.slice(i + 1)) };
  } catch {
    return 'malformed';
  }
}

/** The parsed form (values as lists, so that repeated parameters can be refused) as URLSearchParams. */
function formParams(body: unknown): URLSearchParams | null {
  if (body === null || typeof body !== 'object') return null;
  const params = new URLSearchParams();
  for (const [k, values] of Object.entries(body as Record<string, unknown>)) {
    if (!Array.isArray(values)) return null;
    for (const v of values) params.append(k, String(v));
  }
  return params;
}

type Authenticated = { ok: true; client: { id: string; scopes: string[] }; params: URLSearchParams } | { ok: false };

/** Parse the form and authenticate the client; on failure the OAuth error is already sent. */
async function authenticate(db: Db, req: FastifyRequest, reply: FastifyReply): Promise<Authenticated> {
  const isForm = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
  const params = isForm ? formParams(req.body) : null;
  if (!params) {
    await oauthError(reply, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
    return { ok: false };
  }
  for (const key of new Set(params.keys())) {
    if (params.getAll(key).length > 1) {
      await oauthError(reply, 400, 'invalid_request', `parameter ${key} is repeated`);
      return { ok: false };
    }
  }
  const basic = basicCredentials(req.headers.authorization);
  if (basic === 'malformed') {
    await oauthError(reply, 401, 'invalid_client', 'malformed Basic credentials', true);
    return { ok: false };
  }
  const postId = params.get('client_id');
  const postSecret = params.get('client_secret');
  if (basic && postSecret !== null) {
    await oauthError(reply, 400, 'invalid_request', 'use one client authentication method, not two');
    return { ok: false };
  }
  const creds = basic ?? (postId !== null && postSecret !== null ? { id: postId, secret: postSecret } : null);
  if (!creds) {
    await oauthError(reply, 401, 'invalid_client', 'client authentication is required', true);
    return { ok: false };
  }
  const client = await authenticateClient(db, creds.id, creds.secret);
  if (!client) {
    await oauthError(reply, 401, 'invalid_client', 'unknown client, wrong secret or revoked client', basic !== null);
    return { ok: false };
  }
  return { ok: true, client, params };
}

export async function oauthRoutes(app: FastifyInstance, opts: { db: Db; config: Config }) {
  const { db, config } = opts;
  // Form bodies here only; any other body type reaches the handler as a string and is refused there.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    // Lists per key: the app's NFC normalization keeps plain objects and arrays only.
    const form: Record<string, string[]> = Object.create(null);
    for (const [k, v] of new URLSearchParams(body as string)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      form[k] = [...(form[k] ?? []), v];
    }
    done(null, form);
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post(
    '/oauth/token',
    {
      config: { access: 'public', csrfExempt: true, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['integration'],
        summary: 'Cấp mã truy cập cho hệ thống kết nối / OAuth 2.0 token endpoint (client credentials)',
        description:
          'RFC 6749 §4.4. Form body `grant_type=client_credentials` and optional `scope` (space-separated subset of the ' +
          'client’s scopes); client authentication by HTTP Basic or `client_id` + `client_secret` in the body. ' +
          'Errors follow RFC 6749 §5.2 (`{"error": …, "error_description": …}`).',
      },
    },
    async (req, reply) => {
      const auth = await authenticate(db, req, reply);
      if (!auth.ok) return reply;
      const grant = auth.params.get('grant_type');
      if (grant === null) return oauthError(reply, 400, 'invalid_request', 'grant_type is missing');
      if (grant !== 'client_credentials') {
        return oauthError(reply, 400, 'unsupported_grant_type', 'only client_credentials is supported');
      }
      const requested = auth.params.get('scope');
      const held = auth.client.scopes.filter((s) => (CLIENT_SCOPES as readonly string[]).includes(s));
      const scopes = requested === null ? held : [...new Set(requested.split(' ').filter(Boolean))];
      if (scopes.length === 0 || scopes.some((s) => !held.includes(s))) {
        return oauthError(reply, 400, 'invalid_scope', `the client may ask for: ${held.join(' ')}`);
      }
      const token = await issueToken(db, auth.client, scopes, config.clientTokenTtlSeconds);
      return reply.status(200).headers(NO_STORE).type('application/json; charset=utf-8').send(token);
    },
  );

  app.post(
    '/oauth/introspect',
    {
      config: { access: 'public', csrfExempt: true, rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: {
        tags: ['integration'],
        summary: 'Kiểm tra mã truy cập / OAuth 2.0 token introspection (RFC 7662)',
        description:
          'Form body `token=…`; the caller authenticates as a client and learns about its own tokens only ' +
          '(anything else answers `{"active": false}`).',
      },
    },
    async (req, reply) => {
      const auth = await authenticate(db, req, reply);
      if (!auth.ok) return reply;
      const token = auth.params.get('token');
      if (token === null) return oauthError(reply, 400, 'invalid_request', 'token is missing');
      const info = await introspectToken(db, token);
      const own = info.active === true && info.client_id === auth.client.id;
      return reply
        .status(200)
        .headers(NO_STORE)
        .type('application/json; charset=utf-8')
        .send(own ? info : { active: false });
    },
  );
}
