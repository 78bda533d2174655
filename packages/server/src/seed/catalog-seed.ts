import fs from 'node:fs';
import path from 'node:path';
import type { LifeEventCode } from '@motcua/core';
import { ROOT_DIR } from '../config.ts';
import type { Tx } from '../db/database.ts';
import { applyImport, type ResolvedItem } from '../modules/catalog/catalog.import.ts';
import { CatalogItem } from '../modules/catalog/catalog.schemas.ts';
import { seededEForm, seededIdentityLevel } from './eforms/index.ts';
import { defaultWorkflow, LAND_CERTIFICATE_REISSUE, landCertificateWorkflow } from './workflows.ts';

/** One record of data/procedures.json (facts from public sources; see its README in shared/). */
export type SourceProcedure = {
  code: string | null;
  name: string;
  field: string;
  level: 'province' | 'commune';
  agency: string | null;
  timeLimit: { value: number; unit: 'working_days' | 'days'; text: string } | null;
  fees: { name: string; amountVnd: number | null; text: string | null }[];
  documents: { name: string; original: number | null; copy: number | null; required: boolean }[];
  resultName: string;
  onlineLevel: 'full' | 'partial' | 'none' | null;
  legalBasis: string[];
  source: string;
  verified: boolean;
  notes: string | null;
};

export function loadSourceProcedures(): SourceProcedure[] {
  const file = path.join(ROOT_DIR, 'packages/server/data/procedures.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SourceProcedure[];
}

/** Field code: the field name without accents, e.g. "Hộ tịch" → HO-TICH (no official code in the source). */
export function fieldCode(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

/**
 * Provincial procedures go to the department named (or implied) by the source's agency text;
 * `null` when the demo province has no such agency (the police is not in the demo tree).
 */
const PROVINCIAL_AGENCY: [RegExp, string | null][] = [
  [/Công an/i, null],
  [/Sở Tư pháp/i, 'stp'],
  [/Sở Nội vụ|lao động/i, 'snv'],
  [/Sở Xây dựng/i, 'sxd'],
  [/đăng ký kinh doanh cấp tỉnh/i, 'stc'],
  [/đăng ký đất đai/i, 'snnmt'],
  [/UBND cấp tỉnh/i, 'province'],
];

function agencyKeys(p: SourceProcedure, keys: string[]): string[] {
  if (p.level === 'commune') return keys.filter((k) => /^commune\.[^.]+$/.test(k));
  // The food-safety procedure is the Ministry of Health's (named in its title): Sở Y tế.
  if (p.agency === null) return /Bộ Y tế/.test(p.name) ? ['syt'] : [];
  for (const [re, key] of PROVINCIAL_AGENCY) if (re.test(p.agency)) return key ? [key] : [];
  return [];
}

function resultKind(name: string): CatalogItem['result']['kind'] {
  if (/^Giấy phép|^Biển hiệu/i.test(name)) return 'licence';
  if (/^Trích lục/i.test(name)) return 'extract';
  if (/^Bản sao|được chứng thực|đã được chứng thực/i.test(name)) return 'certified_copy';
  if (/^Quyết định/i.test(name)) return 'decision';
  if (/^Thông báo|^Biên bản|^Nội quy/i.test(name)) return 'notice';
  if (/^Giấy|^Thẻ|^Phiếu/i.test(name)) return 'certificate';
  return 'other';
}

const ORGANIZATION_FIELDS = new Set([
  'Thành lập và hoạt động doanh nghiệp',
  'Lao động',
  'Việc làm',
  'An toàn thực phẩm',
  'Du lịch',
]);
const BOTH_FIELDS = new Set([
  'Chứng thực',
  'Đất đai',
  'Thành lập và hoạt động của hộ kinh doanh',
  'Văn hóa',
  'Hoạt động xây dựng',
]);

/**
 * The life events (core LIFE_EVENTS) a seeded procedure is listed under: by name first (a birth
 * registration is about a baby, not about civil status in general), then by field.
 */
const LIFE_EVENTS_BY_NAME: [RegExp, LifeEventCode[]][] = [
  [/khai sinh|nhận cha, mẹ, con|giám hộ/i, ['birth']],
  [/bản sao/i, ['papers']],
  [/kết hôn|tình trạng hôn nhân/i, ['marriage']],
  [/khai tử|di chúc|từ chối nhận di sản|mộ liệt sĩ/i, ['death']],
  [/hộ kinh doanh|thành lập công ty|thành lập doanh nghiệp/i, ['start_business']],
  [/lao động/i, ['employment']],
  [/lái xe/i, ['vehicle']],
  [/tranh chấp|hòa giải/i, ['disputes']],
];
const LIFE_EVENTS_BY_FIELD: Record<string, LifeEventCode[]> = {
  'Hộ tịch': ['residence'],
  'Chứng thực': ['papers'],
  'Lý lịch tư pháp': ['papers', 'work'],
  'Đăng ký, quản lý cư trú': ['residence'],
  'Căn cước': ['residence'],
  'Đất đai': ['housing_land'],
  'Hoạt động xây dựng': ['housing_land'],
  'Bảo trợ xã hội': ['social_support'],
  'Giảm nghèo': ['social_support'],
  'Người có công': ['social_support'],
  'An toàn thực phẩm': ['business_operations'],
  'Du lịch': ['business_operations'],
  'Đường bộ': ['vehicle'],
};
export function lifeEventsOf(p: Pick<SourceProcedure, 'name' | 'field'>): LifeEventCode[] {
  const found = new Set<LifeEventCode>();
  for (const [re, codes] of LIFE_EVENTS_BY_NAME) if (re.test(p.name)) for (const c of codes) found.add(c);
  // Civil status (hộ tịch) procedures named after an event belong to that event only.
  if (found.size === 0 || p.field !== 'Hộ tịch') for (const c of LIFE_EVENTS_BY_FIELD[p.field] ?? []) found.add(c);
  // A land transaction is certified at the commune: the certification belongs to housing too.
  if (/quyền sử dụng đất, nhà ở/i.test(p.name)) found.add('housing_land');
  return [...found];
}

/**
 * Editorial remarks of whoever compiled the source ("mức thu không ghi trong nguồn đã đọc", "nguồn
 * trước 01/7/2025 ghi…", "mức cụ thể chưa thu thập") are for administrators, not for the public
 * page or the receipt: they are cut out of public text fields and kept in `source.notes`.
 */
const EDITORIAL =
  /nguồn (đã )?đọc|trong nguồn|nguồn (trước|ghi|không|chỉ)|chưa thu thập|chưa có số liệu|chưa có mức|mức thu chưa xác định|Cổng DVCQG ghi|đọc (qua|từ) /i;
/** What the public reads when the source states no fee amount. */
export const FEE_NOT_PUBLISHED = 'Mức thu chưa được công bố trên Cổng; cán bộ tiếp nhận thông báo khi nộp hồ sơ';

/** Clauses separated by "; " or " – " outside parentheses. */
function topLevelClauses(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      const sep = text.slice(i).match(/^(;\s+|\s+–\s+)/);
      if (sep) {
        out.push(text.slice(start, i));
        i += sep[0].length - 1;
        start = i + 1;
      }
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Splits a text into its public part (null when nothing is left) and the editorial remarks cut out. */
export function splitEditorial(text: string | null): { text: string | null; removed: string[] } {
  if (text === null) return { text: null, removed: [] };
  const removed: string[] = [];
  // Inside parentheses first: "(Mẫu số 18 …; nguồn trước 01/7/2025 ghi …)" keeps "(Mẫu số 18 …)".
  let t = text.replace(/\s*\(([^()]*)\)/g, (whole, inner: string) => {
    const parts = inner.split(/;\s+/);
    const kept = parts.filter((x) => !EDITORIAL.test(x));
    removed.push(...parts.filter((x) => EDITORIAL.test(x)).map((x) => x.trim()));
    return kept.length ? ` (${kept.join('; ')})` : '';
  });
  const clauses = topLevelClauses(t);
  const kept = clauses.filter((c) => !EDITORIAL.test(c));
  removed.push(...clauses.filter((c) => EDITORIAL.test(c)).map((c) => c.trim()));
  if (kept.length !== clauses.length) t = kept.join('; ');
  t = t.trim();
  return { text: t === '' ? null : t.charAt(0).toUpperCase() + t.slice(1), removed };
}

/** The item with editorial remarks moved from public fields to `source.notes`. */
function withoutEditorial(item: Omit<CatalogItem, 'agencyCodes'>): Omit<CatalogItem, 'agencyCodes'> {
  const removed: string[] = [];
  const clean = (v: string | null) => {
    const r = splitEditorial(v);
    removed.push(...r.removed);
    return r.text;
  };
  const cleaned = {
    ...item,
    documents: item.documents.map((d) => ({ ...d, name: clean(d.name) ?? d.name })),
    timeLimit: item.timeLimit && { ...item.timeLimit, text: clean(item.timeLimit.text) },
    fees: item.fees.map((f) => {
      const text = clean(f.text);
      return { ...f, name: clean(f.name) ?? f.name, text: text ?? (f.amountVnd === null ? FEE_NOT_PUBLISHED : null) };
    }),
    legalBasis: item.legalBasis.map((l) => clean(l) ?? l),
    result: { ...item.result, name: clean(item.result.name) ?? item.result.name },
  };
  if (cleaned.timeLimit && cleaned.timeLimit.unit === 'text' && cleaned.timeLimit.text === null) {
    cleaned.timeLimit = item.timeLimit;
  }
  if (removed.length === 0) return item;
  const note = `Ghi chú biên tập (không công bố): ${removed.join('; ')}`;
  return { ...cleaned, source: { ...item.source, notes: item.source.notes ? `${item.source.notes}\n${note}` : note } };
}

/** Source record → catalog item. Channels and applicant kinds are inferred (the source has neither). */
export function toCatalogItem(p: SourceProcedure): Omit<CatalogItem, 'agencyCodes'> {
  const item = withoutEditorial(sourceItem(p));
  // "Nguồn không nêu phí": no fee list is not the same as free of charge — the page must not say "Không mất phí".
  if (item.fees.length === 0 && /không nêu phí|không thấy quy định phí/i.test(p.notes ?? '')) {
    return { ...item, fees: [{ name: 'Phí, lệ phí', amountVnd: null, text: FEE_NOT_PUBLISHED }] };
  }
  return item;
}

/**
 * The declaration a seeded e-form fills in (tờ khai, đơn, giấy đề nghị): the first document of
 * those procedures. Chứng thực bản sao lists no declaration (its first document is the original
 * to copy), so its e-form replaces no file.
 */
const DECLARATION = /^(Tờ khai|Đơn|Giấy đề nghị)\b/u;

function sourceItem(p: SourceProcedure): Omit<CatalogItem, 'agencyCodes'> {
  const eForm = seededEForm(p);
  const all = `${p.notes ?? ''} ${p.timeLimit?.text ?? ''}`;
  const channels: CatalogItem['channels'] = ['counter'];
  if (p.onlineLevel === 'full' || p.onlineLevel === 'partial' || /trực tuyến|VNeID/i.test(all)) channels.push('online');
  if (/bưu chính/i.test(all)) channels.push('postal');
  return {
    id: null,
    code: p.code,
    fullCode: null,
    name: p.name.trim(),
    field: { code: fieldCode(p.field), name: p.field },
    level: p.level,
    channels,
    applicantKinds: ORGANIZATION_FIELDS.has(p.field)
      ? ['organization']
      : BOTH_FIELDS.has(p.field)
        ? ['citizen', 'organization']
        : ['citizen'],
    lifeEvents: lifeEventsOf(p),
    documents: p.documents.map((d, j) => ({
      name: d.name.trim(),
      original: d.original,
      copy: d.copy,
      requirement: d.required ? 'mandatory' : 'conditional',
      condition: null,
      templateFile: null,
      templateUrl: null,
      ...(j === 0 && eForm !== null && DECLARATION.test(d.name.trim()) ? { filledByEForm: true } : {}),
    })),
    timeLimit: p.timeLimit
      ? {
          value: p.timeLimit.value,
          unit: p.timeLimit.unit === 'days' ? 'calendar_days' : p.timeLimit.unit,
          text: p.timeLimit.text,
        }
      : null,
    fees: p.fees.map((f) => ({ name: f.name.trim(), amountVnd: f.amountVnd, text: f.text })),
    legalBasis: p.legalBasis.map((l) => l.trim()),
    result: { name: p.resultName.trim(), kind: resultKind(p.resultName) },
    onlineLevel: p.onlineLevel,
    eForm,
    identityLevel: seededIdentityLevel(p),
    workflow: null,
    source: { verified: p.verified, text: p.source, notes: p.notes },
  };
}

/** The demo workflow of a procedure handled by the agency `key` (demo-province.ts keys). */
function workflowOf(p: SourceProcedure, key: string | null, codeOfKey: (key: string) => string | null) {
  if (p.level === 'commune' || key === null) return defaultWorkflow(p, { specialist: null, head: null });
  const head = codeOfKey(key)!;
  const division = codeOfKey(`${key}.1`) ?? head;
  if (LAND_CERTIFICATE_REISSUE.test(p.name)) return landCertificateWorkflow(division, head);
  return defaultWorkflow(p, { specialist: division, head });
}

export type CatalogSeedResult = {
  published: number;
  /** Left as drafts: the demo province cannot handle them (see docs/catalog.md, Seed). */
  drafts: { name: string; reasons: string[] }[];
  skipped: { name: string; reason: string }[];
};

/**
 * Publish every procedure of data/procedures.json into the demo province, in the seed's
 * transaction. Each one is validated by the same schema as an import; an invalid one is skipped
 * and reported rather than failing the seed.
 */
export async function seedCatalog(tx: Tx, agencyIds: Map<string, string>): Promise<CatalogSeedResult> {
  const codeOf = new Map<string, string>();
  const rows = await tx.selectFrom('agencies').select(['id', 'code']).execute();
  for (const r of rows) codeOf.set(r.id, r.code);
  const keys = [...agencyIds.keys()];
  const items: ResolvedItem[] = [];
  const skipped: CatalogSeedResult['skipped'] = [];
  for (const p of loadSourceProcedures()) {
    const agencyKeysOf = agencyKeys(p, keys);
    const ids = agencyKeysOf.map((k) => agencyIds.get(k)!);
    const item = toCatalogItem(p);
    // The demo's two-agency procedure is offered online too (the source does not say either way).
    if (LAND_CERTIFICATE_REISSUE.test(p.name) && !item.channels.includes('online')) item.channels.push('online');
    const candidate = {
      ...item,
      workflow: workflowOf(p, agencyKeysOf[0] ?? null, (key) => {
        const id = agencyIds.get(key);
        return id === undefined ? null : codeOf.get(id)!;
      }) as unknown as Record<string, unknown>,
      agencyCodes: ids.map((id) => codeOf.get(id)!).sort(),
    };
    const parsed = CatalogItem.safeParse(candidate);
    if (!parsed.success) {
      skipped.push({
        name: p.name,
        reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
      continue;
    }
    const byCode = new Map(ids.map((id) => [codeOf.get(id)!, id]));
    items.push({ ...parsed.data, agencyIds: parsed.data.agencyCodes.map((c) => byCode.get(c)!) });
  }
  // A procedure the demo province has no agency for (the police's: Phiếu lý lịch tư pháp, Đổi giấy
  // phép lái xe) is not publishable: the import keeps it as a draft, its reasons shown to administrators.
  const counts = await applyImport(tx, items, null, 'vi');
  return {
    published: counts.created + counts.updated - counts.keptAsDraft,
    drafts: counts.drafts.map((d) => ({ name: d.name, reasons: d.issues.map((i) => i.message_vi) })),
    skipped,
  };
}
