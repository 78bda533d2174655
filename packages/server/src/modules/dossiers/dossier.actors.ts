import type { DossierActor } from '@motcua/core';
import type { Executor } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { userNames } from '../accounts/accounts.queries.ts';
import { type AgencyDirectory, agenciesById, agencyCodesBelow } from '../agencies/agencies.queries.ts';

/** Who runs a dossier command: as the state machine sees them, as the history names them, as idempotency keys them. */

/** The actor as the state machine sees it: user id, roles, agency code. */
export async function dossierActorOf(
  ex: Executor,
  ctx: CommandContext,
  /** The command's agency tree (dossier.decide.ts commandEnv): no query when given. */
  agencies?: AgencyDirectory,
): Promise<DossierActor> {
  const a = ctx.actor;
  if (ctx.system) return { userId: 'system', roles: ['system'], agencyCode: null };
  switch (a.kind) {
    case 'anonymous':
      throw new Problem('unauthenticated');
    case 'applicant':
      return { userId: a.userId, roles: ['applicant'], agencyCode: null };
    // An API client holds no role of the state machine: it reads, and submits (submitDossier).
    case 'client':
      return { userId: `client:${a.clientId}`, roles: [], agencyCode: null };
    case 'officer': {
      const row = agencies?.byId(a.agencyId) ?? (await agenciesById(ex, [a.agencyId]))[0];
      if (!row) throw new Error(`agency ${a.agencyId} not found`);
      if (!a.roles.includes('leader')) return { userId: a.userId, roles: [...a.roles], agencyCode: row.code };
      // A leader also leads the units below their agency (a department's divisions).
      const below = agencies ? agencies.codesBelow(a.agencyPath, 500) : await agencyCodesBelow(ex, a.agencyPath, 500);
      return { userId: a.userId, roles: [...a.roles], agencyCode: row.code, ledAgencyCodes: below };
    }
  }
}

/** The agency and name the history rows record for whoever acts (API clients and the engine by name). */
export async function actorDetails(
  ex: Executor,
  ctx: CommandContext,
): Promise<{ agencyId: string | null; name: string | null }> {
  if (ctx.system) return { agencyId: null, name: 'Hệ thống / System' };
  const a = ctx.actor;
  if (a.kind === 'anonymous') return { agencyId: null, name: null };
  if (a.kind === 'client') return { agencyId: null, name: 'Hệ thống kết nối / API client' };
  // The session carries the name it read with the user; actors built elsewhere (jobs, tests) may not.
  const name = a.name ?? (await userNames(ex, [a.userId])).get(a.userId) ?? null;
  return { agencyId: a.kind === 'officer' ? a.agencyId : null, name };
}

/** Who owns an idempotency key: the same key from two principals is two requests. */
export function principalOf(ctx: CommandContext): string {
  if (ctx.system) return 'system';
  if (ctx.actor.kind === 'client') return `client:${ctx.actor.clientId}`;
  return ctx.actor.kind === 'anonymous' ? 'anonymous' : ctx.actor.userId;
}

/** The engine itself (jobs, child dossiers): no person, no visibility scope. */
export const SYSTEM_CTX: CommandContext = { actor: { kind: 'anonymous' }, requestId: null, system: true };
