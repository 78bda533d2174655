import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { Lang } from '../../http/messages.ts';
import { type FieldError, fieldError, Problem } from '../../http/problem.ts';
import { auditFields, type CommandContext, canonicalJson, recordAudit } from '../audit/audit.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import {
  CATALOG_FORMAT,
  CatalogFile,
  type CatalogItem,
  type ImportBody,
  type ProcedureContent,
} from './catalog.schemas.ts';
import {
  assertCatalogAdmin,
  catalogProvinceId,
  exportItems,
  insertVersion,
  publishVersion,
} from './catalog.service.ts';

export async function exportCatalog(ex: Executor): Promise<CatalogFile> {
  return { format: CATALOG_FORMAT, formatVersion: 1, procedures: await exportItems(ex) };
}

// ---------------- Excel layout ----------------

export const SHEET_PROCEDURES = 'Thủ tục';
export const SHEET_DOCUMENTS = 'Thành phần hồ sơ';
export const SHEET_FEES = 'Phí, lệ phí';

type Col = { key: string; header: string; width: number };
const PROCEDURE_COLUMNS: Col[] = [
  { key: 'key', header: 'Khóa', width: 12 },
  { key: 'id', header: 'ID', width: 38 },
  { key: 'code', header: 'Mã TTHC', width: 12 },
  { key: 'fullCode', header: 'Mã đầy đủ', width: 26 },
  { key: 'name', header: 'Tên thủ tục', width: 60 },
  { key: 'fieldCode', header: 'Mã lĩnh vực', width: 16 },
  { key: 'fieldName', header: 'Lĩnh vực', width: 24 },
  { key: 'level', header: 'Cấp thực hiện', width: 12 },
  { key: 'agencyCodes', header: 'Cơ quan thực hiện (mã)', width: 30 },
  { key: 'channels', header: 'Cách thức nộp', width: 22 },
  { key: 'applicantKinds', header: 'Đối tượng thực hiện', width: 22 },
  { key: 'lifeEvents', header: 'Sự kiện', width: 22 },
  { key: 'timeValue', header: 'Thời hạn', width: 10 },
  { key: 'timeUnit', header: 'Đơn vị thời hạn', width: 16 },
  { key: 'timeText', header: 'Thời hạn (nguyên văn)', width: 50 },
  { key: 'resultName', header: 'Kết quả', width: 40 },
  { key: 'resultKind', header: 'Loại kết quả', width: 14 },
  { key: 'onlineLevel', header: 'Mức độ DVC trực tuyến', width: 14 },
  { key: 'legalBasis', header: 'Căn cứ pháp lý', width: 50 },
  { key: 'verified', header: 'Đã xác minh', width: 10 },
  { key: 'sourceText', header: 'Nguồn', width: 50 },
  { key: 'sourceNotes', header: 'Ghi chú', width: 50 },
  { key: 'eForm', header: 'Biểu mẫu điện tử (JSON)', width: 30 },
  { key: 'workflow', header: 'Quy trình (JSON)', width: 30 },
];
const DOCUMENT_COLUMNS: Col[] = [
  { key: 'key', header: 'Khóa thủ tục', width: 12 },
  { key: 'no', header: 'STT', width: 6 },
  { key: 'name', header: 'Tên giấy tờ', width: 70 },
  { key: 'original', header: 'Bản chính', width: 10 },
  { key: 'copy', header: 'Bản sao', width: 10 },
  { key: 'requirement', header: 'Yêu cầu', width: 14 },
  { key: 'condition', header: 'Điều kiện', width: 40 },
  { key: 'templateFile', header: 'Mẫu đơn (tệp)', width: 24 },
  { key: 'templateUrl', header: 'Mẫu đơn (URL)', width: 30 },
];
const FEE_COLUMNS: Col[] = [
  { key: 'key', header: 'Khóa thủ tục', width: 12 },
  { key: 'no', header: 'STT', width: 6 },
  { key: 'name', header: 'Tên phí, lệ phí', width: 40 },
  { key: 'amountVnd', header: 'Số tiền (VNĐ)', width: 14 },
  { key: 'text', header: 'Mô tả', width: 60 },
];

const LIST_SEP = '; ';
const itemKey = (item: CatalogItem, i: number) => item.code ?? `#${i + 1}`;

export async function catalogToXlsx(file: CatalogFile): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'motcua';
  // Fixed dates: the same catalog gives the same workbook content.
  wb.created = new Date(Date.UTC(2025, 0, 1));
  wb.modified = wb.created;
  const sheet = (name: string, cols: Col[]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = cols.map((c) => ({ key: c.key, header: c.header, width: c.width }));
    ws.getRow(1).font = { bold: true };
    return ws;
  };
  const wsP = sheet(SHEET_PROCEDURES, PROCEDURE_COLUMNS);
  const wsD = sheet(SHEET_DOCUMENTS, DOCUMENT_COLUMNS);
  const wsF = sheet(SHEET_FEES, FEE_COLUMNS);
  file.procedures.forEach((p, i) => {
    const key = itemKey(p, i);
    wsP.addRow({
      key,
      id: p.id,
      code: p.code,
      fullCode: p.fullCode,
      name: p.name,
      fieldCode: p.field.code,
      fieldName: p.field.name,
      level: p.level,
      agencyCodes: p.agencyCodes.join(LIST_SEP),
      channels: p.channels.join(LIST_SEP),
      applicantKinds: p.applicantKinds.join(LIST_SEP),
      lifeEvents: p.lifeEvents.join(LIST_SEP),
      timeValue: p.timeLimit?.value ?? null,
      timeUnit: p.timeLimit?.unit ?? null,
      timeText: p.timeLimit?.text ?? null,
      resultName: p.result.name,
      resultKind: p.result.kind,
      onlineLevel: p.onlineLevel,
      legalBasis: p.legalBasis.join('\n'),
      verified: p.source.verified,
      sourceText: p.source.text,
      sourceNotes: p.source.notes,
      eForm: p.eForm ? JSON.stringify(p.eForm) : null,
      workflow: p.workflow ? JSON.stringify(p.workflow) : null,
    });
    p.documents.forEach((d, j) => {
      wsD.addRow({ key, no: j + 1, ...d });
    });
    p.fees.forEach((f, j) => {
      wsF.addRow({ key, no: j + 1, ...f });
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

type Cell = string | number | boolean | null;

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.normalize('NFC');
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return cellValue(v.richText.map((r) => r.text).join(''));
    if ('formula' in v || 'sharedFormula' in v) return cellValue((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in v && typeof (v as { text: unknown }).text === 'string')
      return cellValue((v as { text: string }).text);
    if ('error' in v) return null;
  }
  return null;
}

const asText = (c: Cell): string | null => (c === null ? null : typeof c === 'string' ? c : String(c));
const asList = (c: Cell): string[] =>
  (asText(c) ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
const asNumber = (c: Cell): number | null | string => {
  if (c === null) return null;
  if (typeof c === 'number') return c;
  const n = Number(String(c).replace(/[.\s]/g, '').replace(',', '.'));
  return Number.isFinite(n) ? n : String(c);
};
const asBool = (c: Cell): boolean | string => {
  if (typeof c === 'boolean') return c;
  const t = (asText(c) ?? '').toLowerCase();
  if (['true', 'x', 'có', 'co', '1', 'yes'].includes(t)) return true;
  if (['false', '', 'không', 'khong', '0', 'no'].includes(t)) return false;
  return t;
};
/** A code typed into Excel as a number (1.00122) loses its trailing zeros: restore 6 decimals. */
const asCode = (c: Cell): string | null => (typeof c === 'number' ? c.toFixed(6) : asText(c));

type RowRef = { sheet: string; row: number };
type Located = { file: unknown; procRows: RowRef[]; docRows: RowRef[][]; feeRows: RowRef[][] };

function readSheet(wb: ExcelJS.Workbook, name: string, cols: Col[], errors: FieldError[], lang: Lang) {
  const ws = wb.getWorksheet(name);
  if (!ws) {
    errors.push(
      fieldError(name, 'required', lang, { vi: `Thiếu trang tính "${name}"`, en: `Missing sheet "${name}"` }),
    );
    return [];
  }
  const header = ws.getRow(1);
  const index = new Map<string, number>();
  header.eachCell((cell, col) => {
    const h = asText(cellValue(cell.value));
    const c = cols.find((x) => x.header === h);
    if (c) index.set(c.key, col);
  });
  for (const c of cols) {
    if (!index.has(c.key)) {
      errors.push(
        fieldError(`${name}!1`, 'required', lang, {
          vi: `Thiếu cột "${c.header}"`,
          en: `Missing column "${c.header}"`,
        }),
      );
    }
  }
  const rows: { row: number; get: (k: string) => Cell }[] = [];
  ws.eachRow((r, n) => {
    if (n === 1) return;
    const get = (k: string) => {
      const col = index.get(k);
      return col ? cellValue(r.getCell(col).value) : null;
    };
    if (cols.every((c) => get(c.key) === null)) return;
    rows.push({ row: n, get });
  });
  return rows;
}

export async function xlsxToCatalog(data: Buffer, lang: Lang): Promise<Located> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new Problem('validation_failed', {
      errors: [
        fieldError('body.data', 'invalid_format', lang, {
          vi: 'Không đọc được tệp Excel (.xlsx)',
          en: 'Not a readable .xlsx file',
        }),
      ],
    });
  }
  const errors: FieldError[] = [];
  const pRows = readSheet(wb, SHEET_PROCEDURES, PROCEDURE_COLUMNS, errors, lang);
  const dRows = readSheet(wb, SHEET_DOCUMENTS, DOCUMENT_COLUMNS, errors, lang);
  const fRows = readSheet(wb, SHEET_FEES, FEE_COLUMNS, errors, lang);
  if (errors.length) throw new Problem('validation_failed', { errors });

  const byKey = new Map<string, number>();
  const procedures: Record<string, unknown>[] = [];
  const procRows: RowRef[] = [];
  const docRows: RowRef[][] = [];
  const feeRows: RowRef[][] = [];
  const json = (c: Cell, where: string) => {
    const t = asText(c);
    if (t === null) return null;
    try {
      return JSON.parse(t) as unknown;
    } catch {
      errors.push(fieldError(where, 'invalid_format', lang, { vi: 'JSON không hợp lệ', en: 'Invalid JSON' }));
      return null;
    }
  };
  for (const r of pRows) {
    const key = asCode(r.get('key'));
    const where = `${SHEET_PROCEDURES}!${r.row}`;
    if (!key || byKey.has(key)) {
      errors.push(
        fieldError(`${where}.Khóa`, 'custom', lang, { vi: 'Khóa trống hoặc trùng', en: 'Key empty or repeated' }),
      );
      continue;
    }
    byKey.set(key, procedures.length);
    const unit = asText(r.get('timeUnit'));
    procedures.push({
      id: asText(r.get('id')),
      code: asCode(r.get('code')),
      fullCode: asText(r.get('fullCode')),
      name: asText(r.get('name')),
      field: { code: asText(r.get('fieldCode')), name: asText(r.get('fieldName')) },
      level: asText(r.get('level')),
      agencyCodes: asList(r.get('agencyCodes')),
      channels: asList(r.get('channels')),
      applicantKinds: asList(r.get('applicantKinds')),
      lifeEvents: asList(r.get('lifeEvents')),
      documents: [],
      timeLimit:
        unit === null && r.get('timeValue') === null && r.get('timeText') === null
          ? null
          : { value: asNumber(r.get('timeValue')), unit, text: asText(r.get('timeText')) },
      fees: [],
      legalBasis: (asText(r.get('legalBasis')) ?? '')
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean),
      result: { name: asText(r.get('resultName')), kind: asText(r.get('resultKind')) },
      onlineLevel: asText(r.get('onlineLevel')),
      eForm: json(r.get('eForm'), `${where}.eForm`),
      workflow: json(r.get('workflow'), `${where}.workflow`),
      source: {
        verified: asBool(r.get('verified')),
        text: asText(r.get('sourceText')),
        notes: asText(r.get('sourceNotes')),
      },
    });
    procRows.push({ sheet: SHEET_PROCEDURES, row: r.row });
    docRows.push([]);
    feeRows.push([]);
  }
  const attach = (
    rows: typeof dRows,
    sheet: string,
    list: 'documents' | 'fees',
    refs: RowRef[][],
    build: (get: (k: string) => Cell) => Record<string, unknown>,
  ) => {
    const sorted = rows
      .map((r) => ({ ...r, no: asNumber(r.get('no')) }))
      .sort((a, b) => (typeof a.no === 'number' && typeof b.no === 'number' ? a.no - b.no : a.row - b.row));
    for (const r of sorted) {
      const key = asCode(r.get('key'));
      const i = key === null ? undefined : byKey.get(key);
      if (i === undefined) {
        errors.push(
          fieldError(`${sheet}!${r.row}.Khóa thủ tục`, 'custom', lang, {
            vi: `Không có thủ tục với khóa "${key ?? ''}"`,
            en: `No procedure with key "${key ?? ''}"`,
          }),
        );
        continue;
      }
      (procedures[i]![list] as unknown[]).push(build(r.get));
      refs[i]!.push({ sheet, row: r.row });
    }
  };
  attach(dRows, SHEET_DOCUMENTS, 'documents', docRows, (get) => ({
    name: asText(get('name')),
    original: asNumber(get('original')),
    copy: asNumber(get('copy')),
    requirement: asText(get('requirement')),
    condition: asText(get('condition')),
    templateFile: asText(get('templateFile')),
    templateUrl: asText(get('templateUrl')),
  }));
  attach(fRows, SHEET_FEES, 'fees', feeRows, (get) => ({
    name: asText(get('name')),
    amountVnd: asNumber(get('amountVnd')),
    text: asText(get('text')),
  }));
  if (errors.length) throw new Problem('validation_failed', { errors });
  return { file: { format: CATALOG_FORMAT, formatVersion: 1, procedures }, procRows, docRows, feeRows };
}

/** Turn zod issues into field errors; for a workbook the path names the sheet and row. */
function issuesToErrors(issues: z.core.$ZodIssue[], located: Located | null, base: string, lang: Lang): FieldError[] {
  return issues.slice(0, 200).map((iss) => {
    const path = iss.path.map(String);
    let where = [base, ...path].join('.');
    if (located && path[0] === 'procedures' && path.length > 1) {
      const i = Number(path[1]);
      const [, , list, j, ...rest] = path;
      const ref =
        list === 'documents' && j !== undefined
          ? located.docRows[i]?.[Number(j)]
          : list === 'fees' && j !== undefined
            ? located.feeRows[i]?.[Number(j)]
            : located.procRows[i];
      const tail = list === 'documents' || list === 'fees' ? rest : path.slice(2);
      if (ref) where = [`${ref.sheet}!${ref.row}`, ...tail].join('.');
    }
    const custom = iss.code === 'custom' ? { vi: iss.message, en: iss.message } : undefined;
    return fieldError(where, iss.code, lang, custom);
  });
}

export type ResolvedItem = CatalogItem & { agencyIds: string[] };

/** Parse and check the whole file before anything is written: 400 with every field error. */
export async function prepareImport(
  ex: Executor,
  body: z.infer<typeof ImportBody>,
  lang: Lang,
): Promise<ResolvedItem[]> {
  let raw: unknown;
  let located: Located | null = null;
  let base = 'body.catalog';
  if (body.format === 'json') {
    raw = body.catalog;
  } else {
    located = await xlsxToCatalog(Buffer.from(body.data, 'base64'), lang);
    raw = located.file;
    base = 'xlsx';
  }
  const parsed = CatalogFile.safeParse(raw);
  if (!parsed.success) {
    throw new Problem('validation_failed', { errors: issuesToErrors(parsed.error.issues, located, base, lang) });
  }
  const items = parsed.data.procedures;
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    for (const [k, v] of [
      ['code', it.code],
      ['fullCode', it.fullCode],
    ] as const) {
      if (!v) continue;
      if (seen.has(`${k}:${v}`)) {
        errors.push(
          fieldError(`${base}.procedures.${i}.${k}`, 'custom', lang, {
            vi: `Mã ${v} lặp lại`,
            en: `Code ${v} repeated`,
          }),
        );
      }
      seen.set(`${k}:${v}`, i);
    }
  });
  const codes = [...new Set(items.flatMap((i) => i.agencyCodes))];
  const agencies = codes.length
    ? await ex.selectFrom('agencies').select(['id', 'code']).where('code', 'in', codes).execute()
    : [];
  const idOf = new Map(agencies.map((a) => [a.code, a.id]));
  for (const [i, it] of items.entries()) {
    for (const [j, c] of it.agencyCodes.entries()) {
      if (!idOf.has(c)) {
        errors.push(
          fieldError(`${base}.procedures.${i}.agencyCodes.${j}`, 'custom', lang, {
            vi: `Không có cơ quan mã ${c}`,
            en: `No agency with code ${c}`,
          }),
        );
      }
    }
  }
  if (errors.length) throw new Problem('validation_failed', { errors: errors.slice(0, 200) });
  return items.map((it) => ({ ...it, agencyIds: it.agencyCodes.map((c) => idOf.get(c)!) }));
}

const contentOf = (it: ResolvedItem): ProcedureContent => {
  const { id: _i, code: _c, fullCode: _f, agencyCodes: _a, ...rest } = it;
  return rest;
};

/**
 * Write prepared items as published versions, matched to existing procedures by national code
 * (or full code). Identical content is left alone; changed content becomes a new published
 * version and the old one is archived. A procedure with an open draft is refused (the draft is an
 * administrator's unfinished work).
 */
export async function applyImport(
  tx: Tx,
  items: ResolvedItem[],
  actorId: string | null,
  lang: Lang,
): Promise<{ created: number; updated: number; unchanged: number }> {
  const provinceId = await catalogProvinceId(tx);
  const current = new Map<string, CatalogItem>();
  for (const it of await exportItems(tx)) current.set(it.id!, it);
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  const errors: FieldError[] = [];
  for (const [i, it] of items.entries()) {
    let existing: { id: string } | undefined;
    if (it.id || it.code || it.fullCode) {
      existing = await tx
        .selectFrom('procedures')
        .select(['id'])
        .where('province_id', '=', provinceId)
        .where((eb) =>
          eb.or([
            ...(it.id ? [eb('id', '=', it.id)] : []),
            ...(it.code ? [eb('code', '=', it.code)] : []),
            ...(it.fullCode ? [eb('full_code', '=', it.fullCode)] : []),
          ]),
        )
        .orderBy(sql`id = ${it.id}`, 'desc')
        .forUpdate()
        .executeTakeFirst();
    }
    if (!existing) {
      const p = await tx
        .insertInto('procedures')
        .values({ ...(it.id ? { id: it.id } : {}), province_id: provinceId, code: it.code, full_code: it.fullCode })
        .returning('id')
        .executeTakeFirstOrThrow();
      await insertVersion(tx, {
        procedureId: p.id,
        versionNo: 1,
        status: 'published',
        content: contentOf(it),
        actorId,
      });
      created++;
      continue;
    }
    const before = current.get(existing.id);
    const incoming = { ...it, id: existing.id, agencyCodes: [...it.agencyCodes].sort(), agencyIds: undefined };
    if (before && canonicalJson(before) === canonicalJson(incoming)) {
      unchanged++;
      continue;
    }
    const draft = await tx
      .selectFrom('procedure_versions')
      .select('id')
      .where('procedure_id', '=', existing.id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (draft) {
      errors.push(
        fieldError(`procedures.${i}.code`, 'custom', lang, {
          vi: 'Thủ tục đang có bản nháp chưa công bố; công bố bản nháp trước khi nhập',
          en: 'The procedure has an unpublished draft; publish it before importing',
        }),
      );
      continue;
    }
    const max = await tx
      .selectFrom('procedure_versions')
      .select((eb) => eb.fn.max('version_no').as('n'))
      .where('procedure_id', '=', existing.id)
      .executeTakeFirstOrThrow();
    const versionId = await insertVersion(tx, {
      procedureId: existing.id,
      versionNo: Number(max.n ?? 0) + 1,
      status: 'draft',
      content: contentOf(it),
      actorId,
    });
    await publishVersion(tx, existing.id, versionId, actorId);
    await tx
      .updateTable('procedures')
      .set({ code: it.code, full_code: it.fullCode, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', existing.id)
      .execute();
    updated++;
  }
  if (errors.length) throw new Problem('validation_failed', { errors });
  return { created, updated, unchanged };
}

/** POST /catalog/import: all or nothing, in one transaction with its audit row and outbox message. */
export async function importCatalog(db: Db, body: z.infer<typeof ImportBody>, ctx: CommandContext, lang: Lang) {
  assertCatalogAdmin(ctx.actor);
  const items = await prepareImport(db, body, lang);
  return db.transaction().execute(async (tx) => {
    const actorId = ctx.actor.kind === 'officer' ? ctx.actor.userId : null;
    const counts = await applyImport(tx, items, actorId, lang);
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'catalog.import',
      targetType: 'catalog',
      targetId: null,
      result: 'ok',
      details: { format: body.format, procedures: items.length, ...counts },
    });
    await enqueue(tx, {
      topic: 'catalog.imported',
      aggregateType: 'catalog',
      aggregateId: 'catalog',
      payload: { procedures: items.length, ...counts },
    });
    return counts;
  });
}
