import {
  classifyTimeliness,
  type DossierEvent,
  type DossierState,
  evolve,
  localDateOf,
  receiptQrPayload,
  type WorkCalendar,
} from '@motcua/core';
import type { Executor } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import { Problem } from '../../shared/problem.ts';
import { agenciesByCode, agenciesById, agencyColumn, agencyWithParent } from '../agencies/agencies.queries.ts';
import { versionContent } from '../catalog/catalog.queries.ts';
import {
  type AgencyHeader,
  type ApplicantInfo,
  formatDateTime,
  type Handoff,
  renderForm01Receipt,
  renderForm02SupplementRequest,
  renderForm03Refusal,
  renderForm04ApologyExtension,
  renderForm05StopNotice,
  renderForm06ControlSlip,
  renderTrackingBook07,
  type TrackingBookRow,
} from '../documents/index.ts';
import type { Applicant } from './dossier.store.ts';

/**
 * The printable forms of Circular 03/2025/TT-VPCP annex I for one dossier, filled from its
 * history: each form exists once the event it documents has happened (01 after receipt, 02 after
 * a supplement request, 03 after a refusal at reception, 04 after the extension, 05 after the
 * stop); 06, the control slip, from the hand-offs recorded so far.
 */
export const DOSSIER_FORMS = ['01', '02', '03', '04', '05', '06'] as const;
export type DossierForm = (typeof DOSSIER_FORMS)[number];

/**
 * Forms for the administration's own use: 06, the control slip, travels with the dossier between
 * officers and agencies (who handled it, consultations sent and answered, lateness) — it is not
 * one of the notices the applicant is given (01–05: Decree 118/2025 art. 17–19 say what she is
 * told). An applicant asking for it gets the same 404 as for a dossier she cannot see.
 */
const INTERNAL_FORMS: ReadonlySet<DossierForm> = new Set(['06']);

export function assertFormVisibleTo(actorKind: string, form: DossierForm): void {
  if (actorKind === 'officer' || !INTERNAL_FORMS.has(form)) return;
  throw new Problem('not_found', {
    detail: { vi: 'Không có văn bản này cho người nộp hồ sơ', en: 'No such document for the applicant' },
  });
}

type EventRow = { event: DossierEvent; actorName: string | null; actorAgency: string | null; at: Date };

async function historyOf(ex: Executor, dossierId: string): Promise<EventRow[]> {
  const rows = await ex
    .selectFrom('dossier_events as e')
    .select(['e.event', 'e.actor_name', agencyColumn('e.actor_agency_id', 'name').as('agency_name'), 'e.at'])
    .where('e.dossier_id', '=', dossierId)
    .orderBy('e.version')
    .execute();
  return rows.map((r) => ({
    event: r.event as DossierEvent,
    actorName: r.actor_name,
    actorAgency: r.agency_name,
    at: r.at,
  }));
}

function noForm(): Problem {
  return new Problem('not_found', {
    detail: {
      vi: 'Hồ sơ chưa có văn bản này (sự việc tương ứng chưa xảy ra)',
      en: 'The dossier has no such document yet (its event has not happened)',
    },
  });
}

async function headerOf(ex: Executor, agencyId: string): Promise<AgencyHeader> {
  const a = await agencyWithParent(ex, agencyId);
  if (!a) throw new Error(`agency ${agencyId} not found`);
  const rootId = a.path.split('/').filter(Boolean)[0]!;
  const [root] = await agenciesById(ex, [rootId]);
  if (!root) throw new Error(`agency ${rootId} not found`);
  const place = root.name.replace(/^(UBND|Ủy ban nhân dân)\s+/i, '').replace(/^(thành phố|tỉnh)\s+/i, '');
  return { parentName: a.parent_name, name: a.name, place };
}

/**
 * The legal time limit as the receipt states it: the number and its unit only. The catalog's free
 * text beside it is an editorial note for administrators (sources, discrepancies) and never printed.
 */
function limitText(content: { timeLimit: { value: number | null; unit: string; text: string | null } | null }) {
  const t = content.timeLimit;
  if (!t || t.value === null) return null;
  const unit = { working_days: 'ngày làm việc', working_hours: 'giờ làm việc', calendar_days: 'ngày' }[t.unit] ?? '';
  return `${t.value} ${unit}`.trim();
}

export async function renderDossierForm(
  ex: Executor,
  row: DossierRow,
  form: DossierForm,
  opts: { publicUrl: string; calendar: WorkCalendar },
): Promise<Uint8Array> {
  const history = await historyOf(ex, row.id);
  const a = row.applicant as Applicant;
  const applicant: ApplicantInfo = {
    name: a.name,
    idNumber: a.idNumber,
    address: a.address,
    phone: a.phone,
    email: a.email,
  };
  const agency = await headerOf(ex, row.receiving_agency_id);
  const unitName = agency.name;
  const base = { agency, dossierCode: row.code, procedureName: row.procedure_name, applicant };
  const find = <T extends DossierEvent['type']>(type: T, pick: 'first' | 'last' = 'last') => {
    const list = history.filter((h) => h.event.type === type);
    return (pick === 'first' ? list[0] : list.at(-1)) as
      | (EventRow & { event: Extract<DossierEvent, { type: T }> })
      | undefined;
  };
  const received = find('received', 'first');
  const state = row.state as DossierState;
  switch (form) {
    case '01': {
      if (!received) throw noForm();
      const content = (await versionContent(ex, row.procedure_version_id)) as {
        timeLimit: { value: number | null; unit: string; text: string | null } | null;
      };
      return renderForm01Receipt({
        ...base,
        // What the receptionist checked and recorded with the receipt (dossier.reception.ts), not
        // the procedure's list: the receipt attests what was handed in.
        documents: (received.event.checklist ?? []).map((d) => ({ name: d.name, original: d.original, copy: d.copy })),
        sets: 1,
        legalLimitText: limitText(content),
        receivedAt: received.at,
        appointmentAt: state.originalDue === null ? null : new Date(state.originalDue),
        resultPlace: unitName,
        receiverName: received.actorName ?? '',
        lookupSecret: row.lookup_secret,
        qrPayload: receiptQrPayload({ code: row.code, secret: row.lookup_secret, baseUrl: opts.publicUrl }),
      });
    }
    case '02': {
      const e = find('supplement_requested');
      if (!e) throw noForm();
      return renderForm02SupplementRequest({
        ...base,
        receivedAt: received?.at ?? row.submitted_at,
        items: e.event.items,
        // The message to the applicant, never the officer's internal note (dossier.applicant.ts).
        reason: e.event.message ?? 'Hồ sơ chưa đầy đủ, chưa hợp lệ theo quy định',
        contactName: e.actorName ?? '',
        contactPhone: null,
        staffName: e.actorName ?? '',
        issuedAt: e.at,
      });
    }
    case '03': {
      const e = find('refused');
      if (e?.event.phase !== 'reception') throw noForm();
      return renderForm03Refusal({ ...base, reasons: e.event.reasons, staffName: e.actorName ?? '', issuedAt: e.at });
    }
    case '04': {
      const e = find('extended');
      if (!e || !received) throw noForm();
      return renderForm04ApologyExtension({
        ...base,
        addressee: a.name,
        receivedAt: received.at,
        originalDue: new Date(e.event.previousDue),
        newDue: new Date(e.event.newDue),
        reason: e.event.reason,
        signer: { title: 'Thủ trưởng cơ quan', name: e.actorName ?? '' },
        issuedAt: e.at,
      });
    }
    case '05': {
      const e = find('stopped');
      if (!e || !received) throw noForm();
      const asked = find('withdrawal_requested');
      return renderForm05StopNotice({
        ...base,
        addressee: a.name,
        receivedAt: received.at,
        requestedAt: asked?.at ?? e.at,
        reason: e.event.reason,
        stoppedAt: e.at,
        signer: { title: 'Thủ trưởng cơ quan', name: e.actorName ?? '' },
        issuedAt: e.at,
      });
    }
    case '06': {
      if (!received) throw noForm();
      return renderForm06ControlSlip({
        ...base,
        ...(await handoffsOf(ex, history, unitName, row.workflow as WorkflowLike)),
        receivedAt: received.at,
        appointmentAt: state.due === null ? null : new Date(state.due),
        issuedAt: new Date(),
      });
    }
  }
}

type WorkflowLike = { steps?: { consultations?: { id: string; name_vi?: string }[] }[] } | null;

const OUTCOME_VI: Record<string, string> = { agreed: 'Đồng ý', disagreed: 'Không đồng ý', answered: 'Đã trả lời' };

/**
 * One row per hand-off (transfer, forward, send back, consultation sent and answered, return),
 * judged against the step's (or the consultation's) due moment. Consultations with another
 * agency are tracked on the control slip (RULES.md §2 "Consultation … tracked in the system (or
 * on the control slip)"): to whom and when it was sent, when and by whom it was answered.
 */
async function handoffsOf(ex: Executor, history: EventRow[], receivingUnit: string, workflow: WorkflowLike) {
  const codes = new Set<string>();
  for (const h of history) {
    const e = h.event;
    if (e.type === 'forwarded' || e.type === 'sent_back') if (e.stepAgencyCode) codes.add(e.stepAgencyCode);
    if (e.type === 'consultation_opened') for (const c of e.consultations) codes.add(c.agencyCode);
  }
  const agencies = await agenciesByCode(ex, [...codes]);
  const nameOf = (code: string | null) => agencies.find((x) => x.code === code)?.name ?? code ?? '';
  const handoffs: Handoff[] = [];
  const opened = new Map<string, { agencyCode: string; due: number | null }>();
  const names = new Map<string, string>();
  for (const step of workflow?.steps ?? [])
    for (const c of step.consultations ?? []) names.set(c.id, c.name_vi ?? c.id);
  const consultationName = (id: string) => names.get(id) ?? id;
  let state: DossierState | null = null;
  let lead = '';
  const cooperating = new Set<string>();
  for (const h of history) {
    const e = h.event;
    const before: DossierState | null = state;
    state = evolve(state, e);
    // Early / on time / late: core's `classifyTimeliness` (Decree 118/2025 art. 19(6)), the same
    // rule the indicators count; for the dossier's result an extension makes it late.
    const judged = (due: number | null, extended = false) =>
      due === null ? null : classifyTimeliness(h.at.getTime(), due, extended);
    if (e.type === 'forwarded' || e.type === 'sent_back') {
      if (lead === '' && e.stepAgencyCode) lead = nameOf(e.stepAgencyCode);
      handoffs.push({
        fromUnit: h.actorAgency ?? receivingUnit,
        fromPerson: h.actorName,
        toUnit: nameOf(e.stepAgencyCode),
        toPerson: null,
        handedAt: h.at,
        result: before?.status === 'received' ? null : judged(before?.stepDue ?? null),
        note: e.type === 'sent_back' ? 'Trả lại bước trước' : (e.note ?? null),
      });
    }
    if (e.type === 'consultation_opened') {
      for (const c of e.consultations) {
        cooperating.add(nameOf(c.agencyCode));
        opened.set(c.consultationId, { agencyCode: c.agencyCode, due: c.due });
        const what = consultationName(c.consultationId);
        handoffs.push({
          fromUnit: h.actorAgency ?? receivingUnit,
          fromPerson: h.actorName,
          toUnit: nameOf(c.agencyCode),
          toPerson: null,
          handedAt: h.at,
          result: null,
          note: `Xin ý kiến: ${what}${c.due === null ? '' : ` (hạn trả lời ${formatDateTime(new Date(c.due))})`}${c.childDossierId ? '; hồ sơ liên thông' : ''}`,
        });
      }
    }
    if (e.type === 'consultation_closed') {
      const o = opened.get(e.consultationId);
      const consulted = o ? nameOf(o.agencyCode) : (h.actorAgency ?? '');
      const bySystem = h.actorAgency === null;
      handoffs.push({
        fromUnit: bySystem ? consulted : (h.actorAgency ?? consulted),
        // A linked child dossier answers through the engine: its approver is on the child's own slip.
        fromPerson: bySystem ? null : h.actorName,
        toUnit: nameOf(before?.stepAgencyCode ?? null) || receivingUnit,
        toPerson: null,
        handedAt: h.at,
        result: judged(o?.due ?? null),
        note: `Trả lời xin ý kiến (${consultationName(e.consultationId)}): ${OUTCOME_VI[e.outcome] ?? e.outcome}`,
      });
    }
    if (e.type === 'finished') {
      handoffs.push({
        fromUnit: h.actorAgency ?? '',
        fromPerson: h.actorName,
        toUnit: receivingUnit,
        toPerson: null,
        handedAt: h.at,
        result: judged(before?.due ?? null, (before?.extensionCount ?? 0) > 0),
        note: 'Chuyển kết quả về Bộ phận Một cửa',
      });
    }
  }
  return { handoffs, leadAgency: lead || receivingUnit, cooperatingAgencies: [...cooperating] };
}

/** The tracking book (sổ theo dõi hồ sơ, form 07) of a receiving unit for a period, as Excel. */
export async function renderTrackingBook(
  ex: Executor,
  receivingAgencyId: string,
  from: Date,
  to: Date,
): Promise<Buffer> {
  const rows = await ex
    .selectFrom('dossiers as d')
    .select([
      'd.code',
      'd.procedure_name',
      'd.applicant',
      'd.received_at',
      'd.due',
      'd.returned_at',
      'd.state',
      agencyColumn('d.step_agency_id', 'name').as('step_agency'),
    ])
    .where('d.receiving_agency_id', '=', receivingAgencyId)
    .where('d.received_at', '>=', from)
    .where('d.received_at', '<', to)
    .orderBy('d.received_at')
    .limit(50_000)
    .execute();
  const agency = await headerOf(ex, receivingAgencyId);
  const book: TrackingBookRow[] = rows.map((r) => {
    const a = r.applicant as Applicant;
    const s = r.state as DossierState;
    return {
      dossierCode: r.code,
      procedureName: r.procedure_name,
      applicantName: a.name,
      applicantAddress: a.address,
      applicantPhone: a.phone,
      leadAgency: r.step_agency ?? agency.name,
      receivedAt: r.received_at!,
      appointmentAt: r.due,
      returnedAt: r.returned_at,
      resultDelivery: s.returnMethod,
      note: null,
    };
  });
  return renderTrackingBook07(book, {
    agency,
    periodFrom: localDateOf(from),
    periodTo: localDateOf(to.getTime() - 1),
  });
}
