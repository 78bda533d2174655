import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config, IdentityProviderConfig } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { commandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { applicantProfile } from '../accounts/accounts.queries.ts';
import { signInWithIdentity } from '../accounts/identity-sign-in.ts';
import { setSessionCookies } from '../accounts/session-cookies.ts';
import { deleteSession, sessionOrigin } from '../accounts/sessions.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { assuranceLevelOf, verifiedIdentityFrom } from './identity.claims.ts';
import { OidcClient, type SignInFailure, signInFailureOf } from './oidc.client.ts';
import { accessLogOf } from './personal-data.ts';

/** The browser that started a sign-in: its callback must come back to the same browser. */
const BROWSER_COOKIE = 'motcua_oidc';
const SIGN_IN_TTL_MS = 10 * 60_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The OIDC clients of the configured providers (config.identityProviders), by provider id. */
export class IdentityProviders {
  readonly clients = new Map<string, OidcClient>();
  constructor(config: Config) {
    for (const p of config.identityProviders) {
      this.clients.set(p.id, new OidcClient(p, callbackUrl(config, p)));
    }
  }

  /** Where the browser goes to end the provider's session after ours (RP-initiated logout). */
  async endSessionUrl(db: Db, tokenHash: string, config: Config): Promise<string | undefined> {
    const s = await sessionOrigin(db, tokenHash);
    const client = s?.auth_method.startsWith('oidc:') ? this.clients.get(s.auth_method.slice(5)) : undefined;
    if (!client || !s?.id_token) return undefined;
    return client.endSessionUrl(s.id_token, `${config.publicUrl}/`);
  }
}

export const callbackUrl = (config: Config, p: Pick<IdentityProviderConfig, 'id'>) =>
  `${config.publicUrl}/api/v1/auth/oidc/${p.id}/callback`;

/** A path of this site to return to after sign-in: never another origin (no open redirect). */
export function safeReturnPath(raw: string | undefined, fallback: string): string {
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return fallback;
  return raw.slice(0, 500);
}

const ProviderParams = z.strictObject({ provider: z.enum(['vneid', 'staff']) });

/**
 * Sign-in with OpenID Connect (issue 17, docs/identity.md): `start` sends the browser to the
 * provider with state, nonce and a PKCE challenge kept server-side; `callback` checks them, redeems
 * the code, reads the userinfo and opens a session — or sends the browser back to the sign-in page
 * with the reason (`?sso=<code>`), having created nothing.
 */
export async function identityRoutes(
  base: FastifyInstance,
  opts: { db: Db; config: Config; providers: IdentityProviders },
) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, config, providers } = opts;
  const secure = config.publicUrl.startsWith('https://');
  const cookiePath = '/api/v1/auth/oidc';

  app.get(
    '/auth/oidc/providers',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Các cách đăng nhập một lần / Configured single sign-on providers',
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.enum(['vneid', 'staff']), audience: z.enum(['applicant', 'officer']) })),
          }),
        },
      },
    },
    async () => ({
      items: [...providers.clients.values()].map((c) => ({ id: c.provider.id, audience: c.provider.audience })),
    }),
  );

  app.get(
    '/me/personal-data-access',
    {
      config: { access: ['applicant'] },
      schema: {
        tags: ['auth'],
        summary: 'Ai đã xem dữ liệu cá nhân của tôi / Who read my personal data',
        description:
          'Decree 13/2023/NĐ-CP: reads of the caller’s record from the national registers (form prefill, counter lookup) and officers’ reads of their dossiers, newest first.',
        querystring: z.strictObject({
          page: z.coerce.number().int().min(1).max(10_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                at: z.string(),
                source: z.enum(['population_register', 'business_registry', 'dossier']),
                purpose: z.string(),
                outcome: z.string(),
                accessor: z.object({
                  kind: z.string(),
                  name: z.string().nullable(),
                  agencyName: z.string().nullable(),
                  self: z.boolean(),
                }),
                dossierId: z.string().nullable(),
              }),
            ),
            total: z.int(),
          }),
        },
      },
    },
    async (req) => {
      const userId = (req.actor as { userId: string }).userId;
      const me = await applicantProfile(db, userId);
      if (!me) throw new Problem('forbidden');
      return accessLogOf(
        db,
        // A business sees its own reads, not those of its representative as a person.
        { userId, personalId: me.applicantType === 'citizen' ? me.personalId : null, taxCode: me.taxCode },
        { limit: req.query.pageSize, offset: (req.query.page - 1) * req.query.pageSize },
      );
    },
  );

  app.get(
    '/auth/oidc/:provider/start',
    {
      config: { access: 'public', rateLimit: { max: config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Bắt đầu đăng nhập VNeID / Start sign-in at the identity provider (302)',
        params: ProviderParams,
        querystring: z.strictObject({ returnTo: z.string().max(500).optional() }),
        response: { 302: z.null() },
      },
    },
    async (req, reply) => {
      const client = providers.clients.get(req.params.provider);
      if (!client) throw new Problem('not_found');
      const fallback = client.provider.audience === 'officer' ? '/office' : '/my';
      let begun: Awaited<ReturnType<OidcClient['begin']>>;
      try {
        begun = await client.begin();
      } catch (err) {
        req.log.warn({ err: signInFailureOf(err).detail }, 'identity provider discovery failed');
        return reply.redirect(`/login?sso=sso_provider_unavailable`, 302);
      }
      const browser = randomBytes(24).toString('base64url');
      await db
        .insertInto('oidc_sign_ins')
        .values({
          state_hash: sha256(begun.state),
          provider: client.provider.id,
          browser_hash: sha256(browser),
          nonce: begun.nonce,
          code_verifier: begun.codeVerifier,
          return_to: safeReturnPath(req.query.returnTo, fallback),
          expires_at: new Date(Date.now() + SIGN_IN_TTL_MS),
        })
        .execute();
      // Lax: the provider's redirect back is a top-level GET navigation, which carries it.
      reply.setCookie(BROWSER_COOKIE, browser, {
        path: cookiePath,
        httpOnly: true,
        sameSite: 'lax',
        secure,
        maxAge: SIGN_IN_TTL_MS / 1000,
      });
      return reply.redirect(begun.url.toString(), 302);
    },
  );

  app.get(
    '/auth/oidc/:provider/callback',
    {
      config: { access: 'public', rateLimit: { max: config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Nhà cung cấp định danh chuyển về / Identity provider callback (302)',
        params: ProviderParams,
        // The provider's parameters; others it may add (session_state…) are passed on to the library.
        querystring: z.looseObject({
          code: z.string().max(4000).optional(),
          state: z.string().max(500).optional(),
          iss: z.string().max(500).optional(),
          error: z.string().max(200).optional(),
          error_description: z.string().max(1000).optional(),
        }),
        response: { 302: z.null() },
      },
    },
    async (req, reply) => {
      req.auditRecorded = true;
      const client = providers.clients.get(req.params.provider);
      if (!client) throw new Problem('not_found');
      const fail = async (failure: SignInFailure | string, detail?: string) => {
        await recordAudit(db, {
          ...auditFields(commandContext(req)),
          action: 'auth.login',
          targetType: 'identity_provider',
          targetId: null,
          result: failure,
          details: { method: `oidc:${client.provider.id}`, detail: detail?.slice(0, 500) ?? null },
        });
        reply.clearCookie(BROWSER_COOKIE, { path: cookiePath });
        return reply.redirect(`/login?sso=${encodeURIComponent(failure)}`, 302);
      };
      const state = req.query.state ?? '';
      // Single use: the row is gone whatever happens next (a replayed callback finds nothing).
      const pending = await db
        .deleteFrom('oidc_sign_ins')
        .where('state_hash', '=', sha256(state))
        .where('provider', '=', client.provider.id)
        .returningAll()
        .executeTakeFirst();
      const browser = req.cookies[BROWSER_COOKIE];
      if (!pending || pending.expires_at < new Date() || !browser || sha256(browser) !== pending.browser_hash) {
        return fail('sso_state_invalid', pending ? 'expired or another browser' : 'unknown state');
      }
      if (req.query.error) {
        return fail(req.query.error === 'access_denied' ? 'sso_cancelled' : 'sso_token_invalid', req.query.error);
      }
      let signed: Awaited<ReturnType<OidcClient['complete']>>;
      try {
        const url = new URL(req.url, config.publicUrl);
        signed = await client.complete(url, {
          state,
          nonce: pending.nonce,
          codeVerifier: pending.code_verifier,
        });
      } catch (err) {
        const { failure, detail } = signInFailureOf(err);
        return fail(failure, detail);
      }
      const identity = verifiedIdentityFrom(signed.claims);
      if (typeof identity === 'string') return fail(identity);
      const subject = String(signed.claims.TechID ?? signed.claims.sub);
      const outcome = await signInWithIdentity(
        db,
        client.provider,
        { subject, identity, level: assuranceLevelOf(signed.acr), idToken: signed.idToken },
        commandContext(req),
        config.sessionTtlHours,
      );
      if (!outcome.ok) return fail(outcome.problem);
      // A fresh token on every sign-in: a session id planted before login is never promoted.
      if (req.session) await deleteSession(db, req.session.tokenHash);
      setSessionCookies(reply, outcome.session, secure);
      reply.clearCookie(BROWSER_COOKIE, { path: cookiePath });
      return reply.redirect(pending.return_to, 302);
    },
  );
}
