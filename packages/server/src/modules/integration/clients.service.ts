import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Actor, CLIENT_SCOPES, type ClientScope } from '@motcua/core';
import type { Db, Executor } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { agenciesById } from '../agencies/agencies.queries.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { existingProcedureIds } from '../catalog/catalog.queries.ts';

/**
 * API clients (hệ thống kết nối): other systems authenticate with OAuth 2.0 client credentials
 * (RFC 6749 §4.4) and call the API with short-lived opaque bearer tokens (RFC 6750). Secrets and
 * tokens are 256 random bits and are stored only as SHA-256 digests. docs/integration.md.
 */

export type ClientActor = Extract<Actor, { kind: 'client' }>;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export type ClientView = {
  clientId: string;
  name: string;
  description: string | null;
  scopes: ClientScope[];
  agencyIds: string[];
  procedureIds: string[] | null;
  /** Information Mediator subsystems it may call the GovStack facade as. */
  imSubsystems: string[];
  active: boolean;
  createdAt: string;
  revokedAt: string | null;
};

type ClientRow = {
  id: string;
  name: string;
  description: string | null;
  scopes: string[];
  agency_ids: string[];
  procedure_ids: string[] | null;
  im_subsystems: string[];
  active: boolean;
  created_at: Date;
  revoked_at: Date | null;
};

const view = (r: ClientRow): ClientView => ({
  clientId: r.id,
  name: r.name,
  description: r.description,
  scopes: r.scopes.filter((s): s is ClientScope => (CLIENT_SCOPES as readonly string[]).includes(s)),
  agencyIds: r.agency_ids,
  procedureIds: r.procedure_ids,
  imSubsystems: r.im_subsystems,
  active: r.active,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

const COLUMNS = [
  'id',
  'name',
  'description',
  'scopes',
  'agency_ids',
  'procedure_ids',
  'im_subsystems',
  'active',
  'created_at',
  'revoked_at',
] as const;

export type RegisterClientInput = {
  name: string;
  description?: string | null;
  scopes: ClientScope[];
  agencyIds: string[];
  procedureIds?: string[] | null;
  imSubsystems?: string[];
};

/** Register a client; the secret is returned here once and never again. */
export async function registerClient(
  db: Db,
  input: RegisterClientInput,
  ctx: CommandContext,
): Promise<ClientView & { clientSecret: string }> {
  const agencies = await agenciesById(db, input.agencyIds);
  if (agencies.length !== new Set(input.agencyIds).size) {
    throw new Problem('validation_failed', {
      detail: { vi: 'Cơ quan không tồn tại', en: 'Unknown agency' },
      extra: { field: 'agencyIds' },
    });
  }
  const procedureIds = input.procedureIds ?? null;
  if (procedureIds?.length) {
    const found = await existingProcedureIds(db, procedureIds);
    if (found.length !== new Set(procedureIds).size) {
      throw new Problem('validation_failed', {
        detail: { vi: 'Thủ tục không tồn tại', en: 'Unknown procedure' },
        extra: { field: 'procedureIds' },
      });
    }
  }
  const secret = randomBytes(32).toString('base64url');
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('api_clients')
      .values({
        name: input.name,
        description: input.description ?? null,
        secret_hash: sha256(secret),
        scopes: [...new Set(input.scopes)],
        agency_ids: [...new Set(input.agencyIds)],
        procedure_ids: procedureIds === null ? null : [...new Set(procedureIds)],
        im_subsystems: [...new Set(input.imSubsystems ?? [])],
        created_by: ctx.actor.kind === 'officer' ? ctx.actor.userId : null,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'api_client.register',
      targetType: 'api_client',
      targetId: row.id,
      result: 'ok',
      details: {
        name: row.name,
        scopes: row.scopes,
        agencyIds: row.agency_ids,
        procedureIds: row.procedure_ids,
        imSubsystems: row.im_subsystems,
      },
    });
    return { ...view(row), clientSecret: secret };
  });
}

export async function listClients(db: Db): Promise<ClientView[]> {
  const rows = await db.selectFrom('api_clients').select(COLUMNS).orderBy('created_at', 'desc').limit(500).execute();
  return rows.map(view);
}

/** Revoke a client: its tokens stop working at once, it can get no new one. */
export async function revokeClient(db: Db, clientId: string, ctx: CommandContext): Promise<ClientView> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('api_clients')
      .set({ active: false, revoked_at: new Date() })
      .where('id', '=', clientId)
      .where('active', '=', true)
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!row) throw new Problem('not_found');
    await tx.deleteFrom('api_client_tokens').where('client_id', '=', clientId).execute();
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'api_client.revoke',
      targetType: 'api_client',
      targetId: clientId,
      result: 'ok',
    });
    return view(row);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
let dummyDigest: string | undefined;

/** The active client with this id and secret, or undefined (same work for an unknown id). */
export async function authenticateClient(db: Db, clientId: string, secret: string): Promise<ClientRow | undefined> {
  const row = UUID.test(clientId)
    ? await db
        .selectFrom('api_clients')
        .select([...COLUMNS, 'secret_hash'])
        .where('id', '=', clientId)
        .where('active', '=', true)
        .executeTakeFirst()
    : undefined;
  dummyDigest ??= sha256('motcua-timing-equalizer');
  const ok = sameDigest(row?.secret_hash ?? dummyDigest, sha256(secret));
  return row && ok ? row : undefined;
}

export type TokenResponse = { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string };

/** Issue a bearer token for the client, with the requested scopes (default: all it holds). */
export async function issueToken(
  db: Db,
  client: { id: string; scopes: string[] },
  scopes: string[],
  ttlSeconds: number,
): Promise<TokenResponse> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  // Expired tokens of this client go as new ones come: the table stays small without a sweeper.
  await db
    .deleteFrom('api_client_tokens')
    .where('client_id', '=', client.id)
    .where('expires_at', '<', new Date(now))
    .execute();
  await db
    .insertInto('api_client_tokens')
    .values({
      token_hash: sha256(token),
      client_id: client.id,
      scopes,
      expires_at: new Date(now + ttlSeconds * 1000),
    })
    .execute();
  return { access_token: token, token_type: 'Bearer', expires_in: ttlSeconds, scope: scopes.join(' ') };
}

type TokenInfo = { actor: ClientActor; name: string; issuedAt: Date; expiresAt: Date };

async function findToken(db: Executor, token: string): Promise<TokenInfo | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const row = await db
    .selectFrom('api_client_tokens as t')
    .innerJoin('api_clients as c', 'c.id', 't.client_id')
    .select(['c.id', 'c.name', 't.scopes', 'c.agency_ids', 'c.procedure_ids', 't.issued_at', 't.expires_at'])
    .where('t.token_hash', '=', sha256(token))
    .where('t.expires_at', '>', new Date())
    .where('c.active', '=', true)
    .executeTakeFirst();
  if (!row) return undefined;
  const paths = await agenciesById(db, row.agency_ids);
  return {
    actor: {
      kind: 'client',
      clientId: row.id,
      scopes: row.scopes.filter((s): s is ClientScope => (CLIENT_SCOPES as readonly string[]).includes(s)),
      agencyPaths: paths.map((p) => p.path),
      procedureIds: row.procedure_ids,
    },
    name: row.name,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
  };
}

/** The client actor of a bearer token (the app's onRequest hook), or undefined when it is not valid. */
export async function findClientActor(db: Db, token: string): Promise<ClientActor | undefined> {
  return (await findToken(db, token))?.actor;
}

/** RFC 7662 token introspection: `{ active: false }` for anything but a live token. */
export async function introspectToken(db: Db, token: string): Promise<Record<string, unknown>> {
  const t = await findToken(db, token);
  if (!t) return { active: false };
  return {
    active: true,
    scope: t.actor.scopes.join(' '),
    client_id: t.actor.clientId,
    token_type: 'Bearer',
    iat: Math.floor(t.issuedAt.getTime() / 1000),
    exp: Math.floor(t.expiresAt.getTime() / 1000),
    sub: t.actor.clientId,
    name: t.name,
  };
}

/** The `Authorization: Bearer …` token of a request, or null when there is none (RFC 6750 §2.1). */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}
