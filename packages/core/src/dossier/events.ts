/**
 * Events (sự kiện), the append-only history of a dossier. Each accepted command yields exactly one
 * event carrying every value evolve needs (computed deadlines, resolved agencies, undo snapshots),
 * so replaying events needs no workflow, calendar or clock.
 */

import type { Channel, ConsultationOutcome, FeeStage, RatingCriterion, RatingScore, ResultMethod } from './commands.ts';
import type { DossierStatus } from './status.ts';

/** What a rollback restores: the step-related part of the state before the rolled-back action. */
export interface StepSnapshot {
  status: DossierStatus;
  currentStep: string | null;
  stepAgencyCode: string | null;
  stepDue: number | null;
  path: string[];
  assignees: Assignees;
  marks: StepMarks;
  outcome: 'granted' | 'refused' | null;
  resultAt: number | null;
}

/** Step assignees: chủ trì (main), phối hợp (coordinators), theo dõi (observers). */
export interface Assignees {
  main: string | null;
  coordinators: string[];
  observers: string[];
}

/**
 * One document as the receptionist checked it at reception (Decree 118/2025 art. 17(3): the receipt
 * lists what was received): the procedure's document by name, how many originals and copies.
 */
export interface ReceivedDocument {
  name: string;
  original: number;
  copy: number;
}

/** A result file as approved or confirmed: which attachment, and its content's SHA-256. */
export interface ResultFileRef {
  attachmentId: string;
  sha256: string;
}

export interface StepMarks {
  approved: boolean;
  signed: boolean;
  /** The result file the approval covered (null: the step approved without a result file). Absent in old states. */
  approvedResult?: ResultFileRef | null;
  /** The leader's opinion given with the approval (ý kiến phê duyệt), for staff. */
  approvalOpinion?: string | null;
  /** The result file the `sign` command confirmed. */
  signedResult?: ResultFileRef | null;
}

/** `note`: internal (staff only); `message`: what the applicant is told (see commands.ts). */
type E<T extends string, P = object> = {
  type: T;
  version: number;
  at: number;
  actorId: string;
  note?: string;
  message?: string;
} & P;

export type DossierEvent =
  | E<
      'submitted',
      {
        dossierId: string;
        applicantId: string;
        channel: Channel;
        receivingAgencyCode: string;
        applicantCommuneCode: string | null;
        receivingAuthorityCode?: string | null;
      }
    >
  | E<'received', { due: number | null; checklist?: ReceivedDocument[] }>
  | E<'supplement_requested', { items: string[]; phase: 'reception' | 'processing' }>
  | E<'supplement_provided', { phase: 'reception' | 'processing'; due: number | null }>
  | E<'refused', { reasons: string[]; phase: 'reception' | 'processing' }>
  | E<'claimed'>
  | E<'assigned', { assignees: Assignees }>
  | E<
      'forwarded',
      {
        toStep: string;
        stepAgencyCode: string | null;
        stepDue: number | null;
        assignee: string | null;
        jump: boolean;
        undo: StepSnapshot;
      }
    >
  | E<
      'sent_back',
      {
        toStep: string;
        stepAgencyCode: string | null;
        stepDue: number | null;
        assignee: string | null;
        undo: StepSnapshot;
      }
    >
  | E<
      'consultation_opened',
      {
        consultations: {
          consultationId: string;
          agencyCode: string;
          due: number | null;
          childDossierId: string | null;
        }[];
      }
    >
  | E<'consultation_closed', { consultationId: string; outcome: ConsultationOutcome }>
  | E<'approved', { resultFile?: ResultFileRef | null; opinion?: string | null }>
  /** `documentId`: the confirmed result file's attachment id (null in events before results were required). */
  | E<'signed', { documentId: string | null; sha256?: string | null }>
  | E<'rolled_back', { restore: StepSnapshot; rolledBack: DossierEvent['type'] }>
  | E<'fee_requested', { stage: FeeStage; amount: number }>
  | E<'fee_paid', { paymentRef: string | null; due: number | null; stepDue: number | null }>
  | E<'extended', { newDue: number; previousDue: number; reason: string }>
  | E<'withdrawal_requested', { reason: string | null; beforeReceipt: boolean }>
  | E<'stopped', { reason: string }>
  | E<'finished', { undo: StepSnapshot }>
  | E<'result_returned', { method: ResultMethod }>
  | E<
      'rated',
      {
        scores: Partial<Record<RatingCriterion, RatingScore>>;
        /** The answers on each criterion's scale (absent in ratings given as points only). */
        answers?: Partial<Record<RatingCriterion, string>>;
        comment: string | null;
      }
    >
  | E<'closed_incomplete'>;

export type EventType = DossierEvent['type'];
