import type { Actor } from '@motcua/core';
import type { FastifyRequest } from 'fastify';
import type { Executor } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { procedureHandledWithin } from '../catalog/catalog.published.ts';
import { findVisibleDossier } from '../dossiers/dossier.access.ts';
import { clientImSubsystems } from '../integration/clients.queries.ts';
import { IM_CLIENT, IM_CLIENT_HEADER } from './govstack.schemas.ts';

/**
 * Who may call the GovStack facade (issue 14, docs/govstack.md §2). In the GovStack architecture
 * the Information Mediator authenticates the calling member; here the member is a registered API
 * client (OAuth 2.0 client credentials, the same clients as /api/v1), holding `govstack:read` or
 * `govstack:write`. The route config does the scope check (http/app.ts); this module checks that
 * the `Information-Mediator-Client` header names a subsystem registered on that client and keeps
 * the client inside its agencies and procedures.
 */
export type GovstackClient = Extract<Actor, { kind: 'client' }>;

/** The calling client (the routes admit nobody else). */
export function clientOf(req: FastifyRequest): GovstackClient {
  const a = req.actor;
  if (a.kind !== 'client') throw new Problem('unauthenticated');
  return a;
}

/**
 * The caller's subsystem from `Information-Mediator-Client`, which must be of the form
 * INSTANCE/CLASS/MEMBER/SUBSYSTEM (else 400) and registered on the client (else 403: a client
 * cannot speak for another member).
 */
export function memberOf(ex: Executor, req: FastifyRequest): Promise<string> {
  // Checked once per request: the preHandler and the route may both ask.
  let m = checked.get(req);
  if (!m) {
    m = checkMember(ex, req);
    checked.set(req, m);
  }
  return m;
}

const checked = new WeakMap<FastifyRequest, Promise<string>>();

async function checkMember(ex: Executor, req: FastifyRequest): Promise<string> {
  const client = clientOf(req);
  const h = req.headers[IM_CLIENT_HEADER];
  const v = (Array.isArray(h) ? h[0] : h)?.trim();
  if (typeof v !== 'string' || !IM_CLIENT.test(v)) {
    throw new Problem('validation_failed', {
      detail: {
        vi: 'Thiếu hoặc sai tiêu đề Information-Mediator-Client (INSTANCE/CLASS/MEMBER/SUBSYSTEM)',
        en: 'Missing or malformed Information-Mediator-Client header (INSTANCE/CLASS/MEMBER/SUBSYSTEM)',
      },
    });
  }
  const subsystems = await clientImSubsystems(ex, client.clientId);
  if (!subsystems?.includes(v)) {
    throw new Problem('forbidden', {
      detail: {
        vi: `Ứng dụng này không được đăng ký gọi với tư cách ${v}`,
        en: `This client is not registered to call as ${v}`,
      },
    });
  }
  return v;
}

/** The dossier is one the client may see; otherwise the same 404 as an unknown id. */
export async function assertDossierInScope(ex: Executor, client: GovstackClient, dossierId: string): Promise<void> {
  await findVisibleDossier(ex, client, dossierId).catch((e: unknown) => {
    throw e instanceof Problem && e.code === 'dossier_not_found' ? new Problem('not_found') : e;
  });
}

/**
 * A client submits only for procedures it is scoped to and that an agency of its subtrees
 * handles: it cannot file dossiers into another district's or sector's queue.
 */
export async function assertProcedureInScope(ex: Executor, client: GovstackClient, procedureId: string) {
  if (client.procedureIds !== null && !client.procedureIds.includes(procedureId)) throw new Problem('not_found');
  if (client.agencyPaths.length === 0) throw new Problem('not_found');
  if (!(await procedureHandledWithin(ex, procedureId, client.agencyPaths))) throw new Problem('not_found');
}
