import { createHash, randomBytes } from 'node:crypto';
import type { Actor, OfficerRole } from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import { agencyColumn } from '../agencies/agencies.queries.ts';

export const SESSION_COOKIE = 'motcua_session';
export const CSRF_COOKIE = 'motcua_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export type SessionInfo = {
  actor: Extract<Actor, { kind: 'applicant' | 'officer' }>;
  csrfToken: string;
  tokenHash: string;
  /** `password` or `oidc:<provider>` (issue 17). */
  authMethod: string;
  /** VNeID level of assurance of the sign-in (1, 2); null for a password. */
  assuranceLevel: 1 | 2 | null;
};

/** How a session was opened: the OIDC fields are absent for a password. */
export type SessionOrigin = { authMethod?: string; assuranceLevel?: 1 | 2 | null; idToken?: string | null };

export async function createSession(
  ex: Executor,
  userId: string,
  ttlHours: number,
  meta: { ip: string | null; userAgent: string | null },
  origin: SessionOrigin = {},
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
  await ex
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      auth_method: origin.authMethod ?? 'password',
      assurance_level: origin.assuranceLevel ?? null,
      id_token: origin.idToken ?? null,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

/**
 * Resolve a session cookie to the actor; expired sessions, inactive users resolve to nothing. A
 * session unused for `idleMinutes` (0: no idle limit) is over and answers `'idle'`, so the caller
 * can say why: a counter PC left signed in must not stay usable by the next person (issue 14).
 */
export async function findSession(
  db: Db,
  token: string,
  idleMinutes = 0,
  now: Date = new Date(),
): Promise<SessionInfo | 'idle' | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const tokenHash = hashToken(token);
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.csrf_token',
      's.last_seen_at',
      's.auth_method',
      's.assurance_level',
      'u.id',
      'u.kind',
      'u.agency_id',
      'u.full_name',
      agencyColumn('u.agency_id', 'path').as('agency_path'),
      sql<
        OfficerRole[]
      >`coalesce((SELECT array_agg(role ORDER BY role) FROM user_roles r WHERE r.user_id = u.id), '{}')`.as('roles'),
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', new Date())
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!row) return undefined;
  const unused = now.getTime() - row.last_seen_at.getTime();
  const level = row.assurance_level === 1 || row.assurance_level === 2 ? row.assurance_level : null;
  // An idle session is never accepted again; its row stays (until it expires and is swept) so that
  // every request with it — public ones included — keeps answering why, not just the first.
  if (idleMinutes > 0 && unused > idleMinutes * 60_000) return 'idle';
  // Touch at most once a minute: a read should not turn into a write on every request (the idle
  // limit is therefore exact to a minute).
  if (unused > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
  }
  const actor: SessionInfo['actor'] =
    row.kind === 'officer' && row.agency_id && row.agency_path
      ? {
          kind: 'officer',
          userId: row.id,
          name: row.full_name,
          agencyId: row.agency_id,
          agencyPath: row.agency_path,
          roles: row.roles,
        }
      : { kind: 'applicant', userId: row.id, name: row.full_name, assuranceLevel: level };
  return { actor, csrfToken: row.csrf_token, tokenHash, authMethod: row.auth_method, assuranceLevel: level };
}

/** How a session was opened (method, ID token): for the logout at its identity provider. */
export async function sessionOrigin(
  ex: Executor,
  tokenHash: string,
): Promise<{ auth_method: string; id_token: string | null } | undefined> {
  return ex
    .selectFrom('sessions')
    .select(['auth_method', 'id_token'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function deleteSession(ex: Executor, tokenHash: string): Promise<void> {
  await ex.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<=', new Date()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
