import {
  type DossierEvent,
  type DossierState,
  evolve,
  findStep,
  subStatusOf,
  type WorkflowDefinition,
} from '@motcua/core';
import { type Insertable, sql, type Updateable } from 'kysely';
import type { Executor, Tx } from '../../db/database.ts';
import type { DossierRow, DossierTable } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { auditFields, deferAudit } from '../audit/audit.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { findVisibleDossier } from './dossier.access.ts';

/**
 * The dossier rows of the engine: loading and locking a dossier, the projection columns, the row
 * writes, and the events appended with them (history, scope, consultations, outbox, audit).
 */

export type OutboxDossierPayload = {
  dossierId: string;
  code: string;
  eventType: string;
  version: number;
  at: string;
  status: string;
  previousStatus: string | null;
  stepId: string | null;
  stepName: string | null;
  stepAgencyId: string | null;
  receivingAgencyId: string;
  applicantUserId: string | null;
  applicantEmail: string | null;
  applicantName: string;
  procedureName: string;
  due: string | null;
  /** The officer's internal note: staff only, never in what the applicant receives. */
  note: string | null;
  /** What the applicant is told with this event (Decree 118/2025; dossier.applicant.ts). */
  message?: string | null;
};

export type Applicant = {
  kind: 'citizen' | 'organization';
  name: string;
  idNumber: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  residenceCommuneId: string | null;
};

/** A dossier's province never changes: this process remembers it for the dossiers it saw lately. */
const provinces = new WeakMap<object, Map<string, string>>();
const PROVINCES_KEPT = 50_000;

/** The province of a dossier, whose calendar its commands run on. */
export async function provinceOfDossier(ex: Executor, dossierId: string): Promise<string> {
  let known = provinces.get(ex);
  const hit = known?.get(dossierId);
  if (hit !== undefined) return hit;
  const row = await ex.selectFrom('dossiers').select('province_id').where('id', '=', dossierId).executeTakeFirst();
  if (!row) throw new Problem('dossier_not_found');
  if (!known) {
    known = new Map();
    provinces.set(ex, known);
  }
  // Oldest first out (a Map iterates in insertion order).
  if (known.size >= PROVINCES_KEPT) known.delete(known.keys().next().value!);
  known.set(dossierId, row.province_id);
  return row.province_id;
}

/** The dossier a command acts on, locked for its transaction: the engine sees every dossier, others what they may see. */
export async function lockDossier(tx: Tx, ctx: CommandContext, dossierId: string): Promise<DossierRow> {
  const row = ctx.system
    ? await tx.selectFrom('dossiers').selectAll().where('id', '=', dossierId).forUpdate().executeTakeFirst()
    : await findVisibleDossier(tx, ctx.actor, dossierId, { forUpdate: true });
  if (!row) throw new Problem('dossier_not_found');
  return row;
}

/** Where handling ends; `finished_at` is the moment the dossier entered one (a later rating keeps it). */
const TERMINAL = new Set(['refused', 'stopped', 'returned', 'closed']);

/** The columns of `dossiers` that mirror the state, for queues and reports. */
export function projection(
  state: DossierState,
  workflow: WorkflowDefinition,
  ids: Map<string, string>,
  event: DossierEvent,
  /** Status before the command (null: a new dossier). */
  before: string | null,
) {
  const step = state.currentStep === null ? undefined : findStep(workflow, state.currentStep);
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  const entersStep = event.type === 'forwarded' || event.type === 'sent_back' || event.type === 'rolled_back';
  return {
    status: state.status,
    sub_status: subStatusOf(state, workflow),
    flags: state.flags,
    current_step: state.currentStep,
    step_agency_id: state.stepAgencyCode === null ? null : (ids.get(state.stepAgencyCode) ?? null),
    step_role: step?.role ?? null,
    main_assignee_id: state.assignees.main,
    coordinator_ids: state.assignees.coordinators,
    observer_ids: state.assignees.observers,
    ...(entersStep ? { step_entered_at: new Date(event.at) } : {}),
    step_due: date(state.stepDue),
    received_at: date(state.receivedAt),
    clock_start: date(state.clockStart),
    due: date(state.due),
    original_due: date(state.originalDue),
    paused_since: date(state.pausedSince),
    result_at: date(state.resultAt),
    returned_at: date(state.returnedAt),
    ...(TERMINAL.has(state.status) === (before !== null && TERMINAL.has(before))
      ? {}
      : { finished_at: TERMINAL.has(state.status) ? new Date(event.at) : null }),
    outcome: state.outcome,
    state: JSON.stringify(state),
    version: state.version,
    updated_at: new Date(event.at),
  };
}

/**
 * A new dossier and the agencies that see it. Migration 0007's triggers fire on the insert: before
 * it, `responsible_agency_id` is set (the agency of the workflow's final step, resolved for this
 * dossier); after it, the dossier's indicator contributions go to `dossier_stat_deltas` (a linked
 * child dossier contributes none) and, migration 0019, its folded search text to `dossier_search`.
 */
export async function insertDossier(tx: Tx, row: Insertable<DossierTable>, agencyIds: string[]): Promise<void> {
  await tx.insertInto('dossiers').values(row).execute();
  await tx
    .insertInto('dossier_agencies')
    .values(agencyIds.map((agency_id) => ({ dossier_id: row.id, agency_id })))
    .execute();
}

/**
 * Write a command's projection at the version it read: undefined when another command wrote first.
 * Migration 0007's trigger fires on the update when a column it reads changed (migration 0019): the
 * change in the dossier's indicator contributions (new minus old, only when a counter moves) goes
 * to `dossier_stat_deltas`; the responsible agency and the search text, set at insert, stay.
 */
export async function updateDossier(
  tx: Tx,
  id: string,
  version: number,
  columns: Updateable<DossierTable>,
): Promise<DossierRow | undefined> {
  return tx
    .updateTable('dossiers')
    .set(columns)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

/** Append the accepted events: history rows, scope rows, consultations, outbox, audit. */
export async function recordEvents(
  tx: Tx,
  ctx: CommandContext,
  dossier: {
    id: string;
    code: string;
    receivingAgencyId: string;
    procedureName: string;
    applicant: Applicant;
    applicantUserId: string | null;
  },
  workflow: WorkflowDefinition,
  before: DossierState | null,
  events: DossierEvent[],
  ids: Map<string, string>,
  actorAgencyId: string | null,
  actorName: string | null,
  attachmentIds: string[] = [],
): Promise<DossierState> {
  let state = before;
  for (const event of events) {
    const prev = state;
    state = evolve(state, event);
    const stepId = prev?.currentStep ?? state.currentStep;
    await tx
      .insertInto('dossier_events')
      .values({
        dossier_id: dossier.id,
        version: event.version,
        type: event.type,
        at: new Date(event.at),
        // API clients are no users: their history rows name them in actor_name only.
        actor_user_id: ctx.system || ctx.actor.kind === 'client' ? null : event.actorId,
        actor_name: actorName,
        actor_agency_id: actorAgencyId,
        step_id: stepId,
        status_after: state.status,
        note: event.note ?? null,
        event: JSON.stringify(event),
        attachment_ids: attachmentIds,
      })
      .execute();
    const touched = new Set<string>();
    // The step's agency sees the dossier from the event that moved it there (an unchanged one already does).
    const moved = prev === null || prev.stepAgencyCode !== state.stepAgencyCode;
    if (moved && state.stepAgencyCode !== null && ids.has(state.stepAgencyCode)) {
      touched.add(ids.get(state.stepAgencyCode)!);
    }
    if (event.type === 'consultation_opened') {
      for (const c of event.consultations) {
        const agencyId = ids.get(c.agencyCode);
        if (!agencyId) continue;
        touched.add(agencyId);
        await tx
          .insertInto('dossier_consultations')
          .values({
            dossier_id: dossier.id,
            consultation_id: c.consultationId,
            step_id: state.currentStep ?? '',
            agency_id: agencyId,
            opened_at: new Date(event.at),
            due: c.due === null ? null : new Date(c.due),
            // set by openChildDossier once the child row exists (foreign key)
            child_dossier_id: null,
          })
          .execute();
      }
    }
    if (event.type === 'consultation_closed') {
      await tx
        .updateTable('dossier_consultations')
        .set({ closed_at: new Date(event.at), outcome: event.outcome })
        .where('dossier_id', '=', dossier.id)
        .where('consultation_id', '=', event.consultationId)
        .where('closed_at', 'is', null)
        .execute();
    }
    if (touched.size > 0) {
      await tx
        .insertInto('dossier_agencies')
        .values([...touched].map((agency_id) => ({ dossier_id: dossier.id, agency_id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const step = state.currentStep === null ? undefined : findStep(workflow, state.currentStep);
    const payload: OutboxDossierPayload = {
      dossierId: dossier.id,
      code: dossier.code,
      eventType: event.type,
      version: event.version,
      at: new Date(event.at).toISOString(),
      status: state.status,
      previousStatus: prev?.status ?? null,
      stepId: state.currentStep,
      stepName: step?.name_vi ?? null,
      stepAgencyId: state.stepAgencyCode === null ? null : (ids.get(state.stepAgencyCode) ?? null),
      receivingAgencyId: dossier.receivingAgencyId,
      applicantUserId: dossier.applicantUserId,
      applicantEmail: dossier.applicant.email,
      applicantName: dossier.applicant.name,
      procedureName: dossier.procedureName,
      due: state.due === null ? null : new Date(state.due).toISOString(),
      note: event.note ?? null,
      message: event.message ?? null,
    };
    await enqueue(tx, { topic: 'dossier.event', aggregateType: 'dossier', aggregateId: dossier.id, payload });
    // Appended at the end of the command's transaction (dossier.idempotency.ts runIdempotent).
    deferAudit(
      tx,
      {
        ...auditFields(ctx),
        action: `dossier.${event.type}`,
        targetType: 'dossier',
        targetId: dossier.id,
        result: 'ok',
        details: { code: dossier.code, version: event.version, status: state.status },
      },
      new Date(event.at),
    );
  }
  return state!;
}

/** Next number of the counter (pattern, scope): taken in the submitting transaction, so no gaps. */
export async function nextSequence(tx: Tx, pattern: string, scopeKey: string): Promise<number> {
  const r = await sql<{ last_value: number }>`
    INSERT INTO dossier_code_counters (pattern, scope_key, last_value) VALUES (${pattern}, ${scopeKey}, 1)
    ON CONFLICT (pattern, scope_key) DO UPDATE SET last_value = dossier_code_counters.last_value + 1
    RETURNING last_value`.execute(tx);
  return r.rows[0]!.last_value;
}
