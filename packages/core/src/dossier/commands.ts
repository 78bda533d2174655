/** Commands a dossier accepts (lệnh). Each carries the actor and the moment `now` (no clock inside). */

import type { Moment } from '../calendar/index.ts';
import type { ReceivedDocument } from './events.ts';

export const COMMAND_TYPES = [
  'submit',
  'receive',
  'request_supplement',
  'supplement_provided',
  'refuse',
  'claim',
  'assign',
  'forward',
  'send_back',
  'consult',
  'consultation_result',
  'approve',
  'sign',
  'rollback',
  'request_fee',
  'fee_paid',
  'extend',
  'withdraw',
  'stop',
  'finish',
  'return_result',
  'rate',
  'close_incomplete',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** Who acts. Applicants carry the role `applicant`; background jobs the role `system`. */
export interface DossierActor {
  userId: string;
  roles: readonly string[];
  agencyCode: string | null;
  /** For leaders: the agencies below their own (divisions of a department), which they also lead. */
  ledAgencyCodes?: readonly string[];
}

export const CHANNELS = ['online', 'counter', 'postal'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Fee stages: one payment, or an advance (tạm ứng) then a settlement (quyết toán). fee_paid confirms each. */
export const FEE_STAGES = ['full', 'advance', 'settlement'] as const;
export type FeeStage = (typeof FEE_STAGES)[number];

/** Rating criteria of Decree 118/2025 art. 33(a)–(i). */
export const RATING_CRITERIA = [
  'time_vs_limit',
  'agencies_contacted',
  'contacts_needed',
  'information_accuracy',
  'staff_attitude',
  'result_legality_and_cost',
  'explanation_quality',
  'online_service_quality',
  'other',
] as const;
export type RatingCriterion = (typeof RATING_CRITERIA)[number];
/** Scores as in Circular 01/2018 arts. 13–14: 2 satisfied, 1 acceptable, 0 not satisfied. */
export type RatingScore = 0 | 1 | 2;

export const RESULT_METHODS = ['counter', 'post', 'online'] as const;
export type ResultMethod = (typeof RESULT_METHODS)[number];

export const CONSULTATION_OUTCOMES = ['agreed', 'disagreed', 'answered'] as const;
export type ConsultationOutcome = (typeof CONSULTATION_OUTCOMES)[number];

/**
 * `note` is the officer's internal note (staff only); `message` is what the applicant is told
 * (Decree 118/2025 art. 17(2), 19(5)–(6), 21, 22: supplement reasons, refusal reasons, a new
 * appointment, the result). The applicant's views never carry another person's `note`.
 */
type C<T extends CommandType, P = object> = {
  type: T;
  actor: DossierActor;
  now: Moment;
  note?: string;
  message?: string;
} & P;

export type Command =
  | C<
      'submit',
      {
        dossierId: string;
        applicantId: string;
        channel: Channel;
        receivingAgencyCode: string;
        applicantCommuneCode?: string | null;
        /** The agency the receiving one-stop unit belongs to (resolves `receiving_authority` steps). */
        receivingAuthorityCode?: string | null;
      }
    >
  /** Giấy tiếp nhận hồ sơ và hẹn trả kết quả (form 01). `due` overrides the computed appointment. */
  | C<'receive', { due?: Moment; checklist?: ReceivedDocument[] }>
  /** Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (form 02): everything missing, once. */
  | C<'request_supplement', { items: string[] }>
  /** `due` overrides the restarted appointment (art. 19(5)). */
  | C<'supplement_provided', { due?: Moment }>
  /** Phiếu từ chối (form 03) at reception; during processing a written refusal becomes the result. */
  | C<'refuse', { reasons: string[] }>
  | C<'claim'>
  | C<'assign', { main: string; coordinators?: string[]; observers?: string[] }>
  /** `toStep` other than the computed next step is a leader's jump. `assignee` pre-assigns the next step. */
  | C<'forward', { toStep?: string; assignee?: string; stepDue?: Moment }>
  | C<'send_back', { toStep: string; assignee?: string; stepDue?: Moment }>
  | C<'consult', { targets: { consultationId: string; agencyCode?: string; due?: Moment; childDossierId?: string }[] }>
  | C<'consultation_result', { consultationId: string; outcome: ConsultationOutcome }>
  /** `opinion`: the leader's optional opinion (ý kiến phê duyệt), kept on the event for staff. */
  | C<'approve', { opinion?: string }>
  /**
   * Confirms the approved result file. Not a digital signature yet (issue 18): the name stays for
   * API stability. `documentId`, when given, must be the current result file's attachment id.
   */
  | C<'sign', { documentId?: string }>
  | C<'rollback'>
  | C<'request_fee', { stage: FeeStage; amount: number }>
  | C<'fee_paid', { paymentRef?: string; due?: Moment }>
  /** Văn bản xin lỗi và đề nghị gia hạn (form 04). */
  | C<'extend', { newDue: Moment; reason: string }>
  | C<'withdraw', { reason?: string }>
  /** Thông báo dừng giải quyết hồ sơ (form 05), Decree 118 art. 21. */
  | C<'stop', { reason: string }>
  | C<'finish'>
  | C<'return_result', { method: ResultMethod }>
  /** `answers` on each criterion's own scale (rating.ts); `scores` (points 0/1/2) for devices that only give points. */
  | C<
      'rate',
      {
        answers?: Partial<Record<RatingCriterion, string>>;
        scores?: Partial<Record<RatingCriterion, RatingScore>>;
        comment?: string;
      }
    >
  | C<'close_incomplete'>;

export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
