import ExcelJS from 'exceljs';
import type { Lang } from '../../shared/messages.ts';
import { type FieldError, fieldError, Problem } from '../../shared/problem.ts';
import { restoreNeutralized, safeCell } from '../../shared/spreadsheet.ts';
import {
  APPLICANT_KIND_LABELS,
  CHANNEL_LABELS,
  codeOf,
  fieldName,
  LEVEL_LABELS,
  LIFE_EVENT_LABELS,
  labelOf,
  ONLINE_LEVEL_LABELS,
  placedError,
  REQUIREMENT_LABELS,
  RESULT_KIND_LABELS,
  rowPlace,
  TIME_UNIT_LABELS,
} from './catalog.labels.ts';
import { CATALOG_FORMAT, type CatalogFile, type CatalogItem } from './catalog.schemas.ts';
import {
  CONSULTATION_COLUMNS,
  fitsSheets,
  SHEET_CONSULTATIONS,
  SHEET_WORKFLOW,
  WORKFLOW_COLUMNS,
  workflowFromRows,
  workflowRows,
} from './catalog.workflow-sheet.ts';

// ---------------- Excel layout ----------------

export const SHEET_PROCEDURES = 'Thủ tục';
export const SHEET_DOCUMENTS = 'Thành phần hồ sơ';
export const SHEET_FEES = 'Phí, lệ phí';

type Col = { key: string; header: string; width: number };
export const PROCEDURE_COLUMNS: Col[] = [
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
  // Added with issue 17, last so that the columns before it keep their places in older files.
  { key: 'identityLevel', header: 'Mức độ định danh VNeID tối thiểu', width: 14 },
];
export const DOCUMENT_COLUMNS: Col[] = [
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
export const FEE_COLUMNS: Col[] = [
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
        identityLevel: p.identityLevel === null ? null : `Mức độ ${p.identityLevel}`,
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

const identityLevelOf = (t: string | null): unknown => {
  if (t === null || t.trim() === '') return null;
  const m = /^(?:mức độ\s*)?(\d)$/iu.exec(t.trim());
  return m ? Number(m[1]) : t;
};
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
export type Located = {
  file: unknown;
  procRows: RowRef[];
  docRows: RowRef[][];
  feeRows: RowRef[][];
  stepRows: RowRef[][];
};

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
      // "Mức độ 2", "2" or empty (none required); anything else is kept for the schema to refuse.
      identityLevel: identityLevelOf(asText(r.get('identityLevel'))),
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
