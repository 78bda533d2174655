/**
 * The dossier state machine: decide(state, command, context) → events | error, pure. The state is
 * derived from events by evolve (evolve.ts). Order of checks: the status table (actions.ts), then
 * payload, then who may act, then the rules of Decree 118/2025.
 */

import type { Moment, TimeLimit, WorkCalendar } from '../calendar/index.ts';
import { isCommandAllowed } from './actions.ts';
import type { Command, CommandOf, DossierActor } from './commands.ts';
import {
  CHANNELS,
  COMMAND_TYPES,
  CONSULTATION_OUTCOMES,
  FEE_STAGES,
  RATING_CRITERIA,
  RESULT_METHODS,
} from './commands.ts';
import type { DossierError, DossierErrorCode } from './errors.ts';
import { dossierError } from './errors.ts';
import type { DossierEvent, ResultFileRef } from './events.ts';
import { scoreRatingAnswers } from './rating.ts';
import type { DossierState } from './state.ts';
import { snapshotOf } from './state.ts';
import type { StepAction, WorkflowDefinition, WorkflowStep } from './workflow.ts';
import { findStep, nextStepId, resolveAgency } from './workflow.ts';

export { evolve, replay } from './evolve.ts';

export interface DecideContext {
  /** The workflow frozen into the dossier at submission. */
  workflow: WorkflowDefinition;
  /** The procedure's legal time limit; null when none is stated. */
  legalLimit: TimeLimit | null;
  /** Computes deadlines when a command does not carry them; required for `extend`. */
  calendar?: WorkCalendar;
  /** The dossier's e-form values, for branch conditions. */
  formData?: unknown;
  /** Days (calendar days) without a complete supplement before close_incomplete; default 15 (art. 19(5)). */
  supplementWindowDays?: number;
  /**
   * The dossier's current result file (the newest attachment of kind `result`), or null/absent
   * when none is attached. `approve` records it, `sign` confirms it, `finish` checks neither changed.
   */
  resultFile?: ResultFileRef | null;
}

export type Decision = { ok: true; events: DossierEvent[] } | { ok: false; error: DossierError };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Payload = DistributiveOmit<DossierEvent, 'version' | 'at' | 'actorId' | 'note'>;
type Step = { ok: true; payload: Payload } | { ok: false; error: DossierError };

const DAY_MS = 86_400_000;
const fail = (code: DossierErrorCode, detail?: string): Step => ({ ok: false, error: dossierError(code, detail) });
const done = (payload: Payload): Step => ({ ok: true, payload });
const ms = (m: Moment): number => (typeof m === 'number' ? m : m.getTime());
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isMoment = (v: unknown): v is Moment =>
  (typeof v === 'number' && Number.isFinite(v)) || (v instanceof Date && Number.isFinite(v.getTime()));
const textList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every(isText);

// Who is who, relative to a dossier.
const hasRole = (a: DossierActor, role: string) => a.roles.includes(role);
const isOwner = (s: DossierState, a: DossierActor) => hasRole(a, 'applicant') && a.userId === s.applicantId;
const isReceptionist = (s: DossierState, a: DossierActor) =>
  hasRole(a, 'receptionist') && a.agencyCode === s.receivingAgencyCode;
const isMain = (s: DossierState, a: DossierActor) => s.assignees.main !== null && s.assignees.main === a.userId;
/** A leader of the step's agency, or of an agency above it (a department's head leads its divisions). */
const isStepLeader = (s: DossierState, a: DossierActor) =>
  hasRole(a, 'leader') &&
  s.stepAgencyCode !== null &&
  (a.agencyCode === s.stepAgencyCode || (a.ledAgencyCodes ?? []).includes(s.stepAgencyCode));
const isSystem = (a: DossierActor) => hasRole(a, 'system');
/** Staff of the consulted agency (or a leader above it): the only people who answer a consultation. */
const isConsulted = (agencyCode: string, a: DossierActor) =>
  (hasRole(a, 'officer') || hasRole(a, 'leader')) &&
  (a.agencyCode === agencyCode || (hasRole(a, 'leader') && (a.ledAgencyCodes ?? []).includes(agencyCode)));

const sameFile = (x: ResultFileRef | null | undefined, y: ResultFileRef | null | undefined) =>
  (x ?? null) === null ? (y ?? null) === null : !!y && x!.attachmentId === y.attachmentId && x!.sha256 === y.sha256;
/** The step's approval still covers the dossier's current result file (a changed file needs a new approval). */
const approvalCurrent = (s: DossierState, ctx: DecideContext) =>
  s.marks.approved && sameFile(s.marks.approvedResult, ctx.resultFile);
const signedCurrent = (s: DossierState, ctx: DecideContext) =>
  s.marks.signed && sameFile(s.marks.signedResult, ctx.resultFile);

function currentStep(s: DossierState, ctx: DecideContext): WorkflowStep | undefined {
  return s.currentStep === null ? undefined : findStep(ctx.workflow, s.currentStep);
}

/** The current step, when the actor is its main handler (or its unit's leader) and it allows `action`. */
function stepFor(
  s: DossierState,
  a: DossierActor,
  ctx: DecideContext,
  action: StepAction | null,
): { ok: true; step: WorkflowStep } | { ok: false; error: DossierError } {
  const step = currentStep(s, ctx);
  if (!step) return { ok: false, error: dossierError('no_current_step') };
  if (!isMain(s, a) && !isStepLeader(s, a)) return { ok: false, error: dossierError('forbidden') };
  if (action !== null && !step.actions.includes(action)) {
    return { ok: false, error: dossierError('step_action_not_allowed', action) };
  }
  return { ok: true, step };
}

/** A deadline: the explicit one, else computed with the calendar, else an error (or null when there is no limit). */
function deadline(
  explicit: Moment | undefined,
  ctx: DecideContext,
  limit: TimeLimit | null,
  compute: (cal: WorkCalendar, limit: TimeLimit) => Date,
): { ok: true; due: number | null } | { ok: false; error: DossierError } {
  if (explicit !== undefined) {
    if (!isMoment(explicit)) return { ok: false, error: dossierError('invalid_payload', 'due') };
    return { ok: true, due: ms(explicit) };
  }
  if (limit === null) return { ok: true, due: null };
  if (!ctx.calendar) return { ok: false, error: dossierError('calendar_required') };
  return { ok: true, due: compute(ctx.calendar, limit).getTime() };
}

/** Entering a step: its agency resolved for this dossier and its due moment. */
function enterStep(
  s: DossierState,
  ctx: DecideContext,
  stepId: string,
  now: number,
  stepDue: Moment | undefined,
): { ok: true; agency: string; due: number | null } | { ok: false; error: DossierError } {
  const step = findStep(ctx.workflow, stepId);
  if (!step) return { ok: false, error: dossierError('unknown_step', stepId) };
  const agency = resolveAgency(step.agency, s);
  if (agency === null) return { ok: false, error: dossierError('agency_unresolved', stepId) };
  if (stepDue !== undefined) {
    if (!isMoment(stepDue)) return { ok: false, error: dossierError('invalid_payload', 'stepDue') };
    return { ok: true, agency, due: ms(stepDue) };
  }
  if (!ctx.calendar) return { ok: true, agency, due: null };
  // The transfer from the one-stop unit after 15:00 counts from the next working day (art. 18(2)).
  const start = s.status === 'received' ? ctx.calendar.transferStart(now) : now;
  return { ok: true, agency, due: ctx.calendar.dueAt(start, step.allotment).getTime() };
}

function submit(c: CommandOf<'submit'>): Step {
  if (!isText(c.dossierId) || !isText(c.applicantId) || !isText(c.receivingAgencyCode)) return fail('invalid_payload');
  if (!CHANNELS.includes(c.channel)) return fail('invalid_payload', 'channel');
  const a = c.actor;
  const self = hasRole(a, 'applicant') && a.userId === c.applicantId;
  const counter = hasRole(a, 'receptionist') && a.agencyCode === c.receivingAgencyCode;
  // The engine itself opens linked child dossiers (hồ sơ liên thông) at a consulted agency.
  if (!self && !counter && !isSystem(a)) return fail('forbidden');
  return done({
    type: 'submitted',
    dossierId: c.dossierId,
    applicantId: c.applicantId,
    channel: c.channel,
    receivingAgencyCode: c.receivingAgencyCode,
    applicantCommuneCode: c.applicantCommuneCode ?? null,
    receivingAuthorityCode: c.receivingAuthorityCode ?? null,
  });
}

function decideOn(s: DossierState, c: Command, ctx: DecideContext, now: number): Step {
  const a = c.actor;
  switch (c.type) {
    case 'submit':
      return fail('action_not_allowed');

    case 'receive': {
      if (!isReceptionist(s, a) && !isSystem(a)) return fail('forbidden');
      const d = deadline(c.due, ctx, ctx.legalLimit, (cal, l) => cal.dueAt(now, l));
      if (!d.ok) return d;
      // The checked documents go with the event: form 01 prints them (server: dossier.reception.ts).
      return done({ type: 'received', due: d.due, ...(c.checklist ? { checklist: c.checklist } : {}) });
    }

    case 'request_supplement': {
      if (!textList(c.items)) return fail('invalid_payload', 'items');
      let phase: 'reception' | 'processing';
      if (s.status === 'submitted') {
        if (!isReceptionist(s, a)) return fail('forbidden');
        phase = 'reception';
      } else {
        const st = stepFor(s, a, ctx, 'request_supplement');
        if (!st.ok) return st;
        phase = 'processing';
      }
      // Decree 118/2025 art. 11(2)(c), 16(3): once, and completely.
      if (s.supplementCount >= 1) return fail('supplement_already_requested');
      return done({ type: 'supplement_requested', items: [...c.items], phase });
    }

    case 'supplement_provided': {
      if (!isOwner(s, a) && !isReceptionist(s, a)) return fail('forbidden');
      const phase = s.supplementPhase ?? 'reception';
      if (phase === 'reception') return done({ type: 'supplement_provided', phase, due: null });
      // Art. 19(5): the time limit restarts from zero when the complete dossier arrives.
      const d = deadline(c.due, ctx, ctx.legalLimit, (cal, l) => cal.restartClock(now, l));
      return d.ok ? done({ type: 'supplement_provided', phase, due: d.due }) : d;
    }

    case 'refuse': {
      if (!textList(c.reasons)) return fail('invalid_payload', 'reasons');
      if (s.status === 'submitted') {
        if (!isReceptionist(s, a)) return fail('forbidden');
        return done({ type: 'refused', reasons: [...c.reasons], phase: 'reception' });
      }
      const st = stepFor(s, a, ctx, 'refuse');
      if (!st.ok) return st;
      if (s.consultations.length > 0) return fail('consultations_open');
      return done({ type: 'refused', reasons: [...c.reasons], phase: 'processing' });
    }

    case 'claim': {
      const step = currentStep(s, ctx);
      if (!step) return fail('no_current_step');
      if (s.assignees.main !== null) return fail('already_assigned');
      if (!hasRole(a, step.role) || a.agencyCode !== s.stepAgencyCode) return fail('forbidden');
      return done({ type: 'claimed' });
    }

    case 'assign': {
      if (!currentStep(s, ctx)) return fail('no_current_step');
      if (!isStepLeader(s, a)) return fail('forbidden');
      const coordinators = c.coordinators ?? [];
      const observers = c.observers ?? [];
      if (!isText(c.main) || !coordinators.every(isText) || !observers.every(isText)) return fail('invalid_payload');
      return done({
        type: 'assigned',
        assignees: { main: c.main, coordinators: [...coordinators], observers: [...observers] },
      });
    }

    case 'forward': {
      let target: string | undefined;
      let jump = false;
      if (s.status === 'received') {
        // Transfer from the one-stop unit to the first step (art. 18(2)).
        if (!isReceptionist(s, a) && !isSystem(a)) return fail('forbidden');
        target = ctx.workflow.steps[0]?.id;
        if (c.toStep !== undefined && c.toStep !== target) return fail('forbidden', 'toStep');
      } else {
        const st = stepFor(s, a, ctx, null);
        if (!st.ok) return st;
        if (st.step.final) return fail('final_step');
        if (!st.step.actions.includes('forward')) return fail('step_action_not_allowed', 'forward');
        if (s.consultations.length > 0) return fail('consultations_open');
        target = nextStepId(ctx.workflow, st.step.id, ctx.formData);
        if (c.toStep !== undefined && c.toStep !== target) {
          // A leader may jump steps; nobody jumps to the step the dossier is at.
          if (!isStepLeader(s, a) || c.toStep === st.step.id) return fail('forbidden', 'toStep');
          target = c.toStep;
          jump = true;
        }
      }
      if (target === undefined) return fail('unknown_step');
      if (c.assignee !== undefined && !isText(c.assignee)) return fail('invalid_payload', 'assignee');
      const e = enterStep(s, ctx, target, now, c.stepDue);
      if (!e.ok) return e;
      return done({
        type: 'forwarded',
        toStep: target,
        stepAgencyCode: e.agency,
        stepDue: e.due,
        assignee: c.assignee ?? null,
        jump,
        undo: snapshotOf(s),
      });
    }

    case 'send_back': {
      const st = stepFor(s, a, ctx, 'send_back');
      if (!st.ok) return st;
      if (!isText(c.toStep)) return fail('invalid_payload', 'toStep');
      if (!s.path.slice(0, -1).includes(c.toStep)) return fail('unknown_step', c.toStep);
      if (s.consultations.length > 0) return fail('consultations_open');
      if (c.assignee !== undefined && !isText(c.assignee)) return fail('invalid_payload', 'assignee');
      const e = enterStep(s, ctx, c.toStep, now, c.stepDue);
      if (!e.ok) return e;
      return done({
        type: 'sent_back',
        toStep: c.toStep,
        stepAgencyCode: e.agency,
        stepDue: e.due,
        assignee: c.assignee ?? null,
        undo: snapshotOf(s),
      });
    }

    case 'consult': {
      const st = stepFor(s, a, ctx, 'consult');
      if (!st.ok) return st;
      if (!Array.isArray(c.targets) || c.targets.length === 0) return fail('invalid_payload', 'targets');
      const out: { consultationId: string; agencyCode: string; due: number | null; childDossierId: string | null }[] =
        [];
      for (const t of c.targets) {
        const def = st.step.consultations?.find((x) => x.id === t.consultationId);
        if (!def) return fail('unknown_consultation', String(t.consultationId));
        if (s.consultations.some((x) => x.consultationId === def.id) || out.some((x) => x.consultationId === def.id)) {
          return fail('consultation_already_open', def.id);
        }
        const agencyCode = t.agencyCode ?? resolveAgency(def.agency, s);
        if (!isText(agencyCode)) return fail('agency_unresolved', def.id);
        const d = deadline(t.due, ctx, def.allotment, (cal, l) => cal.dueAt(now, l));
        if (!d.ok) return d;
        out.push({ consultationId: def.id, agencyCode, due: d.due, childDossierId: t.childDossierId ?? null });
      }
      return done({ type: 'consultation_opened', consultations: out });
    }

    case 'consultation_result': {
      const open = s.consultations.find((x) => x.consultationId === c.consultationId);
      if (!open) return fail('unknown_consultation', String(c.consultationId));
      if (!CONSULTATION_OUTCOMES.includes(c.outcome)) return fail('invalid_payload', 'outcome');
      // Only the consulted agency answers: the officer who asked (or her leader) may not answer
      // her own request. `system`: the answer of a linked child dossier, relayed by the engine.
      if (!isConsulted(open.agencyCode, a) && !isSystem(a)) return fail('forbidden');
      return done({ type: 'consultation_closed', consultationId: open.consultationId, outcome: c.outcome });
    }

    case 'approve': {
      const st = stepFor(s, a, ctx, 'approve');
      if (!st.ok) return st;
      if (c.opinion !== undefined && typeof c.opinion !== 'string') return fail('invalid_payload', 'opinion');
      const file = ctx.resultFile ?? null;
      // An approval that precedes the confirmation of the result covers a result document: one must exist.
      if (st.step.actions.includes('sign') && file === null) return fail('result_file_missing');
      if (approvalCurrent(s, ctx)) return fail('already_approved');
      return done({ type: 'approved', resultFile: file, opinion: c.opinion?.trim() || null });
    }

    case 'sign': {
      // Confirms the approved result file (not a digital signature until issue 18).
      const st = stepFor(s, a, ctx, 'sign');
      if (!st.ok) return st;
      const file = ctx.resultFile ?? null;
      if (file === null) return fail('result_file_missing');
      if (c.documentId !== undefined && c.documentId !== file.attachmentId) {
        return fail('result_not_approved', 'documentId');
      }
      if (st.step.actions.includes('approve') && !approvalCurrent(s, ctx)) return fail('result_not_approved');
      if (signedCurrent(s, ctx)) return fail('already_signed');
      return done({ type: 'signed', documentId: file.attachmentId, sha256: file.sha256 });
    }

    case 'rollback': {
      const last = s.lastAction;
      if (!last?.undo) return fail('nothing_to_roll_back');
      if (last.actorId !== a.userId) return fail('not_last_actor');
      return done({ type: 'rolled_back', restore: last.undo, rolledBack: last.type });
    }

    case 'request_fee': {
      if (!FEE_STAGES.includes(c.stage)) return fail('invalid_payload', 'stage');
      if (!Number.isSafeInteger(c.amount) || c.amount <= 0) return fail('invalid_payload', 'amount');
      if (!isReceptionist(s, a) && !isMain(s, a)) return fail('forbidden');
      if (c.stage === 'settlement' && !s.fees.some((f) => f.stage === 'advance' && f.paidAt !== null)) {
        return fail('no_advance');
      }
      return done({ type: 'fee_requested', stage: c.stage, amount: c.amount });
    }

    case 'fee_paid': {
      if (!isOwner(s, a) && !isReceptionist(s, a) && !isSystem(a)) return fail('forbidden');
      // The clock stood still while waiting for payment: shift the deadlines by the paused working time.
      let due = s.due;
      let stepDue = s.stepDue;
      if (c.due !== undefined) {
        if (!isMoment(c.due)) return fail('invalid_payload', 'due');
        due = ms(c.due);
      } else if (s.pausedSince !== null && ctx.calendar) {
        const cal = ctx.calendar;
        const paused = Math.max(0, cal.workingMsBetween(s.pausedSince, now));
        if (due !== null) due = cal.addWorkingMs(due, paused).getTime();
        if (stepDue !== null) stepDue = cal.addWorkingMs(stepDue, paused).getTime();
      }
      return done({ type: 'fee_paid', paymentRef: c.paymentRef ?? null, due, stepDue });
    }

    case 'extend': {
      // Decree 118/2025 art. 19(6): apology letter (form 04), at most once, ≥ 1 working day before the deadline.
      if (!isReceptionist(s, a) && !isStepLeader(s, a)) return fail('forbidden');
      if (!isText(c.reason) || !isMoment(c.newDue)) return fail('invalid_payload');
      if (s.extensionCount >= 1) return fail('extension_already_used');
      if (s.due === null) return fail('no_deadline');
      if (ms(c.newDue) <= s.due) return fail('invalid_new_due');
      if (!ctx.calendar) return fail('calendar_required');
      if (ctx.calendar.workingMsBetween(now, s.due) < ctx.calendar.workingDayMs) return fail('extension_too_late');
      return done({ type: 'extended', newDue: ms(c.newDue), previousDue: s.due, reason: c.reason });
    }

    case 'withdraw': {
      if (!isOwner(s, a)) return fail('forbidden');
      if (s.resultAt !== null) return fail('action_not_allowed');
      return done({ type: 'withdrawal_requested', reason: c.reason ?? null, beforeReceipt: s.receivedAt === null });
    }

    case 'stop': {
      // Art. 21: from receipt until the decision is issued; notice of stopping (form 05).
      if (!isReceptionist(s, a) && !isStepLeader(s, a)) return fail('forbidden');
      if (!isText(c.reason)) return fail('invalid_payload', 'reason');
      if (s.receivedAt === null) return fail('not_received');
      if (s.resultAt !== null) return fail('action_not_allowed');
      return done({ type: 'stopped', reason: c.reason });
    }

    case 'finish': {
      const st = stepFor(s, a, ctx, null);
      if (!st.ok) return st;
      if (!st.step.final) return fail('not_final_step');
      if (s.consultations.length > 0) return fail('consultations_open');
      if (st.step.actions.includes('approve') && !approvalCurrent(s, ctx)) return fail('not_approved');
      if (st.step.actions.includes('sign') && !signedCurrent(s, ctx)) return fail('not_signed');
      return done({ type: 'finished', undo: snapshotOf(s) });
    }

    case 'return_result': {
      if (!isReceptionist(s, a) && !isSystem(a)) return fail('forbidden');
      if (!RESULT_METHODS.includes(c.method)) return fail('invalid_payload', 'method');
      return done({ type: 'result_returned', method: c.method });
    }

    case 'rate': {
      if (!isOwner(s, a)) return fail('forbidden');
      if (s.rating !== null) return fail('already_rated');
      // Answers, each on its criterion's own scale (rating.ts), give the points; points alone are
      // accepted from devices that only produce them. Never both, never nothing.
      if (c.answers !== undefined) {
        if (c.scores !== undefined) return fail('invalid_payload', 'answers/scores');
        const scores = scoreRatingAnswers(c.answers);
        if (scores === null) return fail('invalid_payload', 'answers');
        return done({ type: 'rated', scores, answers: { ...c.answers }, comment: c.comment ?? null });
      }
      const entries = Object.entries(c.scores ?? {});
      const valid =
        entries.length > 0 &&
        entries.every(
          ([k, v]) => (RATING_CRITERIA as readonly string[]).includes(k) && (v === 0 || v === 1 || v === 2),
        );
      if (!valid) return fail('invalid_payload', 'scores');
      return done({ type: 'rated', scores: { ...c.scores }, comment: c.comment ?? null });
    }

    case 'close_incomplete': {
      if (!isSystem(a) && !isReceptionist(s, a)) return fail('forbidden');
      const windowMs = (ctx.supplementWindowDays ?? 15) * DAY_MS;
      if (s.supplementRequestedAt === null || now < s.supplementRequestedAt + windowMs)
        return fail('supplement_window_open');
      return done({ type: 'closed_incomplete' });
    }
  }
}

/** Decides what a command does to a dossier (null before submission): one event, or an error. */
export function decide(state: DossierState | null, command: Command, context: DecideContext): Decision {
  if (!command || !(COMMAND_TYPES as readonly string[]).includes(command.type)) {
    return { ok: false, error: dossierError('unknown_command') };
  }
  if (
    !command.actor ||
    !isText(command.actor.userId) ||
    !Array.isArray(command.actor.roles) ||
    !isMoment(command.now)
  ) {
    return { ok: false, error: dossierError('invalid_payload', 'actor/now') };
  }
  if (state === null && command.type !== 'submit') return { ok: false, error: dossierError('dossier_not_found') };
  if (!isCommandAllowed(state?.status ?? null, command.type)) {
    return { ok: false, error: dossierError('action_not_allowed', `${command.type} @ ${state?.status}`) };
  }
  const now = ms(command.now);
  const r = state === null ? submit(command as CommandOf<'submit'>) : decideOn(state, command, context, now);
  if (!r.ok) return r;
  const event = {
    ...r.payload,
    version: (state?.version ?? 0) + 1,
    at: now,
    actorId: command.actor.userId,
    ...(command.note !== undefined ? { note: command.note } : {}),
    ...(command.message !== undefined ? { message: command.message } : {}),
  } as DossierEvent;
  return { ok: true, events: [event] };
}
