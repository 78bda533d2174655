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

export interface StepMarks {
  approved: boolean;
  signed: boolean;
}

type E<T extends string, P = object> = { type: T; version: number; at: number; actorId: string; note?: string } & P;

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
  | E<'received', { due: number | null }>
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
  | E<'approved'>
  | E<'signed', { documentId: string | null }>
  | E<'rolled_back', { restore: StepSnapshot; rolledBack: DossierEvent['type'] }>
  | E<'fee_requested', { stage: FeeStage; amount: number }>
  | E<'fee_paid', { paymentRef: string | null; due: number | null; stepDue: number | null }>
  | E<'extended', { newDue: number; previousDue: number; reason: string }>
  | E<'withdrawal_requested', { reason: string | null; beforeReceipt: boolean }>
  | E<'stopped', { reason: string }>
  | E<'finished', { undo: StepSnapshot }>
  | E<'result_returned', { method: ResultMethod }>
  | E<'rated', { scores: Partial<Record<RatingCriterion, RatingScore>>; comment: string | null }>
  | E<'closed_incomplete'>;

export type EventType = DossierEvent['type'];
