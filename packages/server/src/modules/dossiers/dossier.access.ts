import type { Actor } from '@motcua/core';
import { type ExpressionBuilder, sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { Database, DossierRow } from '../../db/schema.ts';
import { escapeLike } from '../../shared/like.ts';
import { Problem } from '../../shared/problem.ts';
import { agencyIdsUnder, agencyIdsUnderAny } from '../agencies/agencies.queries.ts';

/**
 * Which dossiers an actor may see (the authorization rule of core/authz.ts, as SQL): an applicant
 * their own; an officer those that touched an agency of their subtree (receiving, a step, a
 * consultation — dossier_agencies) or where they are an assignee.
 */
export function visibleTo(actor: Actor) {
  return (eb: ExpressionBuilder<Database, 'dossiers'>) => {
    switch (actor.kind) {
      case 'anonymous':
        return sql<boolean>`false`;
      case 'applicant':
        return eb('dossiers.applicant_user_id', '=', actor.userId);
      case 'officer':
        return eb.or([
          eb.exists(
            eb
              .selectFrom('dossier_agencies as da')
              .select(sql`1`.as('one'))
              .whereRef('da.dossier_id', '=', 'dossiers.id')
              .where('da.agency_id', 'in', agencyIdsUnder(actor.agencyPath)),
          ),
          eb('dossiers.main_assignee_id', '=', actor.userId),
          sql<boolean>`${actor.userId}::uuid = ANY(dossiers.coordinator_ids || dossiers.observer_ids)`,
        ]);
      case 'client': {
        // An API client: dossiers touching one of its agency subtrees, of its procedures if it has a list.
        if (actor.agencyPaths.length === 0 || actor.procedureIds?.length === 0) return sql<boolean>`false`;
        const touches = eb.exists(
          eb
            .selectFrom('dossier_agencies as da')
            .select(sql`1`.as('one'))
            .whereRef('da.dossier_id', '=', 'dossiers.id')
            .where('da.agency_id', 'in', agencyIdsUnderAny(actor.agencyPaths)),
        );
        return actor.procedureIds === null
          ? touches
          : eb.and([touches, eb('dossiers.procedure_id', 'in', [...actor.procedureIds])]);
      }
    }
  };
}

export { escapeLike };

/**
 * The dossier if the actor may see it. Unknown ids and other people's dossiers answer the same
 * 404: a guessed id must not reveal that the dossier exists.
 */
export async function findVisibleDossier(
  ex: Executor,
  actor: Actor,
  dossierId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<DossierRow> {
  let q = ex.selectFrom('dossiers').selectAll().where('id', '=', dossierId).where(visibleTo(actor));
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new Problem('dossier_not_found');
  return row;
}
