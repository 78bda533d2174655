import { randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { type Actor, CLIENT_SCOPES, isAllowed } from '@motcua/core';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { accountRoutes } from '../modules/accounts/accounts.routes.ts';
import { CSRF_HEADER, findSession, SESSION_COOKIE, type SessionInfo } from '../modules/accounts/sessions.ts';
import { agencyRoutes } from '../modules/agencies/agencies.routes.ts';
import { attachmentRoutes } from '../modules/attachments/attachments.routes.ts';
import { auditRoutes } from '../modules/audit/audit.routes.ts';
import { auditFields, recordAudit } from '../modules/audit/audit.service.ts';
import { calendarRoutes } from '../modules/calendar/calendar.routes.ts';
import { catalogAdminRoutes } from '../modules/catalog/catalog.admin.routes.ts';
import { catalogRoutes } from '../modules/catalog/catalog.routes.ts';
import { dossierRoutes } from '../modules/dossiers/dossier.routes.ts';
import { GOVSTACK_PREFIX, govstackRoutes } from '../modules/govstack/govstack.routes.ts';
import { IdentityProviders, identityRoutes } from '../modules/identity/identity.routes.ts';
import { indicatorRoutes } from '../modules/indicators/indicators.routes.ts';
import { bearerToken, findClientActor } from '../modules/integration/clients.service.ts';
import { exchangeLogHook } from '../modules/integration/exchange.service.ts';
import { integrationRoutes } from '../modules/integration/integration.routes.ts';
import { jobRoutes } from '../modules/jobs/jobs.routes.ts';
import { type Registers, registersFrom } from '../modules/registers/registers.service.ts';
import { systemRoutes } from '../modules/system/system.routes.ts';
import { webapiRoutes } from '../modules/webapi/webapi.routes.ts';
import { type Lang, pickLang } from '../shared/messages.ts';
import { hasUnstorableText, MAX_JSON_DEPTH, nestsDeeperThan, normalizeNfc } from '../shared/normalize.ts';
import { fieldError, Problem, renderProblem } from '../shared/problem.ts';
import { pgRateLimitStore } from '../shared/rate-limits.ts';
import { ReadRouter } from '../shared/read-replica.ts';
import type { RouteEntry } from './access.ts';

export type AppState = { ready: boolean; migrating: boolean };
export type AppDeps = {
  db: Db;
  /** The read replica (MOTCUA_READ_DATABASE_URL) for the dashboard, reports and lookup; default `db`. */
  readDb?: Db;
  config: Config;
  state: AppState;
  logger?: boolean;
  /** The national registers (tests pass simulators' adapters); default: from config. */
  registers?: Registers;
};
export type App = ReturnType<FastifyInstance['withTypeProvider']> & FastifyInstance;

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    session: SessionInfo | null;
    lang: Lang;
    /** Set by a service that wrote the audit row inside its own transaction. */
    auditRecorded: boolean;
    problemCode: string | null;
  }
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ANONYMOUS: Actor = { kind: 'anonymous' };
const ALWAYS_AVAILABLE = new Set(['/healthz', '/readyz']);
/**
 * The web app's Content-Security-Policy: scripts only from our origin (the Vite build has no inline
 * script); styles may be inline because Ant Design writes its CSS-in-JS into <style> elements;
 * nobody may frame our pages (clickjacking of the officer workspace).
 */
const APP_CSP = [
  "default-src 'self'",
  // No 'unsafe-eval': the e-form is checked by core's eval-free eformValidate (EForm.tsx), not by
  // Ajv's compiled functions; no inline script either (the Vite build has none).
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
/** Swagger UI (/docs) runs an inline initializer script of its own. */
const DOCS_CSP = APP_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");
/** Path prefixes (without the leading slash) that belong to APIs, not to the web app's client-side routes. */
const API_PREFIX = /^(api|govstack|oauth|docs|data)(\/|$)/;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function buildApp(deps: AppDeps) {
  const { db, config, state } = deps;
  const app = Fastify({
    logger: deps.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && /^[\w.-]{8,64}$/.test(h) ? h : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Explicit: X-Forwarded-For is believed only from the proxies the operator names.
    trustProxy: config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.decorate('routeTable', [] as RouteEntry[]);
  app.decorateRequest('actor', null as unknown as { getter: () => Actor });
  app.decorateRequest('session', null);
  app.decorateRequest('lang', 'vi');
  app.decorateRequest('auditRecorded', false);
  app.decorateRequest('problemCode', null);

  // Every route declares who may call it; a route without a rule does not start.
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    if (!route.config?.access) {
      if (url.startsWith('/docs')) {
        route.config = { ...(route.config ?? {}), access: 'public' };
      } else {
        throw new Error(`route ${String(route.method)} ${url} declares no access rule (config.access)`);
      }
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      if (m === 'HEAD') continue;
      app.routeTable.push({ method: m, url, access: route.config!.access!, clientScope: route.config!.clientScope });
    }
  });

  await app.register(fastifyCookie);
  // Counters in PostgreSQL, keyed by the client's address (behind a trusted proxy: the address it
  // forwards, see MOTCUA_TRUST_PROXY), so every API process enforces one budget.
  await app.register(fastifyRateLimit, { global: false, store: pgRateLimitStore(db) });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'motcua API',
        version: '0.1.0',
        description:
          'Hệ thống thông tin giải quyết thủ tục hành chính — API. Errors are RFC 9457 problem+json with a stable `code` and Vietnamese/English titles.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: CSRF_HEADER },
          clientCredentials: {
            type: 'oauth2',
            description: 'API clients (docs/integration.md): bearer tokens from /oauth/token',
            flows: {
              clientCredentials: {
                tokenUrl: '/oauth/token',
                scopes: Object.fromEntries(CLIENT_SCOPES.map((s) => [s, s])),
              },
            },
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    // Schemas with a `.meta({ id })` (the dossier views) become named components.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', async (req, reply) => {
    req.lang = pickLang(req.headers['accept-language']);
    reply.header('x-request-id', req.id);
    if (!state.ready && !ALWAYS_AVAILABLE.has(req.url.split('?')[0]!)) throw new Problem('starting');

    req.actor = ANONYMOUS;
    let sessionIdle = false;
    const token = req.cookies[SESSION_COOKIE];
    // API clients send a bearer token (docs/integration.md) and no cookie is read: a browser never
    // adds the header by itself, so bearer requests need no CSRF token.
    const bearer = bearerToken(req.headers.authorization);
    if (bearer !== null) {
      const client = await findClientActor(db, bearer);
      if (!client) throw new Problem('invalid_token');
      req.actor = client;
    } else if (token) {
      const found = await findSession(db, token, config.sessionIdleMinutes);
      req.session = found === 'idle' ? null : (found ?? null);
      if (req.session) req.actor = req.session.actor;
      else if (found === 'idle') sessionIdle = true;
    }
    const cfg = req.routeOptions.config;
    if (!req.routeOptions.url || !cfg?.access) return; // 404 handler
    if (req.session && UNSAFE.has(req.method) && !cfg.csrfExempt) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, req.session.csrfToken)) throw new Problem('csrf_failed');
    }
    if (!isAllowed(cfg.access, req.actor, cfg.clientScope)) {
      const kind = req.actor.kind;
      throw new Problem(
        kind === 'anonymous'
          ? sessionIdle
            ? 'session_idle'
            : 'unauthenticated'
          : kind === 'client'
            ? 'insufficient_scope'
            : 'forbidden',
      );
    }
  });

  app.addHook('preValidation', async (req) => {
    // Bounded before anything recursive walks the body (normalization, validation, jsonb).
    if (nestsDeeperThan(req.body) || nestsDeeperThan(req.query))
      throw new Problem('validation_failed', {
        detail: {
          vi: `Dữ liệu lồng nhau quá ${MAX_JSON_DEPTH} cấp`,
          en: `The request nests deeper than ${MAX_JSON_DEPTH} levels`,
        },
      });
    if (hasUnstorableText(req.body) || hasUnstorableText(req.query) || hasUnstorableText(req.params))
      throw new Problem('validation_failed', {
        detail: {
          vi: 'Dữ liệu chứa ký tự không hợp lệ (NUL hoặc ký tự Unicode không hoàn chỉnh)',
          en: 'The request contains an invalid character (NUL or an unpaired Unicode surrogate)',
        },
      });
    if (req.body !== undefined) req.body = normalizeNfc(req.body);
    req.query = normalizeNfc(req.query);
    req.params = normalizeNfc(req.params);
  });

  // Every command leaves an audit row: services write theirs in the command's transaction; this
  // hook covers rejected commands and any route that did not. It runs before the response leaves.
  app.addHook('onSend', async (req, reply, payload) => {
    if (!UNSAFE.has(req.method) || req.auditRecorded || !req.routeOptions.url || !state.ready) return payload;
    try {
      await recordAudit(db, {
        ...auditFields({ actor: req.actor ?? ANONYMOUS, requestId: req.id }),
        action: req.routeOptions.config?.auditAction ?? `${req.method} ${req.routeOptions.url}`,
        result: reply.statusCode < 400 ? 'ok' : (req.problemCode ?? String(reply.statusCode)),
        details: { status: reply.statusCode, path: req.url.slice(0, 300) },
      });
    } catch (err) {
      req.log.error({ err }, 'audit write failed');
    }
    return payload;
  });

  // Security headers on every response (docs/security.md). A route that sets its own CSP (an
  // attachment shown inline) keeps it.
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    // Lookup links carry the receipt's secret in the query: never hand a URL to another site.
    reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('content-security-policy')) {
      const docs = req.url.startsWith('/docs');
      reply.header('content-security-policy', docs ? DOCS_CSP : APP_CSP);
      reply.header('x-frame-options', 'DENY');
    }
    // Personal data must not stay in a shared counter PC's cache: API answers are never stored.
    if (API_PREFIX.test(req.url.slice(1)) && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    return payload;
  });

  // Every call of an API client goes to the exchange log (modules/integration/exchange.service.ts).
  app.addHook('onSend', exchangeLogHook(db));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const lang = req.lang ?? 'vi';
    let problem: Problem;
    if (err instanceof Problem) {
      problem = err;
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      problem = new Problem('validation_failed', {
        errors: err.validation.map((v) => {
          const keys = (v.params as { keys?: string[] }).keys;
          const base = `${where}${v.instancePath === '/' ? '' : v.instancePath.replaceAll('/', '.')}`;
          return fieldError(keys?.length ? `${base}.${keys.join(',')}` : base, v.keyword, lang);
        }),
      });
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      problem = new Problem('payload_too_large');
    } else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      problem = new Problem('unsupported_media_type');
    } else if (err.statusCode === 400 && (err.code?.startsWith('FST_ERR_CTP') || err instanceof SyntaxError)) {
      problem = new Problem('malformed_json');
    } else if (err.statusCode === 429) {
      problem = new Problem('rate_limited');
    } else if (err.statusCode === 405) {
      problem = new Problem('method_not_allowed');
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      problem = new Problem('validation_failed', { detail: { vi: 'Yêu cầu không hợp lệ', en: err.message } });
    } else {
      req.log.error({ err }, 'unhandled error');
      problem = new Problem('internal');
    }
    req.problemCode = problem.code;
    if (problem.status === 401) reply.header('www-authenticate', 'Cookie realm="motcua"');
    // RFC 6750 §3.1 for bearer requests.
    if (problem.code === 'invalid_token' || problem.code === 'insufficient_scope') {
      reply.header('www-authenticate', `Bearer realm="motcua", error="${problem.code}"`);
    }
    return reply
      .status(problem.status)
      .type('application/problem+json; charset=utf-8')
      .send(renderProblem(problem, lang, req.url.split('?')[0], req.id));
  });

  app.setNotFoundHandler((req, reply) => {
    const p = new Problem('route_not_found');
    return reply
      .status(404)
      .type('application/problem+json; charset=utf-8')
      .send(renderProblem(p, req.lang ?? 'vi', req.url.split('?')[0], req.id));
  });

  // Which handle the replica-eligible reads use, request by request (shared/read-replica.ts).
  const reads = new ReadRouter({
    primary: db,
    replica: deps.readDb,
    maxLagSeconds: config.readMaxLagSeconds,
    log: app.log,
  });
  await app.register(systemRoutes, { db, state, reads });
  const identityProviders = new IdentityProviders(config);
  await app.register(accountRoutes, {
    prefix: '/api/v1',
    db,
    config,
    endSessionUrl: (tokenHash) => identityProviders.endSessionUrl(db, tokenHash, config),
  });
  await app.register(identityRoutes, { prefix: '/api/v1', db, config, providers: identityProviders });
  await app.register(agencyRoutes, { prefix: '/api/v1', db });
  await app.register(catalogRoutes, { prefix: '/api/v1', db });
  await app.register(catalogAdminRoutes, { prefix: '/api/v1', db });
  await app.register(auditRoutes, { prefix: '/api/v1', db });
  await app.register(calendarRoutes, { prefix: '/api/v1', db });
  await app.register(jobRoutes, { prefix: '/api/v1', db });
  const registers = deps.registers ?? registersFrom(config);
  await app.register(dossierRoutes, { prefix: '/api/v1', db, config, reads, registers });
  await app.register(attachmentRoutes, { prefix: '/api/v1', db, config });
  await app.register(indicatorRoutes, { prefix: '/api/v1', reads });
  // Off (MOTCUA_GOVSTACK=off, the production default): every /govstack path is the JSON 404.
  if (config.govstackEnabled) await app.register(govstackRoutes, { prefix: GOVSTACK_PREFIX, db, config });
  await app.register(integrationRoutes, { db, config });
  await app.register(webapiRoutes, { prefix: '/api/v1', db });

  // The web app (packages/web): static files, and index.html for client-side routes.
  const haveWeb = fs.existsSync(config.webDistDir);
  if (haveWeb)
    await app.register(fastifyStatic, {
      root: config.webDistDir,
      serve: false,
      // The build writes .br and .gz beside each asset (scripts/build-web-if-needed.mjs).
      preCompressed: true,
      // Hashed assets never change under their name; index.html must be revalidated every time so
      // a new release is picked up at once.
      cacheControl: false,
      // @fastify/static 10 passes the Fastify reply here (not the raw response).
      setHeaders: (reply: { header(name: string, value: string): unknown }, filePath: string) => {
        const hashed = filePath.startsWith(`${config.webDistDir}/assets/`);
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  app.get(
    '/*',
    { config: { access: 'public' }, schema: { hide: true } },
    async (req: FastifyRequest<{ Params: { '*': string } }>, reply) => {
      const rest = req.params['*'] ?? '';
      // API prefixes answer unknown paths with a JSON 404, never the web app's HTML with 200 (an
      // outside client must see its mistake); so does a hashed asset that is not there.
      if (API_PREFIX.test(rest) || !haveWeb) throw new Problem('route_not_found');
      const exists = rest !== '' && !rest.includes('..') && fs.existsSync(`${config.webDistDir}/${rest}`);
      if (!exists && rest.startsWith('assets/')) throw new Problem('route_not_found');
      return reply.sendFile(exists ? rest : 'index.html');
    },
  );

  return app;
}
