import {
  ALLOWED_COMMANDS,
  type Command,
  type CommandType,
  type DossierActor,
  type DossierState,
  type DossierStatus,
  decide,
  type FactOrigin,
  FLAG_LABELS,
  findStep,
  nationalStatusCode,
  type Remaining,
  type ResultFileRef,
  STATUS_INFO,
  SUB_STATUSES,
  type SubStatus,
  settlementOf,
  timeFlags,
  type WorkCalendar,
  type WorkflowDefinition,
} from '@motcua/core';
import type { Executor } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import { userNames } from '../accounts/accounts.queries.ts';
import { agenciesByCode, agenciesById, agencyColumn } from '../agencies/agencies.queries.ts';
import { applicantDossierView, applicantHistory } from './dossier.applicant.ts';
import { currentResultFile } from './dossier.approval.ts';
import type { LegalLimit } from './dossier.decide.ts';
import { versionDocuments } from './dossier.reception.ts';
import type { Applicant } from './dossier.store.ts';

const iso = (d: Date | number | null | undefined) => (d === null || d === undefined ? null : new Date(d).toISOString());
const isoAt = (d: Date | number) => new Date(d).toISOString();

export type RemainingView = Remaining & { text_vi: string; text_en: string };

/** Remaining working time as officers read it: "còn 2 ngày 3 giờ" / "quá hạn 1 giờ 20 phút". */
export function remainingView(r: Remaining): RemainingView {
  const parts = (d: string, h: string, m: string) =>
    [
      r.days ? `${r.days} ${d}` : '',
      r.hours ? `${r.hours} ${h}` : '',
      r.minutes || (!r.days && !r.hours) ? `${r.minutes} ${m}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  return {
    ...r,
    text_vi: `${r.overdue ? 'Quá hạn' : 'Còn'} ${parts('ngày', 'giờ', 'phút')}`,
    text_en: `${r.overdue ? 'Overdue by' : ''} ${parts('d', 'h', 'min')}${r.overdue ? '' : ' left'}`.trim(),
  };
}

/** Pauses so far, the running one (fee awaited) closed at `now`. */
export function pausesOf(s: DossierState, now: number) {
  return s.pausedSince === null ? s.pauses : [...s.pauses, { from: s.pausedSince, to: now }];
}

/** Probing payloads: the smallest valid body of each command, to ask the machine what an actor may do. */
function probe(type: CommandType, s: DossierState, workflow: WorkflowDefinition, actor: DossierActor, now: number) {
  const step = s.currentStep === null ? undefined : findStep(workflow, s.currentStep);
  switch (type) {
    case 'request_supplement':
      return { items: ['-'] };
    case 'refuse':
      return { reasons: ['-'] };
    case 'assign':
      return { main: actor.userId };
    case 'send_back':
      return { toStep: s.path[0] ?? '' };
    case 'consult': {
      const c = step?.consultations?.find((x) => !s.consultations.some((o) => o.consultationId === x.id));
      return { targets: c ? [{ consultationId: c.id }] : [] };
    }
    case 'consultation_result': {
      const mine = s.consultations.find((c) => c.agencyCode === actor.agencyCode) ?? s.consultations[0];
      return { consultationId: mine?.consultationId ?? '', outcome: 'answered' };
    }
    case 'request_fee':
      return { stage: 'full', amount: 1 };
    case 'extend':
      return { newDue: (s.due ?? now) + 7 * 86_400_000, reason: '-' };
    case 'stop':
      return { reason: '-' };
    case 'return_result':
      return { method: 'counter' };
    case 'rate':
      // Empty answers are refused (a rating rates something): probe with one criterion.
      return { answers: { time_vs_limit: 'on_time' } };
    default:
      return {};
  }
}

/** Commands this actor may issue now (the machine is asked with minimal payloads). */
export function availableActions(
  s: DossierState,
  workflow: WorkflowDefinition,
  legalLimit: LegalLimit,
  calendar: WorkCalendar,
  actor: DossierActor,
  now: number,
  formData: unknown,
  resultFile: ResultFileRef | null = null,
): CommandType[] {
  const limit = legalLimit !== null && !('calendarDays' in legalLimit) ? legalLimit : null;
  return ALLOWED_COMMANDS[s.status].filter((type) => {
    const command = { type, actor, now, ...probe(type, s, workflow, actor, now) } as unknown as Command;
    const extra = type === 'receive' && limit === null ? { due: now } : {};
    const d = decide(s, { ...command, ...extra } as Command, {
      workflow,
      legalLimit: limit,
      calendar,
      formData,
      resultFile,
    });
    return d.ok;
  });
}

/**
 * Whether the legal clock runs now. It runs from receipt until the result is ready, except while a
 * fee is awaited (pausedSince) and while a supplement is awaited: the time limit then restarts from
 * zero once the complete dossier arrives (Decree 118/2025 art. 19(5)), so no remaining time is shown.
 */
export type ClockState = 'not_started' | 'running' | 'paused' | 'stopped';
export function clockOf(s: DossierState): ClockState {
  if (s.status === 'submitted') return 'not_started';
  if (s.status === 'supplement_requested' || s.pausedSince !== null) return 'paused';
  if (s.status === 'received' || s.status === 'processing' || s.status === 'withdrawal_requested') return 'running';
  if (s.status === 'fee_requested') return 'paused';
  return 'stopped';
}

/** The result's timeliness as the applicant reads it: "Hoàn thành trước hạn / đúng hạn / trễ hạn" with its date. */
export function settlementView(s: DossierState) {
  const r = settlementOf(s);
  if (r === null) return null;
  const label = { early: ['trước hạn', 'early'], on_time: ['đúng hạn', 'on time'], late: ['trễ hạn', 'late'] }[r.kind];
  return { kind: r.kind, at: iso(r.at), label_vi: `Hoàn thành ${label[0]}`, label_en: `Completed ${label[1]}` };
}

export type AgencyNames = Map<string, { id: string; code: string; name: string }>;

export async function agencyNames(
  ex: Executor,
  codesOrIds: { codes?: string[]; ids?: string[] },
): Promise<AgencyNames> {
  const codes = [...new Set(codesOrIds.codes ?? [])];
  const ids = [...new Set(codesOrIds.ids ?? [])];
  if (codes.length === 0 && ids.length === 0) return new Map();
  const rows = [...(await agenciesByCode(ex, codes)), ...(await agenciesById(ex, ids))];
  const out: AgencyNames = new Map();
  for (const { id, code, name } of rows) {
    const r = { id, code, name };
    out.set(code, r);
    out.set(id, r);
  }
  return out;
}

export function statusView(status: string) {
  const info = STATUS_INFO[status as DossierStatus];
  return {
    status: status as DossierStatus,
    nationalCode:
      status === 'closed' ? null : nationalStatusCode(status as Exclude<keyof typeof STATUS_INFO, 'closed'>),
    label_vi: info?.label_vi ?? status,
    label_en: info?.label_en ?? status,
  };
}

export function subStatusView(sub: string | null) {
  if (sub === null) return null;
  const info = SUB_STATUSES[sub as SubStatus];
  return { id: sub as SubStatus, label_vi: info?.label_vi ?? sub, label_en: info?.label_en ?? sub };
}

/** The full dossier as its officers see it; its applicant gets `applicantDossierView` of it. */
export async function dossierDetail(
  ex: Executor,
  row: DossierRow,
  calendar: WorkCalendar,
  actor: DossierActor | null,
  now: Date,
) {
  const s = row.state as DossierState;
  const workflow = row.workflow as WorkflowDefinition;
  const t = now.getTime();
  const pauses = pausesOf(s, t);
  const step = s.currentStep === null ? undefined : findStep(workflow, s.currentStep);
  const names = await agencyNames(ex, {
    ids: [row.receiving_agency_id, ...(row.step_agency_id ? [row.step_agency_id] : [])],
    codes: s.consultations.map((c) => c.agencyCode),
  });
  const userIds = [s.assignees.main, ...s.assignees.coordinators, ...s.assignees.observers].filter(
    (u): u is string => u !== null,
  );
  const users = await userNames(ex, userIds);
  const userName = (id: string) => ({ id, name: users.get(id) ?? null });
  // The result file before its return is the agencies' internal work: staff only.
  const resultFile = actor === null || actor.roles.includes('applicant') ? null : await currentResultFile(ex, row.id);
  // The frozen version's document list: staff read files by these names, not by slot ("doc-0").
  const documents = (await versionDocuments(ex, row.procedure_version_id)).map((d, index) => ({ index, name: d.name }));
  // A remaining time only while the clock runs: not for a returned, finished or paused dossier.
  const active = clockOf(s) === 'running';
  const flags = timeFlags(s, t, calendar);
  const agency = (id: string | null) => (id === null ? null : (names.get(id) ?? null));
  const full = {
    id: row.id,
    code: row.code,
    version: row.version,
    ...statusView(s.status),
    subStatus: subStatusView(row.sub_status),
    flags: flags.map((f) => ({ id: f, ...FLAG_LABELS[f] })),
    channel: row.channel,
    procedure: {
      id: row.procedure_id,
      versionId: row.procedure_version_id,
      name: row.procedure_name,
      field: row.field_code,
    },
    legalLimit: row.legal_limit as LegalLimit,
    applicant: row.applicant as Applicant,
    applicantUserId: row.applicant_user_id,
    formData: (row.form_data ?? {}) as Record<string, unknown>,
    verifiedFields: (row.verified_fields ?? {}) as Record<string, FactOrigin>,
    receivingAgency: agency(row.receiving_agency_id),
    submittedAt: row.submitted_at.toISOString(),
    receivedAt: iso(s.receivedAt),
    clockStart: iso(s.clockStart),
    due: iso(s.due),
    originalDue: iso(s.originalDue),
    remaining: s.due !== null && active ? remainingView(calendar.remaining(t, s.due, pauses)) : null,
    clock: clockOf(s),
    settlement: settlementView(s),
    currentStep: step
      ? {
          id: step.id,
          name_vi: step.name_vi,
          name_en: step.name_en ?? null,
          role: step.role,
          agency: agency(row.step_agency_id),
          due: iso(s.stepDue),
          remaining: s.stepDue !== null && active ? remainingView(calendar.remaining(t, s.stepDue, pauses)) : null,
          actions: step.actions,
          consultations: step.consultations ?? [],
          final: step.final ?? false,
        }
      : null,
    assignees: {
      main: s.assignees.main === null ? null : userName(s.assignees.main),
      coordinators: s.assignees.coordinators.map(userName),
      observers: s.assignees.observers.map(userName),
    },
    consultations: s.consultations.map((c) => ({
      ...c,
      openedAt: isoAt(c.openedAt),
      due: iso(c.due),
      agency: names.get(c.agencyCode) ?? null,
    })),
    marks: s.marks,
    /** The dossier's current result file (newest of kind `result`); approval covers exactly this one. */
    resultFile,
    documents,
    supplement: { count: s.supplementCount, items: s.supplementItems, requestedAt: iso(s.supplementRequestedAt) },
    extensionCount: s.extensionCount,
    fees: s.fees.map((f) => ({ ...f, requestedAt: isoAt(f.requestedAt), paidAt: iso(f.paidAt) })),
    outcome: s.outcome,
    resultAt: iso(s.resultAt),
    returnedAt: iso(s.returnedAt),
    returnMethod: s.returnMethod,
    rating: s.rating ? { ...s.rating, at: isoAt(s.rating.at) } : null,
    closedReason: s.closedReason,
    workflow: workflow.steps.map((w) => ({
      id: w.id,
      name_vi: w.name_vi,
      name_en: w.name_en ?? null,
      final: w.final ?? false,
    })),
    path: s.path,
    availableActions:
      actor === null
        ? []
        : availableActions(s, workflow, row.legal_limit as LegalLimit, calendar, actor, t, row.form_data, resultFile),
  };
  return actor?.roles.includes('applicant') ? applicantDossierView(full) : full;
}

/**
 * The history (lịch sử xử lý) of a dossier, oldest first. Its applicant gets the public history
 * (dossier.applicant.ts): no internal note, no staff name.
 */
export async function dossierHistory(ex: Executor, row: DossierRow, viewer?: { kind: string }) {
  const workflow = row.workflow as WorkflowDefinition;
  const events = await ex
    .selectFrom('dossier_events as e')
    .select([
      'e.version',
      'e.type',
      'e.at',
      'e.actor_user_id',
      'e.actor_name',
      agencyColumn('e.actor_agency_id', 'name').as('actor_agency_name'),
      'e.step_id',
      'e.status_after',
      'e.note',
      'e.event',
      'e.attachment_ids',
    ])
    .where('e.dossier_id', '=', row.id)
    .orderBy('e.version')
    .execute();
  if (viewer?.kind === 'applicant') {
    const codes = events.flatMap((e) => {
      const ev = e.event as { type: string; stepAgencyCode?: string | null };
      return ev.type === 'forwarded' && ev.stepAgencyCode ? [ev.stepAgencyCode] : [];
    });
    const names = await agencyNames(ex, { codes });
    return applicantHistory(
      events,
      row.applicant_user_id,
      (id) => {
        const st = findStep(workflow, id);
        return st ? { id, name_vi: st.name_vi, name_en: st.name_en ?? null } : null;
      },
      (code) => (code === null ? null : (names.get(code)?.name ?? null)),
      statusView,
    );
  }
  return events.map((e) => {
    const step = e.step_id ? findStep(workflow, e.step_id) : undefined;
    return {
      version: e.version,
      type: e.type,
      at: e.at.toISOString(),
      actor: { id: e.actor_user_id, name: e.actor_name, agency: e.actor_agency_name },
      step: e.step_id ? { id: e.step_id, name_vi: step?.name_vi ?? e.step_id, name_en: step?.name_en ?? null } : null,
      statusAfter: statusView(e.status_after),
      note: e.note,
      /** What the applicant was told with this event (they never see `note`). */
      message: (e.event as { message?: string }).message ?? null,
      event: e.event as { type: string } & Record<string, unknown>,
      attachmentIds: e.attachment_ids,
    };
  });
}

/** What anyone with the code and the secret (or phone) may see: no personal data (issue 4). */
export async function publicLookupView(ex: Executor, row: DossierRow, calendar: WorkCalendar, now: Date) {
  const s = row.state as DossierState;
  const workflow = row.workflow as WorkflowDefinition;
  const step = s.currentStep === null ? undefined : findStep(workflow, s.currentStep);
  const names = await agencyNames(ex, {
    ids: [row.receiving_agency_id, ...(row.step_agency_id ? [row.step_agency_id] : [])],
  });
  const active = clockOf(s) === 'running';
  return {
    code: row.code,
    procedure: row.procedure_name,
    ...statusView(s.status),
    subStatus: subStatusView(row.sub_status),
    receivingAgency: names.get(row.receiving_agency_id)?.name ?? null,
    currentStep: step
      ? {
          name_vi: step.name_vi,
          name_en: step.name_en ?? null,
          agency: names.get(row.step_agency_id ?? '')?.name ?? null,
        }
      : null,
    submittedAt: row.submitted_at.toISOString(),
    receivedAt: iso(s.receivedAt),
    appointment: iso(s.due),
    clock: clockOf(s),
    settlement: settlementView(s),
    overdue: active && s.due !== null ? calendar.remaining(now, s.due, pausesOf(s, now.getTime())).overdue : false,
    resultReadyAt: iso(s.resultAt),
    returnedAt: iso(s.returnedAt),
  };
}
