import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Actor,
  type Command,
  type CommandType,
  DEFAULT_DOSSIER_CODE_PATTERN,
  type DecideContext,
  type DossierActor,
  type DossierEvent,
  type DossierState,
  decide,
  evolve,
  findStep,
  generateLookupSecret,
  parsePattern,
  subStatusOf,
  type TimeLimit,
  type WorkCalendar,
  type WorkflowDefinition,
} from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { moveDraftAttachments } from '../attachments/attachments.service.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { loadWorkCalendar } from '../calendar/calendar.service.ts';
import { assertWorkflowHonourable } from '../catalog/catalog.publishable.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { escapeLike, findVisibleDossier } from './dossier.access.ts';
import { applicantKindOfUser, assertApplicantKind } from './dossier.applicant-kinds.ts';
import { currentResultFile, RESULT_COMMANDS, resultAttachmentIds } from './dossier.approval.ts';
import { type CommandResult, requestHash, runIdempotent } from './dossier.idempotency.ts';
import { checkedReceive, checkReception, versionDocuments } from './dossier.reception.ts';
import { checkCitizenSubmission, chooseHandlingAgency } from './dossier.submit-rules.ts';

/**
 * The dossier engine's server half: every command is one transaction that locks the dossier row,
 * asks the pure state machine (core decide), folds the events (core evolve), writes the projection
 * columns, appends the history event, queues the outbox message and the audit row — all or
 * nothing. Optimistic concurrency: the client sends the version it saw; a different current
 * version answers 409 with the current version.
 */

/** The legal limit stored with a dossier: working days/hours, or calendar days (computed here). */
export type LegalLimit = { days: number } | { hours: number } | { calendarDays: number } | null;

export function legalLimitOf(timeLimit: { value: number | null; unit: string } | null): LegalLimit {
  if (!timeLimit || timeLimit.value === null) return null;
  switch (timeLimit.unit) {
    case 'working_days':
      return { days: timeLimit.value };
    case 'working_hours':
      return { hours: timeLimit.value };
    case 'calendar_days':
      return { calendarDays: timeLimit.value };
    default:
      return null;
  }
}

/** The limit in working time for the state machine; calendar-day limits are computed by the server. */
function workingLimit(l: LegalLimit): TimeLimit | null {
  return l !== null && !('calendarDays' in l) ? l : null;
}

/**
 * Due moment of a calendar-day limit: N days after the clock starts, moved to the end of the next
 * working day when that is a day off (Civil Code 2015 art. 148(5); core WorkCalendar).
 */
function calendarDaysDue(calendar: WorkCalendar, from: number, days: number): Date {
  return calendar.dueAtCalendarDays(from, days);
}

const provinceCodes = new Map<string, string | null>();
async function provinceCodeOf(ex: Executor, provinceId: string): Promise<string | null> {
  if (!provinceCodes.has(provinceId)) {
    const row = await ex
      .selectFrom('agencies')
      .select('admin_unit_code')
      .where('id', '=', provinceId)
      .executeTakeFirst();
    provinceCodes.set(provinceId, row?.admin_unit_code ?? null);
  }
  return provinceCodes.get(provinceId) ?? null;
}

export async function calendarFor(db: Db, provinceId: string): Promise<WorkCalendar> {
  return loadWorkCalendar(db, await provinceCodeOf(db, provinceId));
}

/** The actor as the state machine sees it: user id, roles, agency code. */
export async function dossierActorOf(ex: Executor, ctx: CommandContext): Promise<DossierActor> {
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
      const row = await ex.selectFrom('agencies').select('code').where('id', '=', a.agencyId).executeTakeFirstOrThrow();
      if (!a.roles.includes('leader')) return { userId: a.userId, roles: [...a.roles], agencyCode: row.code };
      // A leader also leads the units below their agency (a department's divisions).
      const below = await ex
        .selectFrom('agencies')
        .select('code')
        .where('path', 'like', `${escapeLike(a.agencyPath)}_%`)
        .limit(500)
        .execute();
      return { userId: a.userId, roles: [...a.roles], agencyCode: row.code, ledAgencyCodes: below.map((b) => b.code) };
    }
  }
}

async function agencyIdsByCode(ex: Executor, codes: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(codes.filter((c): c is string => typeof c === 'string'))];
  if (wanted.length === 0) return new Map();
  const rows = await ex.selectFrom('agencies').select(['id', 'code']).where('code', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Where handling ends; `finished_at` is the moment the dossier entered one (a later rating keeps it). */
const TERMINAL = new Set(['refused', 'stopped', 'returned', 'closed']);

/** The columns of `dossiers` that mirror the state, for queues and reports. */
function projection(
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

/** Users a command names (assignees) must be active officers; the main handler of the step's agency. */
async function checkAssignees(ex: Executor, before: DossierState, after: DossierState, stepAgencyId: string | null) {
  const previous = new Set([before.assignees.main, ...before.assignees.coordinators, ...before.assignees.observers]);
  const named = [after.assignees.main, ...after.assignees.coordinators, ...after.assignees.observers].filter(
    (u): u is string => u !== null && !previous.has(u),
  );
  if (named.length === 0) return;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!named.every((u) => uuid.test(u))) throw assigneeProblem();
  const rows = await ex
    .selectFrom('users')
    .innerJoin('agencies', 'agencies.id', 'users.agency_id')
    .select(['users.id', 'agencies.path'])
    .where('users.id', 'in', named)
    .where('users.kind', '=', 'officer')
    .where('users.active', '=', true)
    .execute();
  if (rows.length !== new Set(named).size) throw assigneeProblem();
  const main = after.assignees.main;
  if (main !== null && !previous.has(main) && stepAgencyId !== null) {
    const step = await ex
      .selectFrom('agencies')
      .select('path')
      .where('id', '=', stepAgencyId)
      .executeTakeFirstOrThrow();
    const mainRow = rows.find((r) => r.id === main);
    if (!mainRow?.path.startsWith(step.path)) throw assigneeProblem();
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

/** The state machine's refusal as an HTTP problem. */
function rejection(error: { code: string; message_vi: string; message_en: string }): Problem {
  const detail = { vi: error.message_vi, en: error.message_en };
  switch (error.code) {
    case 'action_not_allowed':
      return new Problem('action_not_allowed', { detail, extra: { reason: error.code } });
    case 'forbidden':
      return new Problem('forbidden', { detail, extra: { reason: error.code } });
    case 'invalid_payload':
      return new Problem('validation_failed', { detail, extra: { reason: error.code } });
    default:
      return new Problem('rule_violated', { detail, extra: { reason: error.code } });
  }
}

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

/** Append the accepted events: history rows, scope rows, consultations, outbox, audit. */
async function recordEvents(
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
    if (state.stepAgencyCode !== null && ids.has(state.stepAgencyCode)) touched.add(ids.get(state.stepAgencyCode)!);
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
    await recordAudit(
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

async function actorDetails(
  ex: Executor,
  ctx: CommandContext,
): Promise<{ agencyId: string | null; name: string | null }> {
  if (ctx.system) return { agencyId: null, name: 'Hệ thống / System' };
  const a = ctx.actor;
  if (a.kind === 'anonymous') return { agencyId: null, name: null };
  if (a.kind === 'client') return { agencyId: null, name: 'Hệ thống kết nối / API client' };
  const u = await ex.selectFrom('users').select('full_name').where('id', '=', a.userId).executeTakeFirst();
  return { agencyId: a.kind === 'officer' ? a.agencyId : null, name: u?.full_name ?? null };
}

// ---------------------------------------------------------------------------------------------
// Commands on an existing dossier

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

export function principalOf(ctx: CommandContext): string {
  if (ctx.system) return 'system';
  if (ctx.actor.kind === 'client') return `client:${ctx.actor.clientId}`;
  return ctx.actor.kind === 'anonymous' ? 'anonymous' : ctx.actor.userId;
}

export async function executeCommand(db: Db, input: ExecuteInput): Promise<CommandResult & { replayed: boolean }> {
  const idem =
    input.idempotencyKey === null
      ? null
      : {
          principal: principalOf(input.ctx),
          key: input.idempotencyKey,
          hash: requestHash({ dossierId: input.dossierId, command: input.command, files: input.attachmentIds ?? [] }),
        };
  // The calendar is read through the pool BEFORE the transaction: reading it while holding a
  // transaction's connection could exhaust the pool (every client waiting for a second one).
  const province = await db
    .selectFrom('dossiers')
    .select('province_id')
    .where('id', '=', input.dossierId)
    .executeTakeFirst();
  if (!province) throw new Problem('dossier_not_found');
  const calendar = await calendarFor(db, province.province_id);
  return runIdempotent(db, idem, (tx) => executeInTx(tx, db, input, calendar));
}

/** The engine itself (jobs, child dossiers): no person, no visibility scope. */
export const SYSTEM_CTX: CommandContext = { actor: { kind: 'anonymous' }, requestId: null, system: true };

/** One command inside an open transaction (the parent's answer from a child dossier runs in the child's). */
async function executeInTx(
  tx: Tx,
  db: Db,
  input: Omit<ExecuteInput, 'idempotencyKey'>,
  calendar: WorkCalendar,
): Promise<CommandResult> {
  {
    const row = input.ctx.system
      ? await tx.selectFrom('dossiers').selectAll().where('id', '=', input.dossierId).forUpdate().executeTakeFirst()
      : await findVisibleDossier(tx, input.ctx.actor, input.dossierId, { forUpdate: true });
    if (!row) throw new Problem('dossier_not_found');
    const { version, type, note, ...payload } = input.command;
    if (version !== undefined && version !== row.version) {
      throw new Problem('version_conflict', { extra: { currentVersion: row.version } });
    }
    if (input.attachmentIds?.length) {
      const own = await tx
        .selectFrom('attachments')
        .select('id')
        .where('id', 'in', input.attachmentIds)
        .where('dossier_id', '=', row.id)
        .execute();
      if (own.length !== new Set(input.attachmentIds).size) throw new Problem('attachment_not_found');
    }
    const now = input.now ?? new Date();
    const limit = row.legal_limit as LegalLimit;
    const state = row.state as DossierState;
    const workflow = row.workflow as WorkflowDefinition;
    const actor = await dossierActorOf(tx, input.ctx);
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
    if (type === 'receive') await assertWorkflowHonourable(tx, row.workflow as Record<string, unknown>, state);
    const decision = decide(state, checked, context);
    if (!decision.ok) throw rejection(decision.error);
    const codes = decision.events.flatMap((e) => {
      if (e.type === 'forwarded' || e.type === 'sent_back') return [e.stepAgencyCode];
      if (e.type === 'consultation_opened') return e.consultations.map((c) => c.agencyCode);
      if (e.type === 'rolled_back') return [e.restore.stepAgencyCode];
      return [];
    });
    const ids = await agencyIdsByCode(tx, [state.stepAgencyCode, ...codes]);
    const who = await actorDetails(tx, input.ctx);
    const applicant = row.applicant as Applicant;
    const after = await recordEvents(
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
    const last = decision.events[decision.events.length - 1]!;
    const columns = projection(after, workflow, ids, last, state.status);
    await checkAssignees(tx, state, after, columns.step_agency_id);
    const updated = await tx
      .updateTable('dossiers')
      .set(columns)
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new Problem('version_conflict', { extra: { currentVersion: row.version } });
    for (const e of decision.events) {
      if (e.type !== 'consultation_opened') continue;
      for (const c of e.consultations) {
        if (c.childDossierId && children.includes(c.childDossierId)) {
          await openChildDossier(tx, updated, after, c, now, calendar);
          await tx
            .updateTable('dossier_consultations')
            .set({ child_dossier_id: c.childDossierId })
            .where('dossier_id', '=', updated.id)
            .where('consultation_id', '=', c.consultationId)
            .where('closed_at', 'is', null)
            .execute();
        }
      }
    }
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
      );
    }
    return {
      statusCode: 200,
      body: { id: updated.id, code: updated.code, version: updated.version, status: updated.status },
    };
  }
}

/** The workflow of a child dossier: the consulted agency gives its opinion (approve = agree, refuse = disagree). */
function childWorkflow(name: string, agencyCode: string, allotment: TimeLimit): WorkflowDefinition {
  return {
    schemaVersion: 1,
    steps: [
      {
        id: 'cho_y_kien',
        name_vi: name,
        name_en: 'Give the requested opinion',
        agency: { kind: 'fixed', agencyCode },
        role: 'officer',
        allotment,
        actions: ['approve', 'refuse'],
        final: true,
      },
    ],
  };
}

/**
 * Open the linked child dossier of a consultation at the consulted agency, in the parent's
 * transaction: submitted, received and transferred to its single step by the engine, due when the
 * consultation is due. Its officers see it in their own queues; its result answers the parent.
 */
async function openChildDossier(
  tx: Tx,
  parent: DossierRow,
  parentState: DossierState,
  c: { consultationId: string; agencyCode: string; due: number | null; childDossierId: string | null },
  now: Date,
  calendar: WorkCalendar,
): Promise<void> {
  const parentWorkflow = parent.workflow as WorkflowDefinition;
  const def = parentWorkflow.steps.flatMap((s) => s.consultations ?? []).find((x) => x.id === c.consultationId);
  const agency = await tx
    .selectFrom('agencies')
    .select(['id', 'code'])
    .where('code', '=', c.agencyCode)
    .executeTakeFirstOrThrow();
  const id = c.childDossierId!;
  const workflow = childWorkflow(
    `Cho ý kiến: ${def?.name_vi ?? c.consultationId}`,
    agency.code,
    def?.allotment ?? { days: 1 },
  );
  const actor: DossierActor = { userId: 'system', roles: ['system'], agencyCode: null };
  const context: DecideContext = { workflow, legalLimit: null, calendar, formData: parent.form_data };
  const pattern = parsePattern(DEFAULT_DOSSIER_CODE_PATTERN);
  const codeCtx = { agencyCode: agency.code, receivedAt: now };
  const code = pattern.format(codeCtx, await nextSequence(tx, pattern.source, pattern.scopeKey(codeCtx)));
  const due = c.due ?? undefined;
  let state: DossierState | null = null;
  const events: DossierEvent[] = [];
  for (const command of [
    {
      type: 'submit',
      dossierId: id,
      applicantId: parentState.applicantId,
      channel: parent.channel,
      receivingAgencyCode: agency.code,
      receivingAuthorityCode: agency.code,
      note: `Hồ sơ liên thông của hồ sơ ${parent.code}`,
    },
    { type: 'receive', ...(due === undefined ? {} : { due }) },
    { type: 'forward', ...(due === undefined ? {} : { stepDue: due }) },
  ]) {
    const d = decide(state, { ...command, actor, now } as Command, context);
    if (!d.ok) throw rejection(d.error);
    events.push(...d.events);
    state = d.events.reduce<DossierState | null>(evolve, state);
  }
  const final = state!;
  const ids = new Map([[agency.code, agency.id]]);
  const applicant = parent.applicant as Applicant;
  await tx
    .insertInto('dossiers')
    .values({
      id,
      code,
      lookup_secret: generateLookupSecret(randomBytes(16)),
      province_id: parent.province_id,
      procedure_id: parent.procedure_id,
      procedure_version_id: parent.procedure_version_id,
      procedure_name: parent.procedure_name,
      field_code: parent.field_code,
      workflow: JSON.stringify(workflow),
      legal_limit: null,
      channel: parent.channel,
      applicant_user_id: null,
      applicant: JSON.stringify(applicant),
      applicant_name: parent.applicant_name,
      applicant_id_number: parent.applicant_id_number,
      applicant_phone: parent.applicant_phone,
      form_data: JSON.stringify(parent.form_data),
      receiving_agency_id: agency.id,
      submitted_at: now,
      parent_dossier_id: parent.id,
      parent_consultation_id: c.consultationId,
      ...projection(final, workflow, ids, events.at(-1)!, null),
    })
    .execute();
  await tx.insertInto('dossier_agencies').values({ dossier_id: id, agency_id: agency.id }).execute();
  await recordEvents(
    tx,
    SYSTEM_CTX,
    { id, code, receivingAgencyId: agency.id, procedureName: parent.procedure_name, applicant, applicantUserId: null },
    workflow,
    null,
    events,
    ids,
    null,
    'Hệ thống / System',
  );
}

// ---------------------------------------------------------------------------------------------
// Submission

export type SubmitInput = {
  procedureId: string;
  /** The agency chosen to handle it (a commune for commune procedures); default: the procedure's only one. */
  agencyId?: string | null;
  channel: 'online' | 'counter' | 'postal';
  applicant?: Partial<Applicant> | null;
  formData: Record<string, unknown>;
  draftId?: string | null;
  note?: string | null;
  /** Counter only: the components checked in front of the applicant (dossier.reception.ts). */
  checklist?: { name: string; original?: number; copy?: number }[];
  /** Entered by an intake officer for an outside system (GovStack facade): `channel` is where it came from. */
  viaIntegration?: boolean;
};

type SubmitDocument = { name: string; requirement: 'mandatory' | 'conditional'; filledByEForm?: boolean };

export type SubmitOptions = {
  codePattern?: string;
  /**
   * Work of the caller that belongs to the same submission, run in its transaction after the
   * dossier and its events are written (the GovStack facade maps its file id and attaches the
   * uploaded documents there): a failure rolls the whole submission back.
   */
  alsoInTransaction?: (tx: Tx, dossierId: string) => Promise<void>;
  /** Public portal base URL, for the receipt's QR code. */
  now?: Date;
};

async function receptionUnitFor(ex: Executor, authorityId: string): Promise<string | null> {
  // The one-stop unit of the agency, else of the province's Public Administration Service Center.
  const own = await ex
    .selectFrom('agencies')
    .select('id')
    .where('parent_id', '=', authorityId)
    .where('receives_dossiers', '=', true)
    .where('active', '=', true)
    .orderBy('code')
    .limit(1)
    .executeTakeFirst();
  if (own) return own.id;
  const center = await ex
    .selectFrom('agencies as u')
    .innerJoin('agencies as c', 'c.id', 'u.parent_id')
    .select('u.id')
    .where('c.level', '=', 'center')
    .where('u.receives_dossiers', '=', true)
    .where('u.active', '=', true)
    .orderBy('u.code')
    .limit(1)
    .executeTakeFirst();
  return center?.id ?? null;
}

/** Next number of the counter (pattern, scope): taken in the submitting transaction, so no gaps. */
async function nextSequence(tx: Tx, pattern: string, scopeKey: string): Promise<number> {
  const r = await sql<{ last_value: number }>`
    INSERT INTO dossier_code_counters (pattern, scope_key, last_value) VALUES (${pattern}, ${scopeKey}, 1)
    ON CONFLICT (pattern, scope_key) DO UPDATE SET last_value = dossier_code_counters.last_value + 1
    RETURNING last_value`.execute(tx);
  return r.rows[0]!.last_value;
}

function problemFor(code: 'procedure_not_available', vi: string, en: string): Problem {
  return new Problem(code, { detail: { vi, en } });
}

export type SubmitResult = { id: string; code: string; lookupSecret: string; version: number; status: string };

/**
 * Submit a dossier: online by the applicant, or at the counter by a receptionist (who receives
 * it on the spot: submit + receive in one transaction, Decree 118/2025 art. 17).
 */
export async function submitDossier(
  db: Db,
  input: SubmitInput,
  ctx: CommandContext,
  idempotencyKey: string | null,
  opts: SubmitOptions & { validateForm?: (schema: unknown, data: unknown) => void } = {},
): Promise<CommandResult & { replayed: boolean }> {
  const idem =
    idempotencyKey === null
      ? null
      : { principal: principalOf(ctx), key: idempotencyKey, hash: requestHash({ submit: input }) };
  const province = await db
    .selectFrom('procedures')
    .select('province_id')
    .where('id', '=', input.procedureId)
    .executeTakeFirst();
  if (!province) throw new Problem('procedure_not_available');
  // Read through the pool before the transaction (see executeCommand).
  const calendar = await calendarFor(db, province.province_id);
  return runIdempotent(db, idem, async (tx) => {
    const now = opts.now ?? new Date();
    const actor = ctx.actor;
    if (actor.kind === 'anonymous') throw new Problem('unauthenticated');
    // An officer entering what an outside system brought records its channel, but enters it as at the counter.
    const counter = input.channel !== 'online' || input.viaIntegration === true;
    if (counter !== (actor.kind === 'officer')) throw new Problem('forbidden');

    const version = await tx
      .selectFrom('procedure_versions as v')
      .innerJoin('procedures as p', 'p.id', 'v.procedure_id')
      .select([
        'v.id',
        'v.name',
        'v.field_code',
        'v.content',
        'v.applicant_kinds',
        'p.id as procedure_id',
        'p.code',
        'p.province_id',
      ])
      .where('p.id', '=', input.procedureId)
      .where('v.status', '=', 'published')
      .executeTakeFirst();
    if (!version) throw new Problem('procedure_not_available');
    // Who may apply (applicantKinds): the account's kind online, before anything else is checked.
    if (actor.kind === 'applicant') {
      assertApplicantKind(version.applicant_kinds, await applicantKindOfUser(tx, actor.userId));
    }
    const content = version.content as {
      workflow: unknown;
      timeLimit: { value: number | null; unit: string } | null;
      eForm: { schema: unknown } | null;
      channels: string[];
    };
    if (!content.workflow) {
      throw problemFor(
        'procedure_not_available',
        'Thủ tục chưa có quy trình xử lý',
        'The procedure has no workflow yet',
      );
    }
    if (!counter && !content.channels.includes('online')) {
      throw problemFor(
        'procedure_not_available',
        'Thủ tục không nhận hồ sơ trực tuyến',
        'The procedure does not accept online dossiers',
      );
    }
    if (content.eForm && opts.validateForm) opts.validateForm(content.eForm.schema, input.formData);
    const handlers = (
      await tx
        .selectFrom('procedure_version_agencies')
        .select('agency_id')
        .where('version_id', '=', version.id)
        .execute()
    ).map((r) => r.agency_id);

    // Which one-stop unit receives it, for which authority.
    let receivingId: string;
    let authorityId: string | null;
    if (counter) {
      if (actor.kind !== 'officer' || !actor.roles.includes('receptionist')) throw new Problem('forbidden');
      const unit = await tx
        .selectFrom('agencies as u')
        .leftJoin('agencies as parent', 'parent.id', 'u.parent_id')
        .select(['u.id', 'u.receives_dossiers', 'u.parent_id', 'parent.level as parent_level'])
        .where('u.id', '=', actor.agencyId)
        .executeTakeFirstOrThrow();
      receivingId = unit.id;
      authorityId = unit.receives_dossiers ? unit.parent_id : unit.id;
      const servesAll = unit.parent_level === 'center';
      if (!servesAll && (authorityId === null || !handlers.includes(authorityId))) {
        throw problemFor(
          'procedure_not_available',
          'Bộ phận Một cửa này không tiếp nhận thủ tục này',
          'This one-stop unit does not receive this procedure',
        );
      }
      if (servesAll) authorityId = input.agencyId ?? handlers[0] ?? null;
    } else {
      // A citizen's own submission: the draft checked, every mandatory document attached (submit-rules).
      const draft =
        actor.kind === 'applicant'
          ? await checkCitizenSubmission(tx, {
              userId: actor.userId,
              procedureId: input.procedureId,
              draftId: input.draftId ?? null,
              documents: (version.content as { documents?: SubmitDocument[] }).documents ?? [],
              eFormFilled: Boolean(content.eForm) && Object.keys(input.formData).length > 0,
            })
          : null;
      authorityId = chooseHandlingAgency(
        handlers,
        input.agencyId ?? draft?.agencyId ?? null,
        input.applicant?.residenceCommuneId ?? draft?.residenceCommuneId ?? null,
      );
      if (authorityId === null || !handlers.includes(authorityId)) {
        throw new Problem('validation_failed', {
          detail: {
            vi: 'Chọn cơ quan giải quyết trong danh sách của thủ tục',
            en: 'Choose a handling agency listed for the procedure',
          },
          extra: { field: 'agencyId' },
        });
      }
      const unit = await receptionUnitFor(tx, authorityId);
      if (unit === null) throw problemFor('procedure_not_available', 'Không có bộ phận tiếp nhận', 'No reception unit');
      receivingId = unit;
    }
    const agencies = await tx
      .selectFrom('agencies')
      .select(['id', 'code', 'level'])
      .where('id', 'in', [receivingId, ...(authorityId ? [authorityId] : [])])
      .execute();
    const codeOf = (id: string | null) => (id === null ? null : (agencies.find((a) => a.id === id)?.code ?? null));

    // The applicant.
    let applicant: Applicant;
    let applicantUserId: string | null;
    if (actor.kind === 'applicant') {
      const u = await tx.selectFrom('users').selectAll().where('id', '=', actor.userId).executeTakeFirstOrThrow();
      applicantUserId = u.id;
      applicant = {
        kind: u.applicant_type ?? 'citizen',
        name: u.full_name,
        idNumber: u.personal_id ?? u.tax_code,
        phone: input.applicant?.phone ?? u.phone,
        email: input.applicant?.email ?? u.email,
        address: input.applicant?.address ?? null,
        residenceCommuneId: input.applicant?.residenceCommuneId ?? null,
      };
    } else {
      const a = input.applicant;
      if (!a?.name) {
        throw new Problem('validation_failed', {
          detail: { vi: 'Thiếu tên người nộp hồ sơ', en: 'The applicant’s name is missing' },
        });
      }
      applicant = {
        kind: a.kind ?? 'citizen',
        name: a.name,
        idNumber: a.idNumber ?? null,
        phone: a.phone ?? null,
        email: a.email ?? null,
        address: a.address ?? null,
        residenceCommuneId: a.residenceCommuneId ?? null,
      };
      assertApplicantKind(version.applicant_kinds, applicant.kind);
      // A walk-in applicant with an account gets the dossier in their portal too.
      const owner = applicant.idNumber
        ? await tx
            .selectFrom('users')
            .select('id')
            .where('kind', '=', 'applicant')
            .where((eb) => eb.or([eb('personal_id', '=', applicant.idNumber), eb('tax_code', '=', applicant.idNumber)]))
            .executeTakeFirst()
        : undefined;
      applicantUserId = owner?.id ?? null;
    }
    let communeCode: string | null = null;
    if (applicant.residenceCommuneId) {
      const c = await tx
        .selectFrom('agencies')
        .select('code')
        .where('id', '=', applicant.residenceCommuneId)
        .where('level', '=', 'commune')
        .executeTakeFirst();
      if (!c) {
        throw new Problem('validation_failed', {
          detail: { vi: 'Xã/phường nơi cư trú không tồn tại', en: 'Unknown commune of residence' },
          extra: { field: 'applicant.residenceCommuneId' },
        });
      }
      communeCode = c.code;
    }

    // Never start a clock that cannot be honoured: every step resolves to an active agency now.
    await assertWorkflowHonourable(tx, content.workflow as Record<string, unknown>, {
      receivingAgencyCode: codeOf(receivingId)!,
      receivingAuthorityCode: codeOf(authorityId),
      applicantCommuneCode: communeCode,
    });
    // Number and lookup password (Decree 118/2025 art. 28).
    const pattern = parsePattern(opts.codePattern ?? DEFAULT_DOSSIER_CODE_PATTERN);
    const codeCtx = { agencyCode: codeOf(receivingId)!, procedureCode: version.code ?? undefined, receivedAt: now };
    const seq = await nextSequence(tx, pattern.source, pattern.scopeKey(codeCtx));
    const code = pattern.format(codeCtx, seq);
    const lookupSecret = generateLookupSecret(randomBytes(16));
    const dossierId = randomUUID();
    // An API client (the national portal, an LGSP) submits on the applicant's behalf, as the engine
    // does for linked dossiers (core machine: `system` may submit); it gets no other command.
    const dossierActor: DossierActor =
      actor.kind === 'client'
        ? { userId: `client:${actor.clientId}`, roles: ['system'], agencyCode: null }
        : await dossierActorOf(tx, ctx);
    const workflow = content.workflow as WorkflowDefinition;
    const limit = legalLimitOf(content.timeLimit);
    const context: DecideContext = { workflow, legalLimit: workingLimit(limit), calendar, formData: input.formData };

    const submit = decide(
      null,
      {
        type: 'submit',
        actor: dossierActor,
        now,
        dossierId,
        applicantId: applicantUserId ?? `walk-in:${dossierId}`,
        channel: input.channel,
        receivingAgencyCode: codeOf(receivingId)!,
        receivingAuthorityCode: codeOf(authorityId),
        applicantCommuneCode: communeCode,
        ...(input.note ? { note: input.note } : {}),
      },
      context,
    );
    if (!submit.ok) throw rejection(submit.error);
    let events = submit.events;
    if (counter) {
      // Counter dossiers are checked in front of the applicant and received on the spot.
      const submitted = events.reduce<DossierState | null>(evolve, null)!;
      // Decree 118/2025 art. 17(3): received only when every mandatory component is checked.
      const checklist = checkReception(await versionDocuments(tx, version.id), input.checklist);
      const receive = decide(
        submitted,
        {
          type: 'receive',
          actor: dossierActor,
          now,
          checklist,
          ...(limit !== null && 'calendarDays' in limit
            ? { due: calendarDaysDue(calendar, now.getTime(), limit.calendarDays) }
            : {}),
        },
        context,
      );
      if (!receive.ok) throw rejection(receive.error);
      events = [...events, ...receive.events];
    }
    const state = events.reduce<DossierState | null>(evolve, null)!;
    const last = events[events.length - 1]!;
    const columns = projection(state, workflow, new Map(), last, null);
    await tx
      .insertInto('dossiers')
      .values({
        id: dossierId,
        code,
        lookup_secret: lookupSecret,
        province_id: version.province_id,
        procedure_id: version.procedure_id,
        procedure_version_id: version.id,
        procedure_name: version.name,
        field_code: version.field_code,
        workflow: JSON.stringify(workflow),
        legal_limit: limit === null ? null : JSON.stringify(limit),
        channel: input.channel,
        applicant_user_id: applicantUserId,
        applicant: JSON.stringify(applicant),
        applicant_name: applicant.name,
        applicant_id_number: applicant.idNumber,
        applicant_phone: applicant.phone,
        form_data: JSON.stringify(input.formData),
        receiving_agency_id: receivingId,
        submitted_at: now,
        ...columns,
        // recordEvents re-applies the events; the row starts at the state before them
        state: JSON.stringify(state),
      })
      .execute();
    await tx
      .insertInto('dossier_agencies')
      .values(
        [...new Set([receivingId, ...(authorityId ? [authorityId] : [])])].map((agency_id) => ({
          dossier_id: dossierId,
          agency_id,
        })),
      )
      .execute();
    const who = await actorDetails(tx, ctx);
    await recordEvents(
      tx,
      ctx,
      { id: dossierId, code, receivingAgencyId: receivingId, procedureName: version.name, applicant, applicantUserId },
      workflow,
      null,
      events,
      new Map(),
      who.agencyId,
      who.name,
    );
    if (input.draftId) await adoptDraft(tx, input.draftId, dossierId, actor);
    if (opts.alsoInTransaction) await opts.alsoInTransaction(tx, dossierId);
    const body: SubmitResult = { id: dossierId, code, lookupSecret, version: state.version, status: state.status };
    return { statusCode: 201, body };
  });
}

/** The draft's files become the dossier's; the draft is deleted. Only the draft's owner may do it. */
async function adoptDraft(tx: Tx, draftId: string, dossierId: string, actor: Actor): Promise<void> {
  if (actor.kind !== 'applicant') return;
  const draft = await tx
    .selectFrom('dossier_drafts')
    .select('id')
    .where('id', '=', draftId)
    .where('applicant_user_id', '=', actor.userId)
    .forUpdate()
    .executeTakeFirst();
  if (!draft) throw new Problem('not_found');
  await moveDraftAttachments(tx, draftId, dossierId);
  await tx.deleteFrom('dossier_drafts').where('id', '=', draftId).execute();
}

export type { DossierRow };
