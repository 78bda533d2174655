import {
  CHANNELS,
  DOSSIER_FLAGS,
  DOSSIER_STATUSES,
  FACT_ORIGINS,
  FEE_STAGES,
  RESULT_METHODS,
  STEP_ACTIONS,
  SUB_STATUS_IDS,
  type SubStatus,
} from '@motcua/core';
import { z } from 'zod';

/**
 * The dossier routes' responses as zod schemas: the OpenAPI document (and so the web's generated
 * `schema.d.ts`) describes them field by field, and the serializer checks every answer against
 * them. Objects we build are strict — a field the views add without saying so here is a 500 in the
 * tests, not an undocumented field — while the JSON kept from the state or the e-form (marks,
 * events, form data) stays open. Statuses, flags and methods are core's lists.
 */

const Moment = z.iso.datetime();
const MaybeMoment = Moment.nullable();
const Status = z.enum(DOSSIER_STATUSES);
const Channel = z.enum(CHANNELS);
const Json = z.record(z.string(), z.unknown());

const StatusView = {
  status: Status,
  /** The national portal's status code (1–10); null for `closed`, which the portal does not know. */
  nationalCode: z.int().min(1).max(10).nullable(),
  label_vi: z.string(),
  label_en: z.string(),
};
const StatusAfter = z.strictObject(StatusView);

const SubStatusView = z
  .strictObject({
    id: z.enum(SUB_STATUS_IDS as [SubStatus, ...SubStatus[]]),
    label_vi: z.string(),
    label_en: z.string(),
  })
  .nullable();

/** Remaining working time ("còn 2 ngày 3 giờ"), negative `ms` when overdue. */
export const RemainingView = z
  .strictObject({
    ms: z.number(),
    overdue: z.boolean(),
    days: z.int(),
    hours: z.int(),
    minutes: z.int(),
    text_vi: z.string(),
    text_en: z.string(),
  })
  .nullable();

const AgencyRef = z.strictObject({ id: z.uuid(), code: z.string(), name: z.string() });
const UserRef = z.strictObject({ id: z.uuid(), name: z.string().nullable() });
const Clock = z.enum(['not_started', 'running', 'paused', 'stopped']);
const Settlement = z
  .strictObject({
    kind: z.enum(['early', 'on_time', 'late']),
    at: MaybeMoment,
    label_vi: z.string(),
    label_en: z.string(),
  })
  .nullable();
const ResultFileRef = z.strictObject({ attachmentId: z.uuid(), sha256: z.string() });
const LegalLimit = z
  .union([
    z.strictObject({ days: z.number() }),
    z.strictObject({ hours: z.number() }),
    z.strictObject({ calendarDays: z.number() }),
  ])
  .nullable();
const Applicant = z.looseObject({
  kind: z.enum(['citizen', 'organization']),
  name: z.string(),
  idNumber: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  address: z.string().nullable().optional(),
  residenceCommuneId: z.string().nullable().optional(),
});

const StepConsultation = z.looseObject({ id: z.string(), name_vi: z.string(), name_en: z.string().optional() });

const CurrentStep = z
  .strictObject({
    id: z.string(),
    name_vi: z.string(),
    name_en: z.string().nullable(),
    role: z.string(),
    agency: AgencyRef.nullable(),
    due: MaybeMoment,
    remaining: RemainingView,
    actions: z.array(z.enum(STEP_ACTIONS)),
    consultations: z.array(StepConsultation),
    final: z.boolean(),
  })
  .nullable();

const detailShape = {
  id: z.uuid(),
  code: z.string(),
  version: z.int(),
  ...StatusView,
  subStatus: SubStatusView,
  flags: z.array(z.strictObject({ id: z.enum(DOSSIER_FLAGS), label_vi: z.string(), label_en: z.string() })),
  channel: Channel,
  procedure: z.strictObject({ id: z.uuid(), versionId: z.uuid(), name: z.string(), field: z.string().nullable() }),
  legalLimit: LegalLimit,
  applicant: Applicant,
  applicantUserId: z.uuid().nullable(),
  formData: Json,
  /** E-form fields whose value came verified from VNeID or a national register: path → origin (issue 17). */
  verifiedFields: z.record(z.string(), z.enum(FACT_ORIGINS)),
  receivingAgency: AgencyRef.nullable(),
  submittedAt: Moment,
  receivedAt: MaybeMoment,
  clockStart: MaybeMoment,
  due: MaybeMoment,
  originalDue: MaybeMoment,
  remaining: RemainingView,
  clock: Clock,
  settlement: Settlement,
  currentStep: CurrentStep,
  assignees: z.strictObject({
    main: UserRef.nullable(),
    coordinators: z.array(UserRef),
    observers: z.array(UserRef),
  }),
  consultations: z.array(
    z.strictObject({
      consultationId: z.string(),
      stepId: z.string(),
      agencyCode: z.string(),
      openedAt: Moment,
      due: MaybeMoment,
      childDossierId: z.uuid().nullable(),
      agency: AgencyRef.nullable(),
    }),
  ),
  /** Approval and confirmation of the current step, with the result file each covered. */
  marks: z.looseObject({
    approved: z.boolean(),
    signed: z.boolean(),
    approvedResult: ResultFileRef.nullable().optional(),
    /** The leader's opinion given with the approval (staff only). */
    approvalOpinion: z.string().nullable().optional(),
    signedResult: ResultFileRef.nullable().optional(),
  }),
  /** The current result file (newest of kind `result`); staff only, null for the applicant. */
  resultFile: ResultFileRef.nullable(),
  /** The frozen procedure version's document list. */
  documents: z.array(z.strictObject({ index: z.int(), name: z.string() })),
  supplement: z.strictObject({ count: z.int(), items: z.array(z.string()), requestedAt: MaybeMoment }),
  extensionCount: z.int(),
  fees: z.array(
    z.strictObject({ stage: z.enum(FEE_STAGES), amount: z.number(), requestedAt: Moment, paidAt: MaybeMoment }),
  ),
  outcome: z.enum(['granted', 'refused']).nullable(),
  resultAt: MaybeMoment,
  returnedAt: MaybeMoment,
  returnMethod: z.enum(RESULT_METHODS).nullable(),
  rating: z
    .looseObject({
      scores: z.record(z.string(), z.number()),
      answers: z.record(z.string(), z.string()).optional(),
      comment: z.string().nullable(),
      at: Moment,
    })
    .nullable(),
  closedReason: z.enum(['withdrawn', 'supplement_timeout']).nullable(),
  workflow: z.array(
    z.strictObject({ id: z.string(), name_vi: z.string(), name_en: z.string().nullable(), final: z.boolean() }),
  ),
  /** Steps visited, the current one last. */
  path: z.array(z.string()),
  /** Commands the caller may issue now (core decide asked with minimal payloads). */
  availableActions: z.array(z.string()),
};

/** The dossier as its officers see it. */
export const OfficerDossierDetail = z.strictObject(detailShape).meta({ id: 'OfficerDossierDetail' });

/** The dossier as its applicant sees it (dossier.applicant.ts): no assignees, consultations, marks or step deadlines. */
export const ApplicantDossierDetail = z
  .strictObject({
    ...detailShape,
    currentStep: z
      .strictObject({
        id: z.string(),
        name_vi: z.string(),
        name_en: z.string().nullable(),
        agency: AgencyRef.nullable(),
      })
      .nullable(),
  })
  .omit({ assignees: true, consultations: true, marks: true, workflow: true, path: true })
  .meta({ id: 'ApplicantDossierDetail' });

// Officer first: an applicant's view lacks the officer fields, and an officer's has fields the strict applicant schema refuses.
export const DossierDetailResponse = z.union([OfficerDossierDetail, ApplicantDossierDetail]);

const StepName = z.strictObject({ id: z.string(), name_vi: z.string(), name_en: z.string().nullable() }).nullable();

export const OfficerHistoryItem = z
  .strictObject({
    version: z.int(),
    type: z.string(),
    at: Moment,
    actor: z.strictObject({ id: z.uuid().nullable(), name: z.string().nullable(), agency: z.string().nullable() }),
    step: StepName,
    statusAfter: StatusAfter,
    /** Internal note: staff only. */
    note: z.string().nullable(),
    /** What the applicant was told with this event. */
    message: z.string().nullable(),
    /** The stored event (core DossierEvent). */
    event: z.looseObject({ type: z.string() }),
    attachmentIds: z.array(z.uuid()),
  })
  .meta({ id: 'OfficerHistoryItem' });

export const ApplicantHistoryItem = z
  .strictObject({
    version: z.int(),
    type: z.string(),
    at: Moment,
    /** The applicant themself, or the agency that acted; never a staff member's name. */
    actor: z.strictObject({
      self: z.boolean(),
      /** Always null: no staff name. */ name: z.string().nullable(),
      agency: z.string().nullable(),
    }),
    step: StepName,
    stepAgency: z.string().nullable(),
    statusAfter: StatusAfter,
    note: z.string().nullable(),
    message: z.string().nullable(),
    /** What the law says the applicant is told of this event (dossier.applicant.ts publicDetails). */
    details: z.strictObject({
      due: MaybeMoment.optional(),
      items: z.array(z.string()).optional(),
      reasons: z.array(z.string()).optional(),
      stage: z.enum(FEE_STAGES).optional(),
      amount: z.number().optional(),
      newDue: MaybeMoment.optional(),
      previousDue: MaybeMoment.optional(),
      reason: z.string().nullable().optional(),
      method: z.enum(RESULT_METHODS).optional(),
    }),
    attachmentIds: z.array(z.uuid()),
  })
  .meta({ id: 'ApplicantHistoryItem' });

export const HistoryResponse = z.strictObject({ items: z.array(z.union([OfficerHistoryItem, ApplicantHistoryItem])) });

export const QueueItem = z
  .strictObject({
    id: z.uuid(),
    code: z.string(),
    procedureName: z.string(),
    applicantName: z.string(),
    channel: Channel,
    ...StatusView,
    subStatus: SubStatusView,
    /** Stored flags (`paused`, `in_consultation`, `extended`, `supplement_used`). */
    flags: z.array(z.string()),
    currentStep: z.string().nullable(),
    stepAgency: z.strictObject({ id: z.uuid(), name: z.string().nullable() }).nullable(),
    mainAssigneeId: z.uuid().nullable(),
    stepDue: MaybeMoment,
    due: MaybeMoment,
    submittedAt: Moment,
    stepRemaining: RemainingView,
    remaining: RemainingView,
    tone: z.enum(['on_time', 'due_soon', 'overdue']).nullable(),
    clock: Clock,
    version: z.int(),
  })
  .meta({ id: 'QueueItem' });

export const QueuePage = z.strictObject({
  total: z.int(),
  page: z.int(),
  pageSize: z.int(),
  items: z.array(QueueItem),
});

export const QueueCounts = z.strictObject({
  mine: z.int(),
  unit_unclaimed: z.int(),
  due_soon: z.int(),
  overdue: z.int(),
  consultation: z.int(),
  reception: z.int(),
  transfer: z.int(),
  return: z.int(),
});

/** A submission's answer: the code and, once, the lookup secret printed on the receipt. */
export const SubmitResponse = z.strictObject({
  id: z.uuid(),
  code: z.string(),
  lookupSecret: z.string(),
  version: z.int(),
  status: Status,
});

/** A command's answer: the dossier's new version and status. */
export const ActionResponse = z.strictObject({ id: z.uuid(), code: z.string(), version: z.int(), status: Status });

export const KnownApplicantResponse = z.strictObject({
  kind: z.enum(['citizen', 'organization']),
  name: z.string(),
  idNumber: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  address: z.string().nullable(),
  residenceCommuneId: z.string().nullable(),
  source: z.enum(['account', 'dossier', 'population_register', 'business_registry']),
  hasAccount: z.boolean(),
  lastDossier: z.strictObject({ code: z.string(), procedureName: z.string(), submittedAt: Moment }).nullable(),
  register: z
    .strictObject({
      source: z.enum(['population_register', 'business_registry']),
      name: z.string(),
      dateOfBirth: z.string().nullable(),
      sex: z.enum(['male', 'female']).nullable(),
      permanentResidence: z.string().nullable(),
      currentResidence: z.string().nullable(),
      householdHeadName: z.string().nullable(),
      legalRepresentative: z.string().nullable(),
    })
    .nullable(),
  registerFailure: z.enum(['not_found', 'timeout', 'unavailable', 'invalid_response', 'refused']).nullable(),
});

/** The public lookup: no personal data (issue 4). */
export const PublicLookupResponse = z.strictObject({
  code: z.string(),
  procedure: z.string(),
  ...StatusView,
  subStatus: SubStatusView,
  receivingAgency: z.string().nullable(),
  currentStep: z
    .strictObject({ name_vi: z.string(), name_en: z.string().nullable(), agency: z.string().nullable() })
    .nullable(),
  submittedAt: Moment,
  receivedAt: MaybeMoment,
  appointment: MaybeMoment,
  clock: Clock,
  settlement: Settlement,
  overdue: z.boolean(),
  resultReadyAt: MaybeMoment,
  returnedAt: MaybeMoment,
});
