import { PREFILL_SOURCES, type PrefillSource } from '@motcua/core/eform/prefill';
import type { TFunction } from 'i18next';
import type { paths } from '../api/schema';

/** The procedure editor's data: the content of a version as the API takes it, and its parts. */
export type DraftBody = paths['/api/v1/procedures/{id}/draft']['put']['requestBody']['content']['application/json'];
export type Content = Omit<DraftBody, 'version'>;
export type TimeLimit = Content['timeLimit'];
export type AdminView = paths['/api/v1/admin/procedures/{id}']['get']['responses'][200]['content']['application/json'];
export type Version = NonNullable<AdminView['published']>;
/** An e-form as a version stores it: the JSON Schema, its ui schema and the register prefill map. */
export type StoredEForm = NonNullable<Content['eForm']>;
/** field path ("name" or "group.name") → the fact it takes, or facts in order of preference (issue 17). */
export type PrefillMap = NonNullable<StoredEForm['prefill']>;
export { PREFILL_SOURCES, type PrefillSource };

/** One problem of the content: a dotted path (`documents.1.name`) and its message in words. */
export type Issue = { path: string; code: string; message: string; publishOnly?: boolean };

// ---------------------------------------------------------------- e-form

/** One box of the e-form designer; stored as a JSON Schema property, in the designed order. */
export type EField = {
  key: string;
  title: string;
  type: 'string' | 'number' | 'date' | 'boolean' | 'select';
  required: boolean;
  options: string;
  /** Anything else the stored property had (pattern, format, description…), kept as it was. */
  extra?: Record<string, unknown>;
  /** A number box stored as a whole number (`integer`: the count of copies…); kept while it stays a number. */
  integer?: boolean;
  /**
   * The register facts that fill the box, the first one present winning (`eForm.prefill` at the
   * box's key); empty or absent: not prefilled. Kept with the row, so renaming or removing the
   * box keeps the map consistent. Only string boxes (text, date, list) take one.
   */
  prefill?: PrefillSource[];
  /** Prefill entries inside a group box (`key.sub` paths), by sub-path; the designer keeps them as they were. */
  nestedPrefill?: Record<string, PrefillSource | PrefillSource[]>;
  /** The designer's row identity: stays when the key is made from the label. Not stored. */
  rid: string;
};

let rowSeq = 0;
/** A new row identity for the e-form designer. */
export const newRowId = () => `r${++rowSeq}`;

const TYPED = new Set(['type', 'title', 'enum', 'format']);
/** What the designer makes of a whole schema; anything else at its root is kept. */
const ROOT_TYPED = new Set(['type', 'properties', 'required']);

/** The designer's rows from a stored schema; `ui:order` (when present) gives their order; `prefill` the register sources. */
export function fieldsOf(
  schema: Record<string, unknown> | null | undefined,
  uiSchema?: Record<string, unknown> | null,
  prefill?: PrefillMap | null,
): EField[] {
  const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = (schema?.required ?? []) as string[];
  const order = Array.isArray(uiSchema?.['ui:order']) ? (uiSchema['ui:order'] as string[]) : [];
  const keys = [...order.filter((k) => k in props), ...Object.keys(props).filter((k) => !order.includes(k))];
  return keys.map((key) => {
    const p = props[key]!;
    const extra = Object.fromEntries(Object.entries(p).filter(([k]) => !TYPED.has(k)));
    const own = prefill?.[key];
    const nested = Object.entries(prefill ?? {})
      .filter(([path]) => path.startsWith(`${key}.`))
      .map(([path, src]) => [path.slice(key.length + 1), src] as const);
    return {
      rid: newRowId(),
      key,
      title: String(p.title ?? key),
      type: Array.isArray(p.enum)
        ? 'select'
        : p.format === 'date'
          ? 'date'
          : p.type === 'integer'
            ? 'number'
            : ((p.type as EField['type']) ?? 'string'),
      required: required.includes(key),
      options: Array.isArray(p.enum) ? (p.enum as string[]).join(', ') : '',
      ...(Object.keys(extra).length ? { extra } : {}),
      ...(p.type === 'integer' ? { integer: true } : {}),
      ...(own ? { prefill: typeof own === 'string' ? [own] : [...own] } : {}),
      ...(nested.length ? { nestedPrefill: Object.fromEntries(nested) } : {}),
    };
  });
}

/** The types of box whose stored schema type is `string`: the only ones a register fact may fill. */
export const PREFILLABLE = new Set<EField['type']>(['string', 'date', 'select']);

/** The `eForm.prefill` map of the designed boxes: one source stays a string, several an ordered list. */
export function prefillOf(fields: EField[]): PrefillMap {
  const map: PrefillMap = {};
  for (const f of fields) {
    if (!f.key) continue;
    if (PREFILLABLE.has(f.type) && f.prefill?.length) map[f.key] = f.prefill.length === 1 ? f.prefill[0]! : f.prefill;
    for (const [sub, src] of Object.entries(f.nestedPrefill ?? {})) map[`${f.key}.${sub}`] = src;
  }
  return map;
}

/**
 * The JSON Schema, the order (`ui:order`, which the form renderer honours) and the register
 * prefill map (only when a box has one) of the designed boxes. `stored` is the schema as loaded:
 * what it says of the whole form (its title, its `$comment` citing the official form) is kept.
 */
export function eFormOf(
  fields: EField[],
  uiSchema?: Record<string, unknown> | null,
  stored?: Record<string, unknown> | null,
): { schema: Record<string, unknown>; uiSchema: Record<string, unknown>; prefill?: PrefillMap } {
  const properties: Record<string, unknown> = {};
  for (const f of fields) {
    if (!f.key) continue;
    const base = { ...(f.extra ?? {}), title: f.title };
    if (f.type === 'select') {
      properties[f.key] = {
        ...base,
        type: 'string',
        enum: f.options
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      };
    } else if (f.type === 'date') properties[f.key] = { ...base, type: 'string', format: 'date' };
    else properties[f.key] = { ...base, type: f.type === 'number' && f.integer ? 'integer' : f.type };
  }
  const required = fields.filter((f) => f.required && f.key).map((f) => f.key);
  const prefill = prefillOf(fields);
  return {
    schema: {
      ...Object.fromEntries(Object.entries(stored ?? {}).filter(([k]) => !ROOT_TYPED.has(k))),
      type: 'object',
      properties,
      ...(required.length ? { required } : {}),
    },
    uiSchema: { ...(uiSchema ?? {}), 'ui:order': fields.filter((f) => f.key).map((f) => f.key) },
    ...(Object.keys(prefill).length ? { prefill } : {}),
  };
}

/** Accent-free lower case: what people type in a search box. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** A key for a new box from its label ("Số thửa đất" → soThuaDat), unique among `taken`. */
export function keyFromTitle(title: string, taken: string[]): string {
  const words = fold(title)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let key = words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('') || 'truong';
  if (/^[0-9]/.test(key)) key = `o${key}`;
  key = key.slice(0, 40);
  let k = key;
  for (let n = 2; taken.includes(k); n++) k = `${key}${n}`;
  return k;
}

/** The code of a new field from its name, as the seed makes them ("Hộ tịch" → HO-TICH). */
export function fieldCodeOf(name: string): string {
  return (
    fold(name)
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'KHAC'
  );
}

// ---------------------------------------------------------------- workflow

export type AgencyRef =
  | { kind: 'fixed'; agencyCode: string }
  | { kind: 'receiving' }
  | { kind: 'receiving_authority' }
  | { kind: 'applicant_commune' };
export type Allotment = { days: number } | { hours: number };
export type Consultation = { id: string; name_vi: string; name_en?: string; agency: AgencyRef; allotment: Allotment };
export type Step = {
  id: string;
  name_vi: string;
  name_en?: string;
  role: string;
  agency: AgencyRef;
  allotment: Allotment;
  actions: string[];
  final?: boolean;
  next?: string;
  consultations?: Consultation[];
  [k: string]: unknown;
};

/** The actions a step may allow (packages/core STEP_ACTIONS), in the order the designer lists them. */
export const STEP_ACTIONS = ['forward', 'request_supplement', 'consult', 'send_back', 'approve', 'sign', 'refuse'];
/** Roles a step is done by; the province's other roles (admin, provincial leader) never handle steps. */
export const STEP_ROLES = ['officer', 'leader', 'receptionist'];
export const AGENCY_KINDS = ['receiving_authority', 'receiving', 'applicant_commune', 'fixed'] as const;
/** Working hours in a day, as core's validateWorkflow compares days and hours (default sessions). */
export const HOURS_PER_DAY = 7.5;

export const hoursOf = (a: Allotment | undefined): number => (!a ? 0 : 'hours' in a ? a.hours : a.days * HOURS_PER_DAY);

/** A fresh id not used by any of `taken` (ids are internal: the designer shows step numbers). */
export function freshId(prefix: string, taken: string[]): string {
  let n = taken.length + 1;
  while (taken.includes(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/** The two-step pattern most procedures follow: an officer appraises, the head signs the result. */
export function templateSteps(t: TFunction, limit: TimeLimit): Step[] {
  let first: Allotment = { days: 2 };
  let second: Allotment = { days: 1 };
  if (limit?.unit === 'working_days' && limit.value) {
    if (limit.value >= 2) first = { days: limit.value - 1 };
    else {
      const h = limit.value * HOURS_PER_DAY;
      first = { hours: Math.floor((h * 2) / 3 / 0.5) * 0.5 };
      second = { hours: h - first.hours };
    }
  } else if (limit?.unit === 'working_hours' && limit.value) {
    const h = limit.value;
    first = { hours: Math.max(0.5, Math.floor((h * 2) / 3 / 0.5) * 0.5) };
    second = { hours: Math.max(0.5, h - first.hours) };
  }
  return [
    {
      id: 'thu_ly',
      name_vi: t('pe.wfTemplateStep1'),
      role: 'officer',
      agency: { kind: 'receiving_authority' },
      allotment: first,
      actions: ['forward', 'request_supplement', 'refuse'],
    },
    {
      id: 'phe_duyet',
      name_vi: t('pe.wfTemplateStep2'),
      role: 'leader',
      agency: { kind: 'receiving_authority' },
      allotment: second,
      actions: ['approve', 'sign', 'send_back', 'refuse'],
      final: true,
    },
  ];
}

/** The content of a brand-new procedure: nothing chosen yet except what nearly every one has. */
export function blankContent(): Content {
  return {
    name: '',
    field: { code: '', name: '' },
    level: 'commune',
    channels: ['counter', 'online'],
    applicantKinds: ['citizen'],
    lifeEvents: [],
    documents: [],
    timeLimit: { value: null, unit: 'working_days', text: null },
    fees: [],
    legalBasis: [],
    result: { name: '', kind: 'certificate' },
    onlineLevel: 'full',
    identityLevel: null,
    eForm: null,
    workflow: null,
    source: { verified: false, text: null, notes: null },
    agencyIds: [],
  } as unknown as Content;
}

/** The content of a stored version, as the editor edits it. */
export function contentOf(v: Version): Content {
  return {
    name: v.name,
    field: v.field,
    level: v.level,
    channels: v.channels,
    applicantKinds: v.applicantKinds,
    lifeEvents: v.lifeEvents ?? [],
    documents: v.documents,
    timeLimit: v.timeLimit,
    fees: v.fees,
    legalBasis: v.legalBasis,
    result: v.result,
    onlineLevel: v.onlineLevel,
    // The least VNeID level to apply online (Decree 69/2024/NĐ-CP art. 12): the draft endpoint
    // takes a missing one as "none", so it is always sent back as it was.
    identityLevel: v.identityLevel ?? null,
    eForm: v.eForm as Content['eForm'],
    workflow: v.workflow,
    source: v.source,
    agencyIds: v.agencies.map((a) => a.id),
  } as Content;
}

// ---------------------------------------------------------------- problems in words

/**
 * Where a problem is, in words (the API gives dotted paths such as `workflow.steps.1.allotment`),
 * and which tab holds it.
 */
export function placeOf(t: TFunction, path: string): { tab: 'general' | 'info' | 'eform' | 'workflow'; label: string } {
  const p = path.replace(/^body\.?/, '').split('.');
  const n = (i: number) => Number(p[i]) + 1;
  const head = p[0] ?? '';
  if (head === 'name' || head === 'code' || head === 'fullCode')
    return { tab: 'general', label: t(`pe.where.${head === 'name' ? 'name' : 'code'}`) };
  if (head === 'timeLimit') return { tab: 'general', label: t('pe.where.timeLimit') };
  if (head === 'documents' && p[1] !== undefined) return { tab: 'info', label: t('pe.where.document', { n: n(1) }) };
  if (head === 'fees' && p[1] !== undefined) return { tab: 'info', label: t('pe.where.fee', { n: n(1) }) };
  if (head === 'legalBasis')
    return {
      tab: 'info',
      label: p[1] !== undefined ? t('pe.where.legalBasis', { n: n(1) }) : t('pe.where.legalBasisAll'),
    };
  if (head === 'eForm') return { tab: 'eform', label: t('pe.where.eform') };
  if (head === 'workflow') {
    if (p[1] === 'steps' && p[2] !== undefined) {
      if (p[3] === 'consultations' && p[4] !== undefined)
        return { tab: 'workflow', label: t('pe.where.consultation', { step: n(2), n: n(4) }) };
      return { tab: 'workflow', label: t('pe.where.step', { n: n(2) }) };
    }
    return { tab: 'workflow', label: t('pe.where.workflow') };
  }
  const known = [
    'field',
    'level',
    'channels',
    'applicantKinds',
    'lifeEvents',
    'agencyIds',
    'result',
    'onlineLevel',
    'identityLevel',
    'source',
  ];
  if (known.includes(head)) return { tab: 'info', label: t(`pe.where.${head}`) };
  return { tab: 'general', label: t('pe.where.general') };
}

const WF_CODES = new Set([
  'no_steps',
  'no_final_step',
  'final_step_with_next',
  'no_next_step',
  'forward_not_allowed',
  'consult_mismatch',
  'consultation_exceeds_step',
  'legal_limit_exceeded',
  'cycle',
  'unreachable_step',
  'duplicate_id',
  'unknown_role',
  'unknown_action',
]);

/**
 * The message to show for a problem: workflow problems in the designer's own words (the core's
 * messages name internal step ids and keys), everything else as the server worded it.
 */
export function messageOf(t: TFunction, issue: Issue): string {
  if (issue.path.startsWith('workflow')) {
    if (WF_CODES.has(issue.code)) return t(`pe.wf.${issue.code}`);
    const last = issue.path.split('.').at(-1) ?? '';
    if (issue.code === 'invalid_value' && ['name_vi', 'allotment', 'agency'].includes(last)) return t(`pe.wf.${last}`);
  }
  return issue.message;
}
