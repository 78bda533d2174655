import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import type { Lang } from '../../shared/messages.ts';
import { type FieldError, fieldError, Problem } from '../../shared/problem.ts';
import { restoreNeutralized, safeCell } from '../../shared/spreadsheet.ts';
import { auditFields, canonicalJson, recordAudit } from '../audit/audit.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import {
  APPLICANT_KIND_LABELS,
  CHANNEL_LABELS,
  codeOf,
  fieldName,
  issueMessage,
  itemPlace,
  LEVEL_LABELS,
  LIFE_EVENT_LABELS,
  labelOf,
  ONLINE_LEVEL_LABELS,
  type Place,
  placedError,
  REQUIREMENT_LABELS,
  RESULT_KIND_LABELS,
  rowPlace,
  TIME_UNIT_LABELS,
} from './catalog.labels.ts';
import { publishIssues } from './catalog.publishable.ts';
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
import {
  CONSULTATION_COLUMNS,
  fitsSheets,
  SHEET_CONSULTATIONS,
  SHEET_WORKFLOW,
  WORKFLOW_COLUMNS,
  workflowFromRows,
  workflowRows,
} from './catalog.workflow-sheet.ts';

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
  { key: 'filledByEForm', header: 'Thay bằng biểu mẫu điện tử', width: 14 },
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
  const wsW = sheet(SHEET_WORKFLOW, WORKFLOW_COLUMNS);
  const wsC = sheet(SHEET_CONSULTATIONS, CONSULTATION_COLUMNS);
  file.procedures.forEach((p, i) => {
    const key = itemKey(p, i);
    wsP.addRow(
      safeRow({
        key,
        id: p.id,
        code: p.code,
        fullCode: p.fullCode,
        name: p.name,
        fieldCode: p.field.code,
        fieldName: p.field.name,
        level: labelOf(LEVEL_LABELS, p.level),
        agencyCodes: p.agencyCodes.join(LIST_SEP),
        channels: p.channels.map((c) => labelOf(CHANNEL_LABELS, c)).join(LIST_SEP),
        applicantKinds: p.applicantKinds.map((k) => labelOf(APPLICANT_KIND_LABELS, k)).join(LIST_SEP),
        lifeEvents: p.lifeEvents.map((e) => labelOf(LIFE_EVENT_LABELS, e)).join(LIST_SEP),
        timeValue: p.timeLimit?.value ?? null,
        timeUnit: labelOf(TIME_UNIT_LABELS, p.timeLimit?.unit ?? null),
        timeText: p.timeLimit?.text ?? null,
        resultName: p.result.name,
        resultKind: labelOf(RESULT_KIND_LABELS, p.result.kind),
        onlineLevel: labelOf(ONLINE_LEVEL_LABELS, p.onlineLevel),
        legalBasis: p.legalBasis.join('\n'),
        verified: p.source.verified ? 'Có' : 'Không',
        sourceText: p.source.text,
        sourceNotes: p.source.notes,
        eForm: p.eForm ? JSON.stringify(p.eForm) : null,
        // A workflow travels as rows of the "Quy trình" sheets; only one they cannot hold stays JSON.
        workflow: p.workflow && !fitsSheets(p.workflow) ? JSON.stringify(p.workflow) : null,
      }),
    );
    if (p.workflow && fitsSheets(p.workflow)) {
      const rows = workflowRows(key, p.workflow);
      for (const r of rows.steps) wsW.addRow(safeRow(r));
      for (const r of rows.consultations) wsC.addRow(safeRow(r));
    }
    p.documents.forEach((d, j) => {
      wsD.addRow(
        safeRow({
          key,
          no: j + 1,
          ...d,
          requirement: labelOf(REQUIREMENT_LABELS, d.requirement),
          filledByEForm: d.filledByEForm ? 'Có' : 'Không',
        }),
      );
    });
    p.fees.forEach((f, j) => {
      wsF.addRow(safeRow({ key, no: j + 1, ...f }));
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Every text cell of an exported row neutralized against formula injection (OWASP CSV injection). */
function safeRow(row: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, safeCell(v)]));
}

type Cell = string | number | boolean | null;

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  // Our export neutralizes formula-like text (shared/spreadsheet.ts); undo it so export → import is the identity.
  if (typeof v === 'string') return v.trim() === '' ? null : restoreNeutralized(v.normalize('NFC'));
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
type Located = { file: unknown; procRows: RowRef[]; docRows: RowRef[][]; feeRows: RowRef[][]; stepRows: RowRef[][] };

function readSheet(
  wb: ExcelJS.Workbook,
  name: string,
  cols: Col[],
  errors: FieldError[],
  lang: Lang,
  optional = false,
) {
  const ws = wb.getWorksheet(name);
  if (!ws && optional) return [];
  if (!ws) {
    errors.push(
      fieldError(name, 'required', lang, {
        vi: `Tệp Excel thiếu trang «${name}»`,
        en: `The workbook has no sheet “${name}”`,
      }),
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
          vi: `Trang «${name}», dòng 1: thiếu cột «${c.header}»`,
          en: `Sheet “${name}”, row 1: the column “${c.header}” is missing`,
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
  // Files written before the workflow sheets existed carry the workflow as JSON only.
  const wRows = readSheet(wb, SHEET_WORKFLOW, WORKFLOW_COLUMNS, errors, lang, true);
  const cRows = readSheet(wb, SHEET_CONSULTATIONS, CONSULTATION_COLUMNS, errors, lang, true);
  if (errors.length) throw new Problem('validation_failed', { errors });

  const byKey = new Map<string, number>();
  const procedures: Record<string, unknown>[] = [];
  const procRows: RowRef[] = [];
  const docRows: RowRef[][] = [];
  const feeRows: RowRef[][] = [];
  const stepRows: RowRef[][] = [];
  const json = (c: Cell, where: string) => {
    const t = asText(c);
    if (t === null) return null;
    try {
      return JSON.parse(t) as unknown;
    } catch {
      const col = PROCEDURE_COLUMNS.find((c) => `${c.key}` === where.split('.').at(-1));
      const row = Number(where.split('!')[1]?.split('.')[0]);
      errors.push(
        placedError(
          where,
          'invalid_format',
          rowPlace(SHEET_PROCEDURES, SHEET_PROCEDURES, row, {
            vi: col?.header ?? '',
            en: fieldName([col?.key ?? '']).en,
          }),
          { vi: 'nội dung JSON không đúng cú pháp', en: 'the JSON is malformed' },
          lang,
        ),
      );
      return null;
    }
  };
  for (const r of pRows) {
    const key = asCode(r.get('key'));
    const where = `${SHEET_PROCEDURES}!${r.row}`;
    if (!key || byKey.has(key)) {
      errors.push(
        placedError(
          `${where}.Khóa`,
          'custom',
          rowPlace(SHEET_PROCEDURES, SHEET_PROCEDURES, r.row, { vi: 'Khóa', en: 'Key' }),
          { vi: 'khóa trống hoặc trùng với dòng khác', en: 'the key is empty or repeats another row' },
          lang,
        ),
      );
      continue;
    }
    byKey.set(key, procedures.length);
    const unit = codeOf(TIME_UNIT_LABELS, asText(r.get('timeUnit')));
    procedures.push({
      id: asText(r.get('id')),
      code: asCode(r.get('code')),
      fullCode: asText(r.get('fullCode')),
      name: asText(r.get('name')),
      field: { code: asText(r.get('fieldCode')), name: asText(r.get('fieldName')) },
      level: codeOf(LEVEL_LABELS, asText(r.get('level'))),
      agencyCodes: asList(r.get('agencyCodes')),
      channels: asList(r.get('channels')).map((c) => codeOf(CHANNEL_LABELS, c)),
      applicantKinds: asList(r.get('applicantKinds')).map((k) => codeOf(APPLICANT_KIND_LABELS, k)),
      lifeEvents: asList(r.get('lifeEvents')).map((e) => codeOf(LIFE_EVENT_LABELS, e)),
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
      result: { name: asText(r.get('resultName')), kind: codeOf(RESULT_KIND_LABELS, asText(r.get('resultKind'))) },
      onlineLevel: codeOf(ONLINE_LEVEL_LABELS, asText(r.get('onlineLevel'))),
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
    stepRows.push([]);
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
          placedError(
            `${sheet}!${r.row}.Khóa thủ tục`,
            'custom',
            rowPlace(sheet, SHEET_PROCEDURES, r.row, { vi: 'Khóa thủ tục', en: 'Procedure key' }),
            {
              vi: `không có thủ tục với khóa «${key ?? ''}» ở trang «${SHEET_PROCEDURES}»`,
              en: `no procedure with key “${key ?? ''}” in sheet “${SHEET_PROCEDURES}”`,
            },
            lang,
          ),
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
    requirement: codeOf(REQUIREMENT_LABELS, asText(get('requirement'))),
    condition: asText(get('condition')),
    templateFile: asText(get('templateFile')),
    templateUrl: asText(get('templateUrl')),
    // Written only when set, so that a file without the column (or with "Không") changes nothing.
    ...(asBool(get('filledByEForm')) === false ? {} : { filledByEForm: asBool(get('filledByEForm')) }),
  }));
  attach(fRows, SHEET_FEES, 'fees', feeRows, (get) => ({
    name: asText(get('name')),
    amountVnd: asNumber(get('amountVnd')),
    text: asText(get('text')),
  }));
  // Workflow rows: steps by STT, each procedure's consultations grouped under it.
  const byNo = <T extends { row: number; get: (k: string) => Cell }>(rows: T[]) =>
    rows
      .map((r) => ({ ...r, no: asNumber(r.get('no')) }))
      .sort((a, b) => (typeof a.no === 'number' && typeof b.no === 'number' ? a.no - b.no : a.row - b.row));
  const stepsOf = new Map<number, { row: number; get: (k: string) => Cell }[]>();
  const consultationsOf = new Map<number, ((k: string) => Cell)[]>();
  for (const [sheet, rows, target] of [
    [SHEET_WORKFLOW, wRows, 'steps'],
    [SHEET_CONSULTATIONS, cRows, 'consultations'],
  ] as const) {
    for (const r of byNo(rows)) {
      const key = asCode(r.get('key'));
      const i = key === null ? undefined : byKey.get(key);
      if (i === undefined) {
        errors.push(
          placedError(
            `${sheet}!${r.row}.Khóa thủ tục`,
            'custom',
            rowPlace(sheet, SHEET_PROCEDURES, r.row, { vi: 'Khóa thủ tục', en: 'Procedure key' }),
            {
              vi: `không có thủ tục với khóa «${key ?? ''}» ở trang «${SHEET_PROCEDURES}»`,
              en: `no procedure with key “${key ?? ''}” in sheet “${SHEET_PROCEDURES}”`,
            },
            lang,
          ),
        );
        continue;
      }
      if (target === 'steps') stepsOf.set(i, [...(stepsOf.get(i) ?? []), r]);
      else consultationsOf.set(i, [...(consultationsOf.get(i) ?? []), r.get]);
    }
  }
  for (const [i, steps] of stepsOf) {
    const p = procedures[i]!;
    if (p.workflow !== null) {
      errors.push(
        placedError(
          `${SHEET_PROCEDURES}!${procRows[i]!.row}.workflow`,
          'custom',
          rowPlace(SHEET_PROCEDURES, SHEET_PROCEDURES, procRows[i]!.row, {
            vi: 'Quy trình (JSON)',
            en: 'Workflow (JSON)',
          }),
          {
            vi: `quy trình đã có ở trang «${SHEET_WORKFLOW}»; để trống ô JSON`,
            en: `the workflow is already in sheet “${SHEET_WORKFLOW}”; leave the JSON cell empty`,
          },
          lang,
        ),
      );
      continue;
    }
    p.workflow = workflowFromRows(
      steps.map((r) => r.get),
      consultationsOf.get(i) ?? [],
    );
    stepRows[i] = steps.map((r) => ({ sheet: SHEET_WORKFLOW, row: r.row }));
  }
  if (errors.length) throw new Problem('validation_failed', { errors });
  return { file: { format: CATALOG_FORMAT, formatVersion: 1, procedures }, procRows, docRows, feeRows, stepRows };
}

/** Which procedure-sheet column holds a field of a catalog item. */
const PROC_COLUMN_OF: Record<string, string> = {
  id: 'id',
  code: 'code',
  fullCode: 'fullCode',
  name: 'name',
  'field.code': 'fieldCode',
  'field.name': 'fieldName',
  level: 'level',
  agencyCodes: 'agencyCodes',
  channels: 'channels',
  applicantKinds: 'applicantKinds',
  lifeEvents: 'lifeEvents',
  timeLimit: 'timeValue',
  'timeLimit.value': 'timeValue',
  'timeLimit.unit': 'timeUnit',
  'timeLimit.text': 'timeText',
  result: 'resultName',
  'result.name': 'resultName',
  'result.kind': 'resultKind',
  onlineLevel: 'onlineLevel',
  legalBasis: 'legalBasis',
  'source.verified': 'verified',
  'source.text': 'sourceText',
  'source.notes': 'sourceNotes',
  eForm: 'eForm',
  workflow: 'workflow',
};

const getAt = (v: unknown, path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
    v,
  );

/**
 * Where field `path` of item `i` is: as a path (`Thủ tục!3.level`, `body.catalog.procedures.2.level`)
 * for programs, and in words for people ("Dòng 3, cột Cấp thực hiện" / "Thủ tục thứ 3 («…»), mục …").
 */
function locate(located: Located | null, base: string, raw: unknown, i: number, path: string[]) {
  const [list, j, ...rest] = path;
  const sub = (list === 'documents' || list === 'fees') && j !== undefined && /^\d+$/.test(j) ? Number(j) : null;
  const name = getAt(raw, ['procedures', i, 'name']);
  const field = fieldName(path);
  if (located) {
    const step = list === 'workflow' && j === 'steps' && /^\d+$/.test(rest[0] ?? '') ? Number(rest[0]) : null;
    const stepRef = step === null ? undefined : located.stepRows[i]?.[step];
    if (stepRef) {
      const col = WORKFLOW_COLUMNS.find((c) => c.key === rest[1]) ?? WORKFLOW_COLUMNS[2]!;
      const column =
        rest[1] === 'consultations'
          ? { vi: SHEET_CONSULTATIONS, en: 'Consultations' }
          : { vi: col.header, en: fieldName(['workflow', 'steps', col.key]).en };
      return {
        where: [`${stepRef.sheet}!${stepRef.row}`, ...rest.slice(1)].join('.'),
        place: rowPlace(stepRef.sheet, SHEET_PROCEDURES, stepRef.row, column),
      };
    }
    if (sub !== null) {
      const ref = (list === 'documents' ? located.docRows : located.feeRows)[i]?.[sub];
      const cols = list === 'documents' ? DOCUMENT_COLUMNS : FEE_COLUMNS;
      const col = cols.find((c) => c.key === rest[0]) ?? cols[2]!;
      if (ref) {
        const column = { vi: col.header, en: fieldName([list!, col.key]).en };
        return {
          where: [`${ref.sheet}!${ref.row}`, ...rest].join('.'),
          place: rowPlace(ref.sheet, SHEET_PROCEDURES, ref.row, column),
        };
      }
    }
    const ref = located.procRows[i];
    if (ref) {
      const key =
        PROC_COLUMN_OF[path.slice(0, 2).join('.')] ??
        PROC_COLUMN_OF[path[0] ?? ''] ??
        (list === 'documents' ? null : null);
      const col = PROCEDURE_COLUMNS.find((c) => c.key === key);
      const column = col
        ? { vi: col.header, en: field.en }
        : list === 'documents'
          ? { vi: SHEET_DOCUMENTS, en: 'Documents' }
          : list === 'fees'
            ? { vi: SHEET_FEES, en: 'Fees' }
            : field;
      return {
        where: [`${ref.sheet}!${ref.row}`, ...path].join('.'),
        place: rowPlace(ref.sheet, SHEET_PROCEDURES, ref.row, column),
      };
    }
  }
  const subWords = sub === null ? null : list === 'documents' ? `giấy tờ thứ ${sub + 1}` : `khoản phí thứ ${sub + 1}`;
  return { where: [base, 'procedures', i, ...path].join('.'), place: itemPlace(i, name, subWords, field) };
}

/** Turn zod issues into field errors worded with their row and column (or item and field). */
function issuesToErrors(
  issues: z.core.$ZodIssue[],
  located: Located | null,
  base: string,
  raw: unknown,
  lang: Lang,
): FieldError[] {
  return issues.slice(0, 200).map((iss) => {
    const path = iss.path.map(String);
    if (path[0] !== 'procedures' || path.length < 2) {
      const place: Place = { vi: 'Tệp danh mục', en: 'Catalog file' };
      return placedError([base, ...path].join('.'), iss.code, place, issueMessage(iss, {}, getAt(raw, path)), lang);
    }
    const i = Number(path[1]);
    const rest = path.slice(2);
    const { where, place } = locate(located, base, raw, i, rest);
    return placedError(where, iss.code, place, issueMessage(iss, fieldName(rest), getAt(raw, path)), lang);
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
    throw new Problem('validation_failed', { errors: issuesToErrors(parsed.error.issues, located, base, raw, lang) });
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
        const { where, place } = locate(located, base, raw, i, [k]);
        errors.push(
          placedError(
            where,
            'custom',
            place,
            {
              vi: `mã ${v} đã có ở thủ tục thứ ${seen.get(`${k}:${v}`)! + 1} của tệp`,
              en: `code ${v} is already used by procedure ${seen.get(`${k}:${v}`)! + 1} of the file`,
            },
            lang,
          ),
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
        const { where, place } = locate(located, base, raw, i, ['agencyCodes', String(j)]);
        errors.push(
          placedError(
            located ? where : `${base}.procedures.${i}.agencyCodes.${j}`,
            'custom',
            place,
            {
              vi: `không có cơ quan mã ${c} trong tỉnh`,
              en: `no agency with code ${c} in the province`,
            },
            lang,
          ),
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

/** An imported procedure kept as a draft, and why it could not be published. */
export type KeptDraft = {
  index: number;
  code: string | null;
  name: string;
  issues: { path: string; code: string; message_vi: string; message_en: string }[];
};
export type ImportCounts = {
  created: number;
  updated: number;
  unchanged: number;
  /** How many of the created/updated items were kept as drafts (not publishable). */
  keptAsDraft: number;
  drafts: KeptDraft[];
};

/**
 * Write prepared items, matched to existing procedures by id, national code or full code.
 * Identical content is left alone; changed content becomes a new version. Each new version is
 * published only when it is publishable (catalog.publishable.ts: active handling agencies, a valid
 * workflow whose every step resolves); otherwise it is kept as a draft — a procedure without a valid
 * workflow cannot be published — and the answer lists it with the reasons, while a previously
 * published version stays public. A procedure with an open draft is refused (the draft is an
 * administrator's unfinished work), unless the draft already holds exactly the incoming content.
 */
export async function applyImport(
  tx: Tx,
  items: ResolvedItem[],
  actorId: string | null,
  lang: Lang,
  opts: { keepDrafts?: boolean } = {},
): Promise<ImportCounts> {
  const provinceId = await catalogProvinceId(tx);
  const current = new Map<string, CatalogItem>();
  for (const it of await exportItems(tx)) current.set(it.id!, it);
  const drafts = new Map<string, CatalogItem>();
  for (const it of await exportItems(tx, 'draft')) drafts.set(it.id!, it);
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  const kept: KeptDraft[] = [];
  const errors: FieldError[] = [];
  const statusFor = async (i: number, it: ResolvedItem): Promise<'draft' | 'published'> => {
    // Procedures brought by an outside system (GovStack) wait for an administrator to publish them.
    if (opts.keepDrafts) return 'draft';
    const issues = await publishIssues(tx, it);
    if (issues.length === 0) return 'published';
    kept.push({
      index: i,
      code: it.code,
      name: it.name,
      issues: issues.map((x) => ({ path: x.path, code: x.code, message_vi: x.vi, message_en: x.en })),
    });
    return 'draft';
  };
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
        status: await statusFor(i, it),
        content: contentOf(it),
        actorId,
      });
      created++;
      continue;
    }
    const incoming = canonicalJson({
      ...it,
      id: existing.id,
      agencyCodes: [...it.agencyCodes].sort(),
      agencyIds: undefined,
    });
    const before = current.get(existing.id);
    const draft = drafts.get(existing.id);
    if (draft ? canonicalJson(draft) === incoming : before && canonicalJson(before) === incoming) {
      unchanged++;
      continue;
    }
    if (draft) {
      errors.push(
        fieldError(`procedures.${i}`, 'custom', lang, {
          vi: `Thủ tục «${it.name}» đang có bản nháp chưa công bố; công bố hoặc hoàn thiện bản nháp trước khi nhập`,
          en: `The procedure “${it.name}” has an unpublished draft; publish or finish it before importing`,
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
    if ((await statusFor(i, it)) === 'published') await publishVersion(tx, existing.id, versionId, actorId);
    await tx
      .updateTable('procedures')
      .set({ code: it.code, full_code: it.fullCode, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', existing.id)
      .execute();
    updated++;
  }
  if (errors.length) throw new Problem('validation_failed', { errors });
  return { created, updated, unchanged, keptAsDraft: kept.length, drafts: kept };
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
      details: {
        format: body.format,
        procedures: items.length,
        created: counts.created,
        updated: counts.updated,
        unchanged: counts.unchanged,
        keptAsDraft: counts.keptAsDraft,
      },
    });
    await enqueue(tx, {
      topic: 'catalog.imported',
      aggregateType: 'catalog',
      aggregateId: 'catalog',
      payload: {
        procedures: items.length,
        created: counts.created,
        updated: counts.updated,
        unchanged: counts.unchanged,
        keptAsDraft: counts.keptAsDraft,
      },
    });
    return counts;
  });
}
