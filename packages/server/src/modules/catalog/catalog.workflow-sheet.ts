import {
  ACTION_LABELS,
  AGENCY_KIND_LABELS,
  ALLOTMENT_UNIT_LABELS,
  codeOf,
  labelOf,
  ROLE_LABELS,
  SUB_STATUS_LABELS,
} from './catalog.labels.ts';

/**
 * The workflow of a procedure as two sheets of plain cells a non-programmer can edit — one row per
 * step ("Quy trình"), one row per consultation ("Xin ý kiến") — instead of a JSON cell. Values are
 * Vietnamese words (the codes are read too). A workflow these rows cannot hold (extra keys) is
 * written to the procedure sheet's JSON column instead, so nothing is lost.
 */

export const SHEET_WORKFLOW = 'Quy trình';
export const SHEET_CONSULTATIONS = 'Xin ý kiến';

type Col = { key: string; header: string; width: number };
export const WORKFLOW_COLUMNS: Col[] = [
  { key: 'key', header: 'Khóa thủ tục', width: 12 },
  { key: 'no', header: 'STT', width: 6 },
  { key: 'id', header: 'Mã bước', width: 14 },
  { key: 'name_vi', header: 'Tên bước', width: 40 },
  { key: 'name_en', header: 'Tên bước (tiếng Anh)', width: 30 },
  { key: 'agency', header: 'Nơi thực hiện', width: 34 },
  { key: 'agencyCode', header: 'Mã cơ quan', width: 18 },
  { key: 'role', header: 'Vai trò', width: 16 },
  { key: 'allotment', header: 'Thời gian', width: 10 },
  { key: 'allotmentUnit', header: 'Đơn vị thời gian', width: 16 },
  { key: 'actions', header: 'Thao tác', width: 50 },
  { key: 'next', header: 'Bước tiếp theo', width: 14 },
  { key: 'final', header: 'Bước cuối', width: 10 },
  { key: 'subStatus', header: 'Trạng thái phụ', width: 18 },
  { key: 'branches', header: 'Rẽ nhánh (JSON)', width: 30 },
];
export const CONSULTATION_COLUMNS: Col[] = [
  { key: 'key', header: 'Khóa thủ tục', width: 12 },
  { key: 'step', header: 'Mã bước', width: 14 },
  { key: 'no', header: 'STT', width: 6 },
  { key: 'id', header: 'Mã xin ý kiến', width: 16 },
  { key: 'name_vi', header: 'Nội dung xin ý kiến', width: 40 },
  { key: 'name_en', header: 'Nội dung (tiếng Anh)', width: 30 },
  { key: 'agency', header: 'Nơi thực hiện', width: 34 },
  { key: 'agencyCode', header: 'Mã cơ quan', width: 18 },
  { key: 'allotment', header: 'Thời gian', width: 10 },
  { key: 'allotmentUnit', header: 'Đơn vị thời gian', width: 16 },
];

const STEP_KEYS = new Set([
  'id',
  'name_vi',
  'name_en',
  'agency',
  'role',
  'allotment',
  'actions',
  'next',
  'branches',
  'final',
  'consultations',
  'subStatus',
]);
const CONSULTATION_KEYS = new Set(['id', 'name_vi', 'name_en', 'agency', 'allotment']);
const LIST_SEP = '; ';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
type Cell = string | number | boolean | null;
type Row = Record<string, Cell>;

/** Whether the sheets can hold this workflow exactly (else it travels as JSON). */
export function fitsSheets(w: unknown): boolean {
  if (!isObj(w) || w.schemaVersion !== 1 || !Array.isArray(w.steps) || w.steps.length === 0) return false;
  if (Object.keys(w).some((k) => k !== 'schemaVersion' && k !== 'steps')) return false;
  const agencyOk = (a: unknown) =>
    isObj(a) &&
    typeof a.kind === 'string' &&
    Object.keys(a).every((k) => k === 'kind' || (k === 'agencyCode' && a.kind === 'fixed'));
  const allotmentOk = (a: unknown) => isObj(a) && Object.keys(a).length === 1 && ('days' in a || 'hours' in a);
  return w.steps.every(
    (s) =>
      isObj(s) &&
      Object.keys(s).every((k) => STEP_KEYS.has(k)) &&
      (s.final === undefined || s.final === true) &&
      agencyOk(s.agency) &&
      allotmentOk(s.allotment) &&
      Array.isArray(s.actions) &&
      (s.consultations === undefined ||
        (Array.isArray(s.consultations) &&
          s.consultations.every(
            (c) =>
              isObj(c) &&
              Object.keys(c).every((k) => CONSULTATION_KEYS.has(k)) &&
              agencyOk(c.agency) &&
              allotmentOk(c.allotment),
          ))),
  );
}

const allotmentCells = (a: Obj) =>
  'days' in a
    ? { allotment: a.days as number, allotmentUnit: labelOf(ALLOTMENT_UNIT_LABELS, 'days') }
    : { allotment: a.hours as number, allotmentUnit: labelOf(ALLOTMENT_UNIT_LABELS, 'hours') };

/** The rows of a workflow that fitsSheets. */
export function workflowRows(key: string, w: Obj): { steps: Row[]; consultations: Row[] } {
  const steps: Row[] = [];
  const consultations: Row[] = [];
  (w.steps as Obj[]).forEach((s, i) => {
    const agency = s.agency as Obj;
    steps.push({
      key,
      no: i + 1,
      id: s.id as string,
      name_vi: (s.name_vi as string) ?? null,
      name_en: (s.name_en as string | undefined) ?? null,
      agency: labelOf(AGENCY_KIND_LABELS, agency.kind as string),
      agencyCode: (agency.agencyCode as string | undefined) ?? null,
      role: labelOf(ROLE_LABELS, s.role as string),
      ...allotmentCells(s.allotment as Obj),
      actions: (s.actions as string[]).map((a) => labelOf(ACTION_LABELS, a)).join(LIST_SEP),
      next: (s.next as string | undefined) ?? null,
      final: s.final === true ? 'Có' : null,
      subStatus: labelOf(SUB_STATUS_LABELS, (s.subStatus as string | undefined) ?? null),
      branches: s.branches === undefined ? null : JSON.stringify(s.branches),
    });
    ((s.consultations as Obj[] | undefined) ?? []).forEach((c, j) => {
      const ca = c.agency as Obj;
      consultations.push({
        key,
        step: s.id as string,
        no: j + 1,
        id: c.id as string,
        name_vi: (c.name_vi as string) ?? null,
        name_en: (c.name_en as string | undefined) ?? null,
        agency: labelOf(AGENCY_KIND_LABELS, ca.kind as string),
        agencyCode: (ca.agencyCode as string | undefined) ?? null,
        ...allotmentCells(c.allotment as Obj),
      });
    });
  });
  return { steps, consultations };
}

type Get = (k: string) => Cell;
const text = (c: Cell): string | null => (c === null ? null : String(c));
const list = (c: Cell) =>
  (text(c) ?? '')
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean);
const yes = (c: Cell) => c === true || ['có', 'co', 'x', 'true', '1', 'yes'].includes((text(c) ?? '').toLowerCase());
const num = (c: Cell) => (typeof c === 'number' ? c : c === null ? null : Number(String(c).replace(',', '.')));

function agencyOf(get: Get): Obj {
  const kind = codeOf(AGENCY_KIND_LABELS, text(get('agency')));
  const code = text(get('agencyCode'));
  // A code alone means a fixed agency: the common case when someone types only the code.
  if (kind === null && code !== null) return { kind: 'fixed', agencyCode: code };
  return kind === 'fixed' || code !== null ? { kind, agencyCode: code } : { kind };
}
function allotmentOf(get: Get): Obj {
  const unit = codeOf(ALLOTMENT_UNIT_LABELS, text(get('allotmentUnit'))) ?? 'days';
  return { [unit]: num(get('allotment')) };
}

/**
 * A workflow from its step rows (sorted by STT) and consultation rows; the JSON the catalog's
 * schema then validates (core validateWorkflow), so a wrong cell gets the same checks as the API.
 */
export function workflowFromRows(steps: Get[], consultations: Get[]): Obj {
  const consultationsOf = new Map<string, Obj[]>();
  for (const c of consultations) {
    const step = text(c('step')) ?? '';
    const entry: Obj = {
      id: text(c('id')),
      name_vi: text(c('name_vi')),
      agency: agencyOf(c),
      allotment: allotmentOf(c),
    };
    const en = text(c('name_en'));
    if (en !== null) entry.name_en = en;
    consultationsOf.set(step, [...(consultationsOf.get(step) ?? []), entry]);
  }
  return {
    schemaVersion: 1,
    steps: steps.map((g) => {
      const id = text(g('id'));
      const s: Obj = {
        id,
        name_vi: text(g('name_vi')),
        agency: agencyOf(g),
        role: codeOf(ROLE_LABELS, text(g('role'))),
        allotment: allotmentOf(g),
        actions: list(g('actions')).map((a) => codeOf(ACTION_LABELS, a)),
      };
      const en = text(g('name_en'));
      if (en !== null) s.name_en = en;
      const next = text(g('next'));
      if (next !== null) s.next = next;
      if (yes(g('final'))) s.final = true;
      const sub = codeOf(SUB_STATUS_LABELS, text(g('subStatus')));
      if (sub !== null) s.subStatus = sub;
      const branches = text(g('branches'));
      if (branches !== null) {
        try {
          s.branches = JSON.parse(branches);
        } catch {
          s.branches = branches;
        }
      }
      const cs = consultationsOf.get(id ?? '');
      if (cs) s.consultations = cs;
      return s;
    }),
  };
}
