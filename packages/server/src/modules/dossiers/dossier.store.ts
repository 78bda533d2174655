import {
  type DossierEvent,
  type DossierState,
  evolve,
  findStep,
  subStatusOf,
  type WorkflowDefinition,
} from '@motcua/core';
import { type Insertable, type QueryCreator, sql, type Updateable } from 'kysely';
import type { Executor, Tx } from '../../db/database.ts';
import type { Database, DossierEventTable, DossierRow, DossierTable } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { auditFields, deferAudit } from '../audit/audit.service.ts';
import { type OutboxMessage, outboxInsert } from '../outbox/outbox.service.ts';
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
  /** The command's history, scope and outbox rows (stageEvents), written by the same statement. */
  staged?: StagedEvents,
): Promise<DossierRow | undefined> {
  const qc: Pick<QueryCreator<Database>, 'updateTable'> = staged && staged.messages.length > 0
    ? (withStagedRows(tx, id, staged, staged.scope).with('outbox', (q) =>
        outboxInsert(q, staged.messages),
      ) as unknown as QueryCreator<Database>)
    : tx;
  return qc
    .updateTable('dossiers')
    .set(columns)
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

/**
 * The accepted events' rows: history, scope, consultations, outbox, audit. History, scope and
 * outbox rows are staged for one statement (one INSERT each, in the events' order, as CTEs of the
 * command's `UPDATE dossiers` — updateDossier — or of the outbox INSERT — recordEvents): a round
 * trip per table and event cost more than the rows (issue 16). Consultations are written at once
 * (rare, and an event may close what an earlier one opened); audit rows are deferred to the end of
 * the transaction (withDeferredAudit).
 */
export async function stageEvents(
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
): Promise<StagedEvents> {
  let state = before;
  const history: Insertable<DossierEventTable>[] = [];
  const touched = new Set<string>();
  const messages: OutboxMessage[] = [];
  for (const event of events) {
    const prev = state;
    state = evolve(state, event);
    const stepId = prev?.currentStep ?? state.currentStep;
    history.push({
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
    });
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
    messages.push({ topic: 'dossier.event', aggregateType: 'dossier', aggregateId: dossier.id, payload });
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
  return { state: state!, history, scope: [...touched], messages };
}

/**
 * A command's history rows, scope agencies and outbox messages, not yet written: one statement
 * writes them with the dossier's own row (updateDossier, insertDossierWithEvents) or alone
 * (recordEvents).
 */
export type StagedEvents = {
  state: DossierState;
  history: Insertable<DossierEventTable>[];
  scope: string[];
  messages: OutboxMessage[];
};

/**
 * The staged rows as CTEs on `qc`, and the outbox INSERT for the end of the statement. Data-
 * modifying CTEs all run, referenced or not, in no defined order among themselves; each table gets
 * one INSERT, whose rows (and ids) keep the events' order. Scope rows skip agencies that already see
 * the dossier.
 */
function withStagedRows(qc: QueryCreator<Database>, dossierId: string, staged: StagedEvents, scope: string[]) {
  let out = qc.with('history', (q) =>
    q.insertInto('dossier_events').values(staged.history),
  ) as unknown as QueryCreator<Database>;
  if (scope.length > 0) {
    out = out.with('scope', (q) =>
      q
        .insertInto('dossier_agencies')
        .values(scope.map((agency_id) => ({ dossier_id: dossierId, agency_id })))
        .onConflict((oc) => oc.doNothing()),
    ) as unknown as QueryCreator<Database>;
  }
  return out;
}

/** stageEvents, written at once (a linked child dossier, whose row is already inserted). */
export async function recordEvents(...args: Parameters<typeof stageEvents>): Promise<DossierState> {
  const staged = await stageEvents(...args);
  if (staged.messages.length > 0) {
    await outboxInsert(withStagedRows(args[0], args[2].id, staged, staged.scope), staged.messages).execute();
  }
  return staged.state;
}

/**
 * A new dossier's row, the agencies that see it and its first events' rows, in one statement (the
 * history and scope rows' foreign keys are checked at its end, when the dossier row is there).
 */
export async function insertDossierWithEvents(
  tx: Tx,
  row: Insertable<DossierTable> & { id: string },
  agencyIds: string[],
  staged: StagedEvents,
): Promise<void> {
  const qc = tx.with('dossier', (q) => q.insertInto('dossiers').values(row)) as unknown as QueryCreator<Database>;
  const scope = [...new Set([...agencyIds, ...staged.scope])];
  await outboxInsert(withStagedRows(qc, row.id, staged, scope), staged.messages).execute();
}

/** Next number of the counter (pattern, scope): taken in the submitting transaction, so no gaps. */
export async function nextSequence(tx: Tx, pattern: string, scopeKey: string): Promise<number> {
  const r = await sql<{ last_value: number }>`
    INSERT INTO dossier_code_counters (pattern, scope_key, last_value) VALUES (${pattern}, ${scopeKey}, 1)
    ON CONFLICT (pattern, scope_key) DO UPDATE SET last_value = dossier_code_counters.last_value + 1
    RETURNING last_value`.execute(tx);
  return r.rows[0]!.last_value;
}
