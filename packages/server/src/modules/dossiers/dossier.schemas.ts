import {
  CONSULTATION_OUTCOMES,
  DOSSIER_STATUSES,
  FEE_STAGES,
  RATING_CRITERIA,
  RATING_SCALES,
  RESULT_METHODS,
} from '@motcua/core';
import { z } from 'zod';
import { QUEUES } from './dossier.queues.ts';
import { Checklist } from './dossier.reception.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
/** A moment given by the client (ISO 8601 with offset), parsed into a Date by zod. */
const moment = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const list = (max: number) => z.array(text(2000)).min(1).max(max);

export const DossierIdParams = z.strictObject({ id: z.uuid() });

/** Every command carries a key; a retry with the same key gets the first answer (and acts once). */
export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(8)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII'),
});

const ApplicantContact = z.strictObject({
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .-]{8,20}$/)
    .optional(),
  email: z.email().optional(),
  address: text(500).optional(),
  residenceCommuneId: z.uuid().optional(),
});

export const OnlineSubmitBody = z.strictObject({
  procedureId: z.uuid(),
  agencyId: z.uuid().nullable().optional(),
  formData: z.record(z.string(), z.unknown()).default({}),
  applicant: ApplicantContact.optional(),
  draftId: z.uuid().optional(),
  note: text(2000).optional(),
});

/** CCCD (12 digits), old ID (9), tax code (10, or 13 as 10-3). */
const IdNumber = z
  .string()
  .trim()
  .regex(/^[0-9]{9,13}(-[0-9]{3})?$/);

export const ApplicantLookupQuery = z.strictObject({ idNumber: IdNumber });

export const CounterSubmitBody = z.strictObject({
  procedureId: z.uuid(),
  agencyId: z.uuid().nullable().optional(),
  channel: z.enum(['counter', 'postal']).optional(),
  formData: z.record(z.string(), z.unknown()).default({}),
  applicant: ApplicantContact.extend({
    kind: z.enum(['citizen', 'organization']).default('citizen'),
    name: text(300),
    idNumber: IdNumber.optional(),
  }),
  note: text(2000).optional(),
  /** The components checked in front of the applicant (Decree 118/2025 art. 17(3)). */
  checklist: Checklist.optional(),
});

const base = {
  version: z.int().positive(),
  /** Internal note (staff only): never shown to the applicant. */
  note: text(2000).optional(),
  /** What the applicant is told with this action (supplement reason, refusal, new appointment, result). */
  message: text(2000).optional(),
  /** Files of this dossier that the action is about (the supplement, the signed result…), kept in its history. */
  attachmentIds: z.array(z.uuid()).max(50).optional(),
};
const cmd = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...base, ...shape });

export const ActionBody = z.discriminatedUnion('type', [
  cmd('receive', { due: moment.optional(), checklist: Checklist.optional() }),
  cmd('request_supplement', { items: list(50) }),
  cmd('supplement_provided', { due: moment.optional() }),
  cmd('refuse', { reasons: list(20) }),
  cmd('claim', {}),
  cmd('assign', {
    main: z.uuid(),
    coordinators: z.array(z.uuid()).max(20).optional(),
    observers: z.array(z.uuid()).max(20).optional(),
  }),
  cmd('forward', { toStep: text(100).optional(), assignee: z.uuid().optional(), stepDue: moment.optional() }),
  cmd('send_back', { toStep: text(100), assignee: z.uuid().optional(), stepDue: moment.optional() }),
  cmd('consult', {
    targets: z
      .array(
        z.strictObject({
          consultationId: text(100),
          agencyCode: text(40).optional(),
          due: moment.optional(),
          /** Open a linked child dossier at the consulted agency (hồ sơ liên thông) and wait for its result. */
          openChildDossier: z.boolean().optional(),
        }),
      )
      .min(1)
      .max(10),
  }),
  cmd('consultation_result', { consultationId: text(100), outcome: z.enum(CONSULTATION_OUTCOMES) }),
  /** Needs the result file attached (kind `result`) at a step that signs; `opinion` is kept for staff. */
  cmd('approve', { opinion: text(2000).optional() }),
  /** "Xác nhận văn bản kết quả (chưa ký số)": confirms the approved result file; no digital signature yet (issue 18). */
  cmd('sign', { documentId: text(200).optional() }),
  cmd('rollback', {}),
  cmd('request_fee', { stage: z.enum(FEE_STAGES), amount: z.int().min(0).max(1_000_000_000_000) }),
  cmd('fee_paid', { paymentRef: text(200).optional() }),
  cmd('extend', { newDue: moment, reason: text(2000) }),
  cmd('withdraw', { reason: text(2000).optional() }),
  cmd('stop', { reason: text(2000) }),
  cmd('finish', {}),
  cmd('return_result', { method: z.enum(RESULT_METHODS) }),
  // Each criterion answered on its own scale (core rating.ts, Decree 118/2025 art. 33), e.g.
  // contacts_needed: one | two | three_or_more; staff_attitude: very_satisfied … very_dissatisfied.
  // `scores` (Circular 01/2018 points 0/1/2) stays for devices that give points only; never both.
  cmd('rate', {
    answers: z
      .partialRecord(z.enum(RATING_CRITERIA), z.string().max(40))
      .superRefine((a, ctx) => {
        for (const [k, v] of Object.entries(a)) {
          const scale = RATING_SCALES[k as keyof typeof RATING_SCALES];
          if (!scale.some((o) => o.value === v)) {
            ctx.addIssue({
              code: 'custom',
              path: [k],
              message: `Một trong / one of: ${scale.map((o) => o.value).join(', ')}`,
            });
          }
        }
      })
      .optional(),
    scores: z.partialRecord(z.enum(RATING_CRITERIA), z.union([z.literal(0), z.literal(1), z.literal(2)])).optional(),
    comment: text(2000).optional(),
  }),
  cmd('close_incomplete', {}),
]);

export const QueueQuerySchema = z.strictObject({
  queue: z.enum(QUEUES).default('all'),
  q: z.string().trim().max(200).optional(),
  status: z.enum(DOSSIER_STATUSES).optional(),
  procedureId: z.uuid().optional(),
  withinHours: z.coerce.number().positive().max(1000).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const LookupQuery = z
  .strictObject({
    code: text(60),
    secret: z.string().trim().min(4).max(40).optional(),
    phone: z.string().trim().min(8).max(20).optional(),
  })
  .refine((q) => q.secret !== undefined || q.phone !== undefined, {
    message: 'Cần mật khẩu tra cứu hoặc số điện thoại / secret or phone required',
    path: ['secret'],
  });
