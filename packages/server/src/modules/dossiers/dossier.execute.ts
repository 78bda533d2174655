import { randomUUID } from 'node:crypto';
import {
  type Command,
  type CommandType,
  type DecideContext,
  type DossierState,
  decide,
  type WorkCalendar,
  type WorkflowDefinition,
} from '@motcua/core';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { activeOfficersWithPaths } from '../accounts/accounts.queries.ts';
import { type AgencyDirectory, agenciesByCodeVia, agenciesById } from '../agencies/agencies.queries.ts';
import { attachmentIdsOfDossier } from '../attachments/attachments.queries.ts';
import { assertWorkflowHonourable } from '../catalog/catalog.publishable.ts';
import { actorDetails, dossierActorOf, principalOf, SYSTEM_CTX } from './dossier.actors.ts';
import { currentResultFile, RESULT_COMMANDS, resultAttachmentIds } from './dossier.approval.ts';
import {
  calendarDaysDue,
  calendarFor,
  commandEnv,
  type LegalLimit,
  rejection,
  workingLimit,
} from './dossier.decide.ts';
import { type CommandResult, requestHash, runIdempotent } from './dossier.idempotency.ts';
import { openChildDossiers } from './dossier.linked.ts';
import { checkedReceive } from './dossier.reception.ts';
import {
  type Applicant,
  lockDossier,
  projection,
  provinceOfDossier,
  stageEvents,
  updateDossier,
} from './dossier.store.ts';

/**
 * The dossier engine's server half: every command is one transaction that locks the dossier row,
 * asks the pure state machine (core decide), folds the events (core evolve), writes the projection
 * columns, appends the history event, queues the outbox message and the audit row — all or
 * nothing. Optimistic concurrency: the client sends the version it saw; a different current
 * version answers 409 with the current version.
 */

/** A command as the API receives it: the type, the version the client saw, and the payload. */
export type CommandBody = { type: Exclude<CommandType, 'submit'>; version?: number; note?: string } & Record<
  string,
  unknown
>;

export type ExecuteInput = {
  dossierId: string;
  command: CommandBody;
  ctx: CommandContext;
  idempotencyKey: string | null;
  now?: Date;
  /** Extra attachment ids to record on the history event (supplement files, signed results). */
  attachmentIds?: string[];
};

export async function executeCommand(db: Db, input: ExecuteInput): Promise<CommandResult & { replayed: boolean }> {
  const idem =
    input.idempotencyKey === null
      ? null
      : {
          principal: principalOf(input.ctx),
          key: input.idempotencyKey,
          hash: requestHash({ dossierId: input.dossierId, command: input.command, files: input.attachmentIds ?? [] }),
        };
  // The calendar and the agency tree are read through the pool BEFORE the transaction: reading
  // them while holding a transaction's connection could exhaust the pool (every client waiting for
  // a second one). Both are this process's copies while their revisions are current.
  const env = await commandEnv(db);
  const calendar = await calendarFor(db, await provinceOfDossier(db, input.dossierId), env);
  return runIdempotent(db, idem, (tx) => executeInTx(tx, db, input, calendar, env.agencies));
}

/** One command inside an open transaction (the parent's answer from a child dossier runs in the child's). */
async function executeInTx(
  tx: Tx,
  db: Db,
  input: Omit<ExecuteInput, 'idempotencyKey'>,
  calendar: WorkCalendar,
  agencies: AgencyDirectory,
): Promise<CommandResult> {
  {
    const row = await lockDossier(tx, input.ctx, input.dossierId);
    const { version, type, note, ...payload } = input.command;
    if (version !== undefined && version !== row.version) {
      throw new Problem('version_conflict', { extra: { currentVersion: row.version } });
    }
    if (input.attachmentIds?.length) {
      const own = await attachmentIdsOfDossier(tx, row.id, input.attachmentIds);
      if (own.length !== new Set(input.attachmentIds).size) throw new Problem('attachment_not_found');
    }
    const now = input.now ?? new Date();
    const limit = row.legal_limit as LegalLimit;
    const state = row.state as DossierState;
    const workflow = row.workflow as WorkflowDefinition;
    const actor = await dossierActorOf(tx, input.ctx, agencies);
    const extra: Record<string, unknown> = {};
    // Calendar-day limits: the appointment is computed here and passed to the machine explicitly.
    if (limit !== null && 'calendarDays' in limit) {
      if (type === 'receive' && payload.due === undefined)
        extra.due = calendarDaysDue(calendar, now.getTime(), limit.calendarDays);
      if (type === 'supplement_provided' && payload.due === undefined && state.supplementPhase === 'processing') {
        extra.due = calendarDaysDue(calendar, now.getTime(), limit.calendarDays);
      }
    }
    // A consultation may open a linked child dossier at the consulted agency (hồ sơ liên thông).
    const children: string[] = [];
    if (type === 'consult' && Array.isArray(payload.targets)) {
      payload.targets = (payload.targets as Record<string, unknown>[]).map(({ openChildDossier, ...t }) => {
        if (!openChildDossier) return t;
        const childId = randomUUID();
        children.push(childId);
        return { ...t, childDossierId: childId };
      });
    }
    const command = { ...payload, ...extra, type, actor, now, ...(note ? { note } : {}) } as unknown as Command;
    const context: DecideContext = {
      workflow,
      legalLimit: workingLimit(limit),
      calendar,
      formData: row.form_data,
    };
    // approve / sign / finish decide on the dossier's current result file (dossier.approval.ts).
    const resultFile = RESULT_COMMANDS.has(type) ? await currentResultFile(tx, row.id) : null;
    if (RESULT_COMMANDS.has(type)) context.resultFile = resultFile;
    const checked = await checkedReceive(tx, row.procedure_version_id, state, command, context, !!input.ctx.system);
    // Receiving starts the legal clock: only when every step can be carried out (catalog.publishable.ts).
    if (type === 'receive') {
      await assertWorkflowHonourable(tx, row.workflow as Record<string, unknown>, state, 'vi', agencies);
    }
    const decision = decide(state, checked, context);
    if (!decision.ok) throw rejection(decision.error);
    const codes = decision.events.flatMap((e) => {
      if (e.type === 'forwarded' || e.type === 'sent_back') return [e.stepAgencyCode];
      if (e.type === 'consultation_opened') return e.consultations.map((c) => c.agencyCode);
      if (e.type === 'rolled_back') return [e.restore.stepAgencyCode];
      return [];
    });
    const ids = await agencyIdsByCode(tx, agencies, [state.stepAgencyCode, ...codes]);
    const who = await actorDetails(tx, input.ctx);
    const applicant = row.applicant as Applicant;
    // Staged: written by the UPDATE below, in its statement (one round trip for the lot).
    const staged = await stageEvents(
      tx,
      input.ctx,
      {
        id: row.id,
        code: row.code,
        receivingAgencyId: row.receiving_agency_id,
        procedureName: row.procedure_name,
        applicant,
        applicantUserId: row.applicant_user_id,
      },
      workflow,
      state,
      decision.events,
      ids,
      who.agencyId,
      who.name,
      resultAttachmentIds(type, resultFile, input.attachmentIds),
    );
    const after = staged.state;
    const last = decision.events[decision.events.length - 1]!;
    const columns = projection(after, workflow, ids, last, state.status);
    await checkAssignees(tx, agencies, state, after, columns.step_agency_id);
    // Migrations 0007/0019: the indicator trigger writes this change's deltas (dossier.store.ts).
    const updated = await updateDossier(tx, row.id, row.version, columns, staged);
    if (!updated) throw new Problem('version_conflict', { extra: { currentVersion: row.version } });
    await openChildDossiers(tx, updated, after, decision.events, children, now, calendar);
    // A child dossier's result answers its parent's consultation, then the child is closed.
    if (updated.parent_dossier_id && after.status === 'result_ready' && state.status !== 'result_ready') {
      await executeInTx(
        tx,
        db,
        {
          dossierId: updated.parent_dossier_id,
          command: {
            type: 'consultation_result',
            consultationId: updated.parent_consultation_id!,
            outcome: after.outcome === 'refused' ? 'disagreed' : 'agreed',
            note: `Kết quả hồ sơ liên thông ${updated.code}`,
          },
          ctx: SYSTEM_CTX,
          now,
        },
        calendar,
        agencies,
      );
      return executeInTx(
        tx,
        db,
        {
          dossierId: updated.id,
          command: { type: 'return_result', method: 'online' },
          ctx: SYSTEM_CTX,
          now,
        },
        calendar,
        agencies,
      );
    }
    return {
      statusCode: 200,
      body: { id: updated.id, code: updated.code, version: updated.version, status: updated.status },
    };
  }
}

/** Agency ids of the codes the events name: step agencies, consulted agencies. */
async function agencyIdsByCode(
  ex: Executor,
  agencies: AgencyDirectory,
  codes: (string | null | undefined)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(codes.filter((c): c is string => typeof c === 'string'))];
  return new Map((await agenciesByCodeVia(ex, agencies, wanted)).map((a) => [a.code, a.id]));
}

/** Users a command names (assignees) must be active officers; the main handler of the step's agency. */
async function checkAssignees(
  ex: Executor,
  agencies: AgencyDirectory,
  before: DossierState,
  after: DossierState,
  stepAgencyId: string | null,
) {
  const previous = new Set([before.assignees.main, ...before.assignees.coordinators, ...before.assignees.observers]);
  const named = [after.assignees.main, ...after.assignees.coordinators, ...after.assignees.observers].filter(
    (u): u is string => u !== null && !previous.has(u),
  );
  if (named.length === 0) return;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!named.every((u) => uuid.test(u))) throw assigneeProblem();
  // Officers always belong to an agency; one without would not be an officer to assign.
  const rows = (await activeOfficersWithPaths(ex, named)).filter((r) => r.path !== null);
  if (rows.length !== new Set(named).size) throw assigneeProblem();
  const main = after.assignees.main;
  if (main !== null && !previous.has(main) && stepAgencyId !== null) {
    const step = agencies.byId(stepAgencyId) ?? (await agenciesById(ex, [stepAgencyId]))[0];
    if (!step) throw new Error(`agency ${stepAgencyId} not found`);
    const mainRow = rows.find((r) => r.id === main);
    if (!mainRow?.path?.startsWith(step.path)) throw assigneeProblem();
  }
}

function assigneeProblem(): Problem {
  return new Problem('rule_violated', {
    detail: {
      vi: 'Người được giao phải là cán bộ đang hoạt động; người chủ trì phải thuộc cơ quan thực hiện bước',
      en: 'Assignees must be active officers; the main handler must belong to the step’s agency',
    },
    extra: { reason: 'invalid_assignee' },
  });
}
