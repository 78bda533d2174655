/** The state of a dossier, derived from its events by `evolve` (evolve.ts). Plain JSON data. */

import type { Channel, FeeStage, RatingCriterion, RatingScore, ResultMethod } from './commands.ts';
import type { Assignees, EventType, StepMarks, StepSnapshot } from './events.ts';
import type { DossierStatus, StoredFlag } from './status.ts';

export interface OpenConsultation {
  consultationId: string;
  /** Step that opened it. */
  stepId: string;
  agencyCode: string;
  openedAt: number;
  due: number | null;
  /** Linked child dossier at the consulted agency (hồ sơ liên thông), if one was opened. */
  childDossierId: string | null;
}

export interface FeeRecord {
  stage: FeeStage;
  amount: number;
  requestedAt: number;
  paidAt: number | null;
}

export interface LastAction {
  type: EventType;
  actorId: string;
  at: number;
  /** Present when the action can be rolled back (forward, send_back, finish). */
  undo: StepSnapshot | null;
}

export interface DossierState {
  dossierId: string;
  /** Increases by one per accepted command; the optimistic-concurrency token. */
  version: number;
  status: DossierStatus;
  /** Stored flags, sorted; time flags come from timeFlags(). */
  flags: StoredFlag[];
  channel: Channel;
  applicantId: string;
  receivingAgencyCode: string;
  applicantCommuneCode: string | null;
  receivingAuthorityCode: string | null;

  currentStep: string | null;
  stepAgencyCode: string | null;
  stepDue: number | null;
  /** Steps visited, in order, the current one last (send_back targets come from here). */
  path: string[];
  assignees: Assignees;
  marks: StepMarks;
  consultations: OpenConsultation[];

  receivedAt: number | null;
  /** Start of the legal clock: receipt, or the complete supplement after a restart (art. 19(5)). */
  clockStart: number | null;
  /** Appointment (hẹn trả kết quả). */
  due: number | null;
  /** Appointment printed on the receipt, before any restart or extension. */
  originalDue: number | null;
  pauses: { from: number; to: number }[];
  pausedSince: number | null;
  /** Status to return to after a fee is paid. */
  resumeStatus: DossierStatus | null;

  supplementCount: number;
  supplementPhase: 'reception' | 'processing' | null;
  supplementRequestedAt: number | null;
  supplementItems: string[];
  extensionCount: number;
  fees: FeeRecord[];

  outcome: 'granted' | 'refused' | null;
  resultAt: number | null;
  returnedAt: number | null;
  returnMethod: ResultMethod | null;
  rating: {
    scores: Partial<Record<RatingCriterion, RatingScore>>;
    answers?: Partial<Record<RatingCriterion, string>>;
    comment: string | null;
    at: number;
  } | null;
  closedReason: 'withdrawn' | 'supplement_timeout' | null;
  lastAction: LastAction | null;
}

export function snapshotOf(s: DossierState): StepSnapshot {
  return {
    status: s.status,
    currentStep: s.currentStep,
    stepAgencyCode: s.stepAgencyCode,
    stepDue: s.stepDue,
    path: [...s.path],
    assignees: {
      main: s.assignees.main,
      coordinators: [...s.assignees.coordinators],
      observers: [...s.assignees.observers],
    },
    marks: { ...s.marks },
    outcome: s.outcome,
    resultAt: s.resultAt,
  };
}

export function storedFlags(s: DossierState): StoredFlag[] {
  const out: StoredFlag[] = [];
  if (s.extensionCount > 0) out.push('extended');
  if (s.consultations.length > 0) out.push('in_consultation');
  if (s.pausedSince !== null) out.push('paused');
  if (s.supplementCount > 0) out.push('supplement_used');
  return out;
}
