import type { paths } from './schema.d.ts';

/**
 * Names for the generated API types (schema.d.ts, `npm run gen:api`) the pages use: every type here
 * is derived from the server's OpenAPI document, none is written by hand.
 */

type DossierListQuery = NonNullable<paths['/api/v1/dossiers']['get']['parameters']['query']>;
/** The legal statuses of a dossier, as the API lists them (core DOSSIER_STATUSES). */
export type DossierStatus = NonNullable<DossierListQuery['status']>;
/** The officials' work queues. */
export type Queue = NonNullable<DossierListQuery['queue']>;
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

type Ok<T> = T extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;

/** A page of a work queue (GET /dossiers). */
export type QueuePage = Ok<paths['/api/v1/dossiers']['get']>;
export type QueueItem = QueuePage['items'][number];
/** Remaining working time as the server words it ("còn 2 ngày 3 giờ"). */
export type Remaining = NonNullable<QueueItem['remaining']>;
export type Tone = NonNullable<QueueItem['tone']>;
/** Where the legal clock stands. */
export type Clock = QueueItem['clock'];

/** GET /dossiers/{id}: the officers' view or, for its applicant, the applicant's view. */
export type DossierView = Ok<paths['/api/v1/dossiers/{id}']['get']>;
export type OfficerDossierDetail = Extract<DossierView, { assignees: unknown }>;
export type ApplicantDossierDetail = Exclude<DossierView, { assignees: unknown }>;
/** Fields both views have. */
export type DossierDetail = ApplicantDossierDetail | OfficerDossierDetail;
export const isOfficerView = (d: DossierView): d is OfficerDossierDetail => 'assignees' in d;
export type AgencyRef = NonNullable<OfficerDossierDetail['receivingAgency']>;

/** An entry of a dossier's history: officers' or, for its applicant, the public one. */
export type HistoryItem = Ok<paths['/api/v1/dossiers/{id}/history']['get']>['items'][number];

export type Attachment = Ok<paths['/api/v1/dossiers/{id}/attachments']['get']>['items'][number];
/** The public lookup's answer (no personal data). */
export type PublicLookup = Ok<paths['/api/v1/lookup']['get']>;
/** A walk-in applicant found by ID number at the counter. */
export type KnownApplicant = Ok<paths['/api/v1/counter/applicants']['get']>;
/** A walk-in dossier received at the counter: its code and, once, the lookup secret. */
export type CounterReceipt = paths['/api/v1/counter/dossiers']['post']['responses'][201]['content']['application/json'];
