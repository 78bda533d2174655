import type { paths } from './schema.d.ts';

/**
 * Shapes of the dossier views the API returns as open JSON objects (see the server's
 * dossier.views.ts); the rest of the client is typed by the generated schema.d.ts.
 */

type DossierListQuery = NonNullable<paths['/api/v1/dossiers']['get']['parameters']['query']>;
/** The legal statuses of a dossier, as the API lists them (core DOSSIER_STATUSES). */
export type DossierStatus = NonNullable<DossierListQuery['status']>;
/** The officials' work queues. */
export type Queue = NonNullable<DossierListQuery['queue']>;
/** Where the legal clock stands (not described by the schema: the dossier views are open objects). */
export type Clock = 'not_started' | 'running' | 'paused' | 'stopped';
/** How an applicant applies: a citizen or an organization. */
export type ApplicantKind = NonNullable<
  paths['/api/v1/counter/dossiers']['post']['requestBody']['content']['application/json']['applicant']['kind']
>;
/** What an uploaded file is to its dossier. */
export type AttachmentKind =
  paths['/api/v1/dossiers/{id}/attachments']['post']['responses'][201]['content']['application/json']['kind'];
/** How far a procedure can be done online. */
export type OnlineLevel = NonNullable<
  NonNullable<paths['/api/v1/procedures']['get']['parameters']['query']>['onlineLevel']
>;
export type Bilingual = { label_vi: string; label_en: string };
export type Remaining = {
  ms: number;
  overdue: boolean;
  days: number;
  hours: number;
  minutes: number;
  text_vi: string;
  text_en: string;
};
export type Tone = 'on_time' | 'due_soon' | 'overdue';
export type AgencyRef = { id: string; code: string; name: string };

export type QueueItem = {
  id: string;
  code: string;
  procedureName: string;
  applicantName: string;
  channel: string;
  status: DossierStatus;
  label_vi: string;
  label_en: string;
  subStatus: ({ id: string } & Bilingual) | null;
  currentStep: { id: string; name_vi?: string; name_en?: string } | string | null;
  stepAgency: AgencyRef | null;
  mainAssigneeId: string | null;
  stepDue: string | null;
  due: string | null;
  submittedAt: string;
  stepRemaining: Remaining | null;
  remaining: Remaining | null;
  tone: Tone | null;
  /** Stored flags (`paused`, `in_consultation`, …). */
  flags?: string[];
  /** The legal clock, once the queue response carries it (as the dossier detail does). */
  clock?: Clock;
  version: number;
};

export type QueuePage = { total: number; page: number; pageSize: number; items: QueueItem[] };

export type DossierDetail = {
  id: string;
  code: string;
  version: number;
  status: DossierStatus;
  label_vi: string;
  label_en: string;
  subStatus: ({ id: string } & Bilingual) | null;
  flags: ({ id: string } & Partial<Bilingual>)[];
  channel: string;
  procedure: { id: string; versionId: string; name: string; field: string };
  legalLimit: { days?: number; hours?: number } | null;
  applicant: {
    kind: string;
    name: string;
    email: string | null;
    phone: string | null;
    address: string | null;
    idNumber: string | null;
  };
  formData: Record<string, unknown>;
  receivingAgency: AgencyRef | null;
  submittedAt: string;
  due: string | null;
  remaining: Remaining | null;
  currentStep: {
    id: string;
    name_vi: string;
    name_en: string;
    agency: AgencyRef | null;
    due: string | null;
    remaining: Remaining | null;
    role: string;
    actions: string[];
    final: boolean;
    consultations: { id: string; name_vi: string; name_en?: string }[];
  } | null;
  assignees: {
    main: { id: string; name: string | null } | null;
    coordinators: { id: string; name: string | null }[];
    observers: { id: string; name: string | null }[];
  };
  receivedAt: string | null;
  consultations: {
    consultationId: string;
    stepId: string;
    agencyCode: string;
    agency: AgencyRef | null;
    due: string | null;
    childDossierId: string | null;
  }[];
  supplement: { count: number; items: string[]; requestedAt: string | null };
  fees: { stage: string; amount: number; paid?: boolean }[];
  outcome: string | null;
  resultAt: string | null;
  returnedAt: string | null;
  rating: { scores: Record<string, number>; comment?: string } | null;
  workflow: { id: string; name_vi: string; name_en: string; final: boolean }[];
  availableActions: string[];
};

export type HistoryItem = {
  version: number;
  type: string;
  at: string;
  actor: { id: string; name: string; agency: string | null } | null;
  step: string | null;
  statusAfter: { status: DossierStatus } & Bilingual;
  note: string | null;
  event: Record<string, unknown>;
  attachmentIds: string[];
};

export type Attachment = {
  id: string;
  kind: AttachmentKind;
  slot: string;
  versionNo: number;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  uploadedAt: string;
};
