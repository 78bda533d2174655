/** evolve(state, event) → state: folds one event into the state. Total and pure. */

import type { DossierEvent, StepSnapshot } from './events.ts';
import type { DossierState } from './state.ts';
import { storedFlags } from './state.ts';

const NO_ASSIGNEES = { main: null, coordinators: [], observers: [] };
const NO_MARKS = { approved: false, signed: false };

function moveTo(
  s: DossierState,
  toStep: string,
  stepAgencyCode: string | null,
  stepDue: number | null,
  assignee: string | null,
  path: string[],
): DossierState {
  return {
    ...s,
    status: 'processing',
    currentStep: toStep,
    stepAgencyCode,
    stepDue,
    path,
    assignees: { ...NO_ASSIGNEES, main: assignee },
    marks: NO_MARKS,
  };
}

function restore(s: DossierState, snap: StepSnapshot): DossierState {
  return { ...s, ...snap, path: [...snap.path], assignees: { ...snap.assignees }, marks: { ...snap.marks } };
}

function apply(s: DossierState, e: DossierEvent): DossierState {
  switch (e.type) {
    case 'submitted':
      return s;
    case 'received':
      return { ...s, status: 'received', receivedAt: e.at, clockStart: e.at, due: e.due, originalDue: e.due };
    case 'supplement_requested':
      return {
        ...s,
        status: 'supplement_requested',
        supplementCount: s.supplementCount + 1,
        supplementPhase: e.phase,
        supplementRequestedAt: e.at,
        supplementItems: [...e.items],
      };
    case 'supplement_provided':
      if (e.phase === 'reception') return { ...s, status: 'submitted', supplementPhase: null };
      // Decree 118/2025 art. 19(5): the time limit restarts from zero.
      return { ...s, status: 'processing', supplementPhase: null, clockStart: e.at, due: e.due, pauses: [] };
    case 'refused':
      return e.phase === 'reception'
        ? { ...s, status: 'refused' }
        : { ...s, status: 'result_ready', outcome: 'refused', resultAt: e.at };
    case 'claimed':
      return { ...s, assignees: { ...s.assignees, main: e.actorId } };
    case 'assigned':
      return { ...s, assignees: { ...e.assignees } };
    case 'forwarded':
      return moveTo(s, e.toStep, e.stepAgencyCode, e.stepDue, e.assignee, [...s.path, e.toStep]);
    case 'sent_back':
      return moveTo(s, e.toStep, e.stepAgencyCode, e.stepDue, e.assignee, [...s.path, e.toStep]);
    case 'consultation_opened':
      return {
        ...s,
        consultations: [
          ...s.consultations,
          ...e.consultations.map((c) => ({ ...c, stepId: s.currentStep ?? '', openedAt: e.at })),
        ],
      };
    case 'consultation_closed':
      return { ...s, consultations: s.consultations.filter((c) => c.consultationId !== e.consultationId) };
    case 'approved':
      // A new approval (the result file changed) voids an earlier confirmation of the old file.
      return {
        ...s,
        marks: {
          approved: true,
          signed: false,
          approvedResult: e.resultFile ?? null,
          approvalOpinion: e.opinion ?? null,
          signedResult: null,
        },
      };
    case 'signed':
      return {
        ...s,
        marks: {
          ...s.marks,
          signed: true,
          signedResult: e.documentId === null ? null : { attachmentId: e.documentId, sha256: e.sha256 ?? '' },
        },
      };
    case 'rolled_back':
      return restore(s, e.restore);
    case 'fee_requested': {
      const clockRunning = s.status === 'received' || s.status === 'processing';
      return {
        ...s,
        status: 'fee_requested',
        resumeStatus: s.status,
        fees: [...s.fees, { stage: e.stage, amount: e.amount, requestedAt: e.at, paidAt: null }],
        pausedSince: clockRunning ? e.at : null,
      };
    }
    case 'fee_paid':
      return {
        ...s,
        status: s.resumeStatus ?? 'processing',
        resumeStatus: null,
        fees: s.fees.map((f) => (f.paidAt === null ? { ...f, paidAt: e.at } : f)),
        pauses: s.pausedSince === null ? s.pauses : [...s.pauses, { from: s.pausedSince, to: e.at }],
        pausedSince: null,
        due: e.due,
        stepDue: e.stepDue,
      };
    case 'extended':
      return { ...s, due: e.newDue, extensionCount: s.extensionCount + 1 };
    case 'withdrawal_requested':
      return e.beforeReceipt
        ? { ...s, status: 'closed', closedReason: 'withdrawn' }
        : { ...s, status: 'withdrawal_requested' };
    case 'stopped':
      return {
        ...s,
        status: 'stopped',
        pauses: s.pausedSince === null ? s.pauses : [...s.pauses, { from: s.pausedSince, to: e.at }],
        pausedSince: null,
      };
    case 'finished':
      return { ...s, status: 'result_ready', outcome: 'granted', resultAt: e.at };
    case 'result_returned':
      return { ...s, status: 'returned', returnedAt: e.at, returnMethod: e.method };
    case 'rated':
      return {
        ...s,
        rating: {
          scores: { ...e.scores },
          ...(e.answers ? { answers: { ...e.answers } } : {}),
          comment: e.comment,
          at: e.at,
        },
      };
    case 'closed_incomplete':
      return { ...s, status: 'closed', closedReason: 'supplement_timeout' };
  }
}

function initial(e: Extract<DossierEvent, { type: 'submitted' }>): DossierState {
  return {
    dossierId: e.dossierId,
    version: 0,
    status: 'submitted',
    flags: [],
    channel: e.channel,
    applicantId: e.applicantId,
    receivingAgencyCode: e.receivingAgencyCode,
    applicantCommuneCode: e.applicantCommuneCode,
    receivingAuthorityCode: e.receivingAuthorityCode ?? null,
    currentStep: null,
    stepAgencyCode: null,
    stepDue: null,
    path: [],
    assignees: NO_ASSIGNEES,
    marks: NO_MARKS,
    consultations: [],
    receivedAt: null,
    clockStart: null,
    due: null,
    originalDue: null,
    pauses: [],
    pausedSince: null,
    resumeStatus: null,
    supplementCount: 0,
    supplementPhase: null,
    supplementRequestedAt: null,
    supplementItems: [],
    extensionCount: 0,
    fees: [],
    outcome: null,
    resultAt: null,
    returnedAt: null,
    returnMethod: null,
    rating: null,
    closedReason: null,
    lastAction: null,
  };
}

/** Folds one event. A `submitted` event starts a dossier from null; any other needs a state. */
export function evolve(state: DossierState | null, event: DossierEvent): DossierState {
  let base: DossierState;
  if (event.type === 'submitted') base = initial(event);
  else if (state === null) throw new Error(`Event '${event.type}' before 'submitted'`);
  else base = state;
  const next = apply(base, event);
  const undo = 'undo' in event ? event.undo : null;
  const result: DossierState = {
    ...next,
    version: event.version,
    lastAction: { type: event.type, actorId: event.actorId, at: event.at, undo },
  };
  result.flags = storedFlags(result);
  return result;
}

/** The state after a whole history (null for an empty one). */
export function replay(events: readonly DossierEvent[]): DossierState | null {
  return events.reduce<DossierState | null>((s, e) => evolve(s, e), null);
}
