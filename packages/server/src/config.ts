import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (two levels above packages/server). */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type Config = {
  /** External PostgreSQL; when unset the embedded server in `dataDir` is used. */
  databaseUrl: string | undefined;
  /**
   * A streaming replica for the dashboard, the settlement report and the public lookup
   * (MOTCUA_READ_DATABASE_URL; docs/operations.md). Unset: every read on the primary.
   */
  readDatabaseUrl: string | undefined;
  /** Replay lag above which those reads go to the primary instead (MOTCUA_READ_MAX_LAG_SECONDS). */
  readMaxLagSeconds: number;
  dataDir: string;
  embeddedPort: number;
  host: string;
  port: number;
  /** Cookies get `Secure` when the public URL is https. */
  publicUrl: string;
  sessionTtlHours: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
  loginRateLimitPerMinute: number;
  bodyLimitBytes: number;
  /** Largest accepted attachment (multipart uploads are not bound by `bodyLimitBytes`). */
  maxUploadBytes: number;
  logLevel: string;
  webDistDir: string;
  /** Outgoing mail (smtp://host:port or smtps://user:pass@host); unset: the local development mailbox. */
  smtpUrl: string | undefined;
  /** From: of every email the system sends. */
  mailFrom: string;
  /** Remind a step's main assignee this many working hours before the step is due. */
  reminderWorkingHours: number;
  /** `serve` also runs the job worker (MOTCUA_JOBS=off leaves it to `motcua worker` processes). */
  jobsInProcess: boolean;
  /** Dossier number pattern (docs/dossier-codes.md); default Decree 118/2025 art. 28. */
  dossierCodePattern: string;
  /** Integration (docs/integration.md): lifetime of an API client's bearer token. */
  clientTokenTtlSeconds: number;
  /** Webhooks may target loopback/private addresses (tests, a closed network); off: refused (SSRF guard). */
  webhookAllowPrivate: boolean;
  /** First retry delay of a webhook delivery or national-portal push; doubles per attempt (capped 6 h), ±20 % jitter. */
  deliveryRetryBaseMs: number;
  /** Attempts of a delivery or push before it is failed for good (default 14: about a day). */
  deliveryMaxAttempts: number;
  /** Timeout of one outgoing HTTP call (webhooks, national portal). */
  outboundTimeoutMs: number;
  /** National public-service portal endpoint; unset: the local simulator (nationalportal.simulator.ts). */
  nationalPortalUrl: string | undefined;
  nationalPortalToken: string | undefined;
  /**
   * Which reverse proxies' X-Forwarded-For to believe (MOTCUA_TRUST_PROXY): unset/off = none (the
   * socket's address is the client), `on` = any, a number = that many hops, else a comma-separated
   * list of addresses/CIDRs (e.g. `127.0.0.1,10.0.0.0/8`). Rate limits and the audit log use the result.
   */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  /**
   * Whether the GovStack facade (/govstack) is served (MOTCUA_GOVSTACK=on|off). Default: off when
   * NODE_ENV=production (an operator opens it knowingly), on otherwise (the demo, development, tests).
   */
  govstackEnabled: boolean;
  /** Minutes without a request after which a session ends (MOTCUA_SESSION_IDLE_MINUTES; 0: none). */
  sessionIdleMinutes: number;
  /**
   * OpenID Connect identity providers (docs/identity.md): `vneid` (the national SSO / VNeID) signs
   * in citizens and businesses, `staff` (the province's own IdP) officers. Mutable: `serve` adds the
   * local stand-in for VNeID when none is configured (`localIdentityProvider`).
   */
  identityProviders: IdentityProviderConfig[];
  /** Start the local OIDC identity provider in place of VNeID (MOTCUA_LOCAL_IDP=on|off; default: on unless NODE_ENV=production or MOTCUA_VNEID_ISSUER is set). */
  localIdentityProvider: boolean;
  /** Its port (MOTCUA_LOCAL_IDP_PORT; default PORT + 1). */
  localIdentityProviderPort: number;
  /** The national population DB through the LGSP (MOTCUA_POPULATION_*; docs/identity.md). Mutable like identityProviders. */
  populationRegister: PopulationRegisterConfig | undefined;
  /** The national business registry through the NGSP (MOTCUA_BUSINESS_REGISTRY_*). */
  businessRegister: BusinessRegisterConfig | undefined;
  /** `serve` starts local simulators of both registers when they are not configured (MOTCUA_LOCAL_REGISTERS; default: on unless production). */
  localRegisters: boolean;
  /** Deadline of one register lookup, token included (MOTCUA_REGISTER_TIMEOUT_MS): a form waits no longer, then is typed. */
  registerTimeoutMs: number;
};

export type PopulationRegisterConfig = {
  url: string;
  tokenUrl: string | undefined;
  clientId: string;
  clientSecret: string;
  accessKey: string;
  secretKey: string;
  appName: string;
  partnerCode: string;
  integrationCode: string | undefined;
};
export type BusinessRegisterConfig = {
  url: string;
  tokenUrl: string | undefined;
  consumerKey: string;
  consumerSecret: string;
};

function populationRegisterFrom(env: NodeJS.ProcessEnv): PopulationRegisterConfig | undefined {
  const url = env.MOTCUA_POPULATION_URL;
  if (!url) return undefined;
  const v = (k: string) => env[`MOTCUA_POPULATION_${k}`] ?? '';
  return {
    url,
    tokenUrl: env.MOTCUA_POPULATION_TOKEN_URL || undefined,
    clientId: v('CLIENT_ID'),
    clientSecret: v('CLIENT_SECRET'),
    accessKey: v('ACCESS_KEY'),
    secretKey: v('SECRET_KEY'),
    appName: v('APP_NAME') || 'motcua',
    partnerCode: v('PARTNER_CODE'),
    integrationCode: env.MOTCUA_POPULATION_INTEGRATION_CODE || undefined,
  };
}

function businessRegisterFrom(env: NodeJS.ProcessEnv): BusinessRegisterConfig | undefined {
  const url = env.MOTCUA_BUSINESS_REGISTRY_URL;
  if (!url) return undefined;
  return {
    url,
    tokenUrl: env.MOTCUA_BUSINESS_REGISTRY_TOKEN_URL || undefined,
    consumerKey: env.MOTCUA_BUSINESS_REGISTRY_CONSUMER_KEY ?? '',
    consumerSecret: env.MOTCUA_BUSINESS_REGISTRY_CONSUMER_SECRET ?? '',
  };
}

/** One OpenID Connect provider the product signs users in with (modules/identity). */
export type IdentityProviderConfig = {
  id: 'vneid' | 'staff';
  /** Who signs in with it: applicants (citizens, businesses) or officers. */
  audience: 'applicant' | 'officer';
  /** Issuer URL; its `/.well-known/openid-configuration` is read at the first sign-in. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes (default `openid profile`). */
  scopes: string;
  /** `acr_values` to request, when the provider wants them (e.g. `LoA2`). */
  acrValues: string | undefined;
};

/** The providers named by MOTCUA_VNEID_* and MOTCUA_STAFF_OIDC_* (issuer, client id and secret each required). */
export function identityProvidersFrom(env: NodeJS.ProcessEnv): IdentityProviderConfig[] {
  const read = (id: IdentityProviderConfig['id'], audience: IdentityProviderConfig['audience'], prefix: string) => {
    const issuer = env[`${prefix}_ISSUER`];
    const clientId = env[`${prefix}_CLIENT_ID`];
    const clientSecret = env[`${prefix}_CLIENT_SECRET`];
    if (!issuer || !clientId || !clientSecret) return [];
    return [
      {
        id,
        audience,
        issuer,
        clientId,
        clientSecret,
        scopes: env[`${prefix}_SCOPES`] || 'openid profile',
        acrValues: env[`${prefix}_ACR_VALUES`] || undefined,
      },
    ];
  };
  return [...read('vneid', 'applicant', 'MOTCUA_VNEID'), ...read('staff', 'officer', 'MOTCUA_STAFF_OIDC')];
}

export function parseTrustProxy(raw: string | undefined): Config['trustProxy'] {
  const v = (raw ?? '').trim();
  if (v === '' || v === 'off' || v === 'false') return false;
  if (v === 'on' || v === 'true') return true;
  if (/^\d+$/.test(v)) {
    // A hop count: trust that many proxies in front of us, nearest first.
    const hops = Number(v);
    return (_address: string, hop: number) => hop < hops;
  }
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    readDatabaseUrl: env.MOTCUA_READ_DATABASE_URL || undefined,
    readMaxLagSeconds: Number(env.MOTCUA_READ_MAX_LAG_SECONDS ?? 30),
    dataDir: path.resolve(ROOT_DIR, env.MOTCUA_DATA_DIR ?? '.data'),
    embeddedPort: Number(env.MOTCUA_EMBEDDED_PG_PORT ?? 54329),
    host: env.HOST ?? '127.0.0.1',
    port,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    sessionTtlHours: Number(env.MOTCUA_SESSION_TTL_HOURS ?? 12),
    loginMaxFailures: Number(env.MOTCUA_LOGIN_MAX_FAILURES ?? 5),
    loginLockMinutes: Number(env.MOTCUA_LOGIN_LOCK_MINUTES ?? 15),
    loginRateLimitPerMinute: Number(env.MOTCUA_LOGIN_RATE_LIMIT ?? 20),
    bodyLimitBytes: Number(env.MOTCUA_BODY_LIMIT ?? 1024 * 1024),
    maxUploadBytes: Number(env.MOTCUA_MAX_UPLOAD_MB ?? 20) * 1024 * 1024,
    logLevel: env.LOG_LEVEL ?? 'warn',
    webDistDir: path.resolve(ROOT_DIR, 'packages/web/dist'),
    smtpUrl: env.MOTCUA_SMTP_URL || undefined,
    mailFrom: env.MOTCUA_MAIL_FROM ?? 'motcua <no-reply@motcua.local>',
    reminderWorkingHours: Number(env.MOTCUA_REMINDER_WORKING_HOURS ?? 4),
    jobsInProcess: env.MOTCUA_JOBS !== 'off',
    dossierCodePattern: env.MOTCUA_DOSSIER_CODE_PATTERN ?? '{agency}-{yyMMdd}-{seq:4}',
    clientTokenTtlSeconds: Number(env.MOTCUA_CLIENT_TOKEN_TTL_SECONDS ?? 900),
    webhookAllowPrivate: env.MOTCUA_WEBHOOK_ALLOW_PRIVATE === 'on',
    deliveryRetryBaseMs: Number(env.MOTCUA_DELIVERY_RETRY_BASE_MS ?? 30_000),
    deliveryMaxAttempts: Number(env.MOTCUA_DELIVERY_MAX_ATTEMPTS ?? 14),
    outboundTimeoutMs: Number(env.MOTCUA_OUTBOUND_TIMEOUT_MS ?? 10_000),
    nationalPortalUrl: env.MOTCUA_NATIONAL_PORTAL_URL || undefined,
    nationalPortalToken: env.MOTCUA_NATIONAL_PORTAL_TOKEN || undefined,
    trustProxy: parseTrustProxy(env.MOTCUA_TRUST_PROXY),
    sessionIdleMinutes: Number(env.MOTCUA_SESSION_IDLE_MINUTES ?? 30),
    govstackEnabled:
      env.MOTCUA_GOVSTACK === 'on' ? true : env.MOTCUA_GOVSTACK === 'off' ? false : env.NODE_ENV !== 'production',
    identityProviders: identityProvidersFrom(env),
    localIdentityProvider:
      env.MOTCUA_LOCAL_IDP === 'on'
        ? true
        : env.MOTCUA_LOCAL_IDP === 'off'
          ? false
          : env.NODE_ENV !== 'production' && !env.MOTCUA_VNEID_ISSUER,
    localIdentityProviderPort: Number(env.MOTCUA_LOCAL_IDP_PORT ?? port + 1),
    populationRegister: populationRegisterFrom(env),
    businessRegister: businessRegisterFrom(env),
    localRegisters:
      env.MOTCUA_LOCAL_REGISTERS === 'on'
        ? true
        : env.MOTCUA_LOCAL_REGISTERS === 'off'
          ? false
          : env.NODE_ENV !== 'production',
    registerTimeoutMs: Number(env.MOTCUA_REGISTER_TIMEOUT_MS ?? 5_000),
  };
}
