/**
 * The applicant's view of their dossier (server-side: the API never sends them more). Officers'
 * notes are internal; the applicant is told what Decree 118/2025 says they are told, and no staff
 * member's name:
 * - art. 17(2)–(3): acceptance with the receipt and the appointment, or the supplement request;
 * - art. 16(3), 19(5), Circular 03/2025 form 02: everything to supplement and the reason;
 * - form 03: the reasons of a refusal;
 * - art. 19(6), form 04: the apology, its reason and the new appointment;
 * - art. 21, form 05: the stop and its reason;
 * - art. 22: the result, returned at the counter, by post or electronically;
 * plus the officer's `message` to the applicant on any action, and the applicant's own notes.
 */

import type { DossierEvent, FeeStage, ResultMethod } from '@motcua/core';

/** Events the applicant sees in their history; the others (claims, assignments, approvals, internal
 *  consultations, send-backs, rollbacks) are the agencies' internal work. */
const APPLICANT_EVENTS = new Set<DossierEvent['type']>([
  'submitted',
  'received',
  'supplement_requested',
  'supplement_provided',
  'refused',
  'forwarded',
  'fee_requested',
  'fee_paid',
  'extended',
  'withdrawal_requested',
  'stopped',
  'finished',
  'result_returned',
  'rated',
  'closed_incomplete',
]);

/** Flags an applicant reads; the rest (step overdue, consultations, supplement used) are internal. */
const APPLICANT_FLAGS = new Set(['paused', 'extended', 'overdue']);

const iso = (d: number | null | undefined) => (d === null || d === undefined ? null : new Date(d).toISOString());

/** What the event says to the applicant, by type: only what the law says they are told. */
export type PublicDetails = {
  due?: string | null;
  items?: string[];
  reasons?: string[];
  stage?: FeeStage;
  amount?: number;
  newDue?: string | null;
  previousDue?: string | null;
  reason?: string | null;
  method?: ResultMethod;
};

function publicDetails(e: DossierEvent): PublicDetails {
  switch (e.type) {
    case 'received':
      return { due: iso(e.due) };
    case 'supplement_requested':
      return { items: e.items };
    case 'supplement_provided':
      return { due: iso(e.due) };
    case 'refused':
      return { reasons: e.reasons };
    case 'fee_requested':
      return { stage: e.stage, amount: e.amount };
    case 'extended':
      return { newDue: iso(e.newDue), previousDue: iso(e.previousDue), reason: e.reason };
    case 'withdrawal_requested':
      return { reason: e.reason };
    case 'stopped':
      return { reason: e.reason };
    case 'result_returned':
      return { method: e.method };
    default:
      return {};
  }
}

export type HistoryRow = {
  version: number;
  type: string;
  at: Date;
  actor_user_id: string | null;
  actor_agency_name: string | null;
  status_after: string;
  note: string | null;
  event: unknown;
  attachment_ids: string[];
};

type StepNames = (id: string) => { id: string; name_vi: string; name_en: string | null } | null;

/** The applicant's history: public events only, no officer's note or name, the public content of each. */
export function applicantHistory<StatusView>(
  rows: HistoryRow[],
  applicantUserId: string | null,
  stepNames: StepNames,
  agencyName: (code: string | null) => string | null,
  statusView: (status: string) => StatusView,
) {
  return rows
    .filter((r) => APPLICANT_EVENTS.has(r.type as DossierEvent['type']))
    .map((r) => {
      const e = r.event as DossierEvent;
      const own = applicantUserId !== null && r.actor_user_id === applicantUserId;
      const forwarded = e.type === 'forwarded' ? e : null;
      return {
        version: r.version,
        type: r.type,
        at: r.at.toISOString(),
        /** The applicant themself, or the agency that acted (never a staff member's name). */
        actor: own
          ? { self: true, name: null, agency: null }
          : { self: false, name: null, agency: r.actor_agency_name },
        step: forwarded ? stepNames(forwarded.toStep) : null,
        stepAgency: forwarded ? agencyName(forwarded.stepAgencyCode) : null,
        statusAfter: statusView(r.status_after),
        /** Only the applicant's own note; an officer's note is internal. */
        note: own ? r.note : null,
        /** What the officer chose to tell the applicant. */
        message: typeof e.message === 'string' ? e.message : null,
        details: publicDetails(e),
        // Files of the dossier the event is about (the supplement, the returned result): theirs to see.
        attachmentIds: r.attachment_ids,
      };
    });
}

type FullDetail = {
  currentStep: { id: string; name_vi: string; name_en: string | null; agency: unknown } | null;
  flags: { id: string }[];
  [k: string]: unknown;
};

/** The dossier as its applicant sees it: no assignees, consultations, internal marks or step deadlines. */
export function applicantDossierView<T extends FullDetail>(d: T) {
  const {
    assignees: _assignees,
    consultations: _consultations,
    marks: _marks,
    workflow: _workflow,
    path: _path,
    currentStep,
    flags,
    ...rest
  } = d;
  return {
    ...rest,
    flags: flags.filter((f) => APPLICANT_FLAGS.has(f.id)) as T['flags'],
    currentStep: currentStep
      ? {
          id: currentStep.id,
          name_vi: currentStep.name_vi,
          name_en: currentStep.name_en,
          agency: currentStep.agency as NonNullable<T['currentStep']>['agency'],
        }
      : null,
  };
}
