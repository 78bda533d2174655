import { localDateOf, onTimeRate, pendingFrom } from '@motcua/core';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { neutralizeFormula, safeCell } from '../../shared/spreadsheet.ts';
import { agencyIdsUnder } from '../agencies/agencies.queries.ts';
import { formatCalendarDate, formatDate, formatTime } from '../documents/documents.format.ts';
import { addDays, type BreakdownRow, breakdown, type Period, type Scope } from './indicators.service.ts';

/**
 * The periodic report on the settlement of administrative procedures, in the layout agencies file
 * it: "Tình hình, kết quả giải quyết thủ tục hành chính tại cơ quan, đơn vị trực tiếp giải quyết
 * TTHC" (Circular 01/2020/TT-VPCP, form II.06a — the layout provinces still use for the periodic
 * report; one row per field, the received dossiers split into carried over and new online /
 * counter-postal, the settled ones into early / on time / late, those in progress into not yet due /
 * overdue). A column for dossiers that ended otherwise (withdrawn, stopped, refused) keeps the
 * balance: carried over + new = settled + ended otherwise + in progress.
 */

export type SettlementRow = {
  fieldCode: string;
  fieldName: string;
  carriedOver: number;
  receivedOnline: number;
  receivedCounter: number;
  received: number;
  inCharge: number;
  settled: number;
  settledEarly: number;
  settledOnTime: number;
  settledLate: number;
  endedOtherwise: number;
  inProgress: number;
  inProgressNotDue: number;
  inProgressOverdue: number;
  /** Core `onTimeRate`: null when nothing was settled (printed "—"). */
  onTimeRate: number | null;
};

/** In progress at the end of a day, per field (cumulative aggregates). */
async function pendingByField(ex: Executor, scope: Scope, day: string) {
  const m = `${day.slice(0, 7)}-01`;
  const cols = sql.raw('received, ended, due, due_settled');
  const { rows } = await sql<{ field_code: string; received: number; ended: number; due: number; due_settled: number }>`
    SELECT pr.field_code, coalesce(sum(pp.received), 0)::int AS received, coalesce(sum(pp.ended), 0)::int AS ended,
           coalesce(sum(pp.due), 0)::int AS due, coalesce(sum(pp.due_settled), 0)::int AS due_settled
    FROM (
      SELECT s.procedure_id, sum(s.received) AS received, sum(s.ended) AS ended, sum(s.due) AS due,
             sum(s.due_settled) AS due_settled
      FROM (
        SELECT agency_id, procedure_id, ${cols} FROM dossier_stats_month WHERE month < ${m}::date
        UNION ALL SELECT agency_id, procedure_id, ${cols} FROM dossier_stats_day WHERE day BETWEEN ${m}::date AND ${day}::date
        UNION ALL SELECT agency_id, procedure_id, ${cols} FROM dossier_stat_deltas WHERE day <= ${day}::date
      ) s
      WHERE s.agency_id IN ${agencyIdsUnder(scope.agencyPath)}
        ${scope.procedureId ? sql`AND s.procedure_id = ${scope.procedureId}` : sql``}
      GROUP BY s.procedure_id
    ) pp JOIN procedure_current pr ON pr.id = pp.procedure_id
    ${scope.fieldCode ? sql`WHERE pr.field_code = ${scope.fieldCode}` : sql``}
    GROUP BY pr.field_code`.execute(ex);
  return new Map(rows.map((r) => [r.field_code, pendingFrom(r)]));
}

export async function settlementReport(
  ex: Executor,
  scope: Scope,
  p: Period,
  today: string = localDateOf(new Date()),
): Promise<SettlementRow[]> {
  const [fields, before, after] = await Promise.all([
    breakdown(ex, scope, p, 'field'),
    pendingByField(ex, scope, addDays(p.from, -1)),
    // A period still running: in progress as of today, not a projection to its last day.
    pendingByField(ex, scope, p.to < today ? p.to : today),
  ]);
  const names = new Map<string, string>(fields.map((f: BreakdownRow) => [f.key, f.name]));
  const codes = new Set([...names.keys(), ...before.keys(), ...after.keys()]);
  if (codes.size > names.size) {
    const { rows } = await sql<{ field_code: string; field_name: string }>`
      SELECT DISTINCT ON (field_code) field_code, field_name FROM procedure_current`.execute(ex);
    for (const r of rows) if (!names.has(r.field_code)) names.set(r.field_code, r.field_name);
  }
  const counts = new Map(fields.map((f) => [f.key, f.counts]));
  const out: SettlementRow[] = [];
  for (const code of codes) {
    const c = counts.get(code);
    const carried = before.get(code)?.pending ?? 0;
    const end = after.get(code) ?? { pending: 0, overdue: 0, onTime: 0 };
    const received = c?.received ?? 0;
    const settledEarly = c?.finished_early ?? 0;
    const settledOnTime = c?.finished_on_time ?? 0;
    const settledLate = c?.finished_late ?? 0;
    const settled = settledEarly + settledOnTime + settledLate;
    const row: SettlementRow = {
      fieldCode: code,
      fieldName: names.get(code) ?? code,
      carriedOver: carried,
      receivedOnline: c?.received_online ?? 0,
      receivedCounter: received - (c?.received_online ?? 0),
      received,
      inCharge: carried + received,
      settled,
      settledEarly,
      settledOnTime,
      settledLate,
      endedOtherwise: (c?.ended ?? 0) - settled,
      inProgress: end.pending,
      inProgressNotDue: end.onTime,
      inProgressOverdue: end.overdue,
      onTimeRate: onTimeRate({
        finished_early: settledEarly,
        finished_on_time: settledOnTime,
        finished_late: settledLate,
      }),
    };
    if (row.inCharge + row.settled + row.endedOtherwise + row.inProgress > 0) out.push(row);
  }
  return out.sort((a, b) => a.fieldName.localeCompare(b.fieldName, 'vi'));
}

const NUMERIC: (keyof SettlementRow)[] = [
  'inCharge',
  'carriedOver',
  'receivedOnline',
  'receivedCounter',
  'settled',
  'settledEarly',
  'settledOnTime',
  'settledLate',
  'endedOtherwise',
  'inProgress',
  'inProgressNotDue',
  'inProgressOverdue',
];

export function totalRow(rows: SettlementRow[]): SettlementRow {
  const t = { fieldCode: '', fieldName: 'Tổng cộng' } as SettlementRow;
  for (const k of [...NUMERIC, 'received'] as const) {
    (t as Record<string, unknown>)[k] = rows.reduce((s, r) => s + (r[k] as number), 0);
  }
  t.onTimeRate = onTimeRate({
    finished_early: t.settledEarly,
    finished_on_time: t.settledOnTime,
    finished_late: t.settledLate,
  });
  return t;
}

const FONT = 'Times New Roman';
const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

export type ReportMeta = { agencyName: string; parentName: string | null; period: Period; generatedAt: Date };

/** Lines a text takes when wrapped at word boundaries within `width` characters. */
function wrappedLines(text: string, width: number): number {
  let lines = 1;
  let used = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (used > 0 && used + 1 + word.length > width) {
      lines++;
      used = 0;
    }
    used += (used > 0 ? 1 : 0) + word.length;
    if (used > width) {
      lines += Math.floor((used - 1) / width);
      used = used % width || width;
    }
  }
  return lines;
}

export async function renderSettlementXlsx(rows: SettlementRow[], meta: ReportMeta): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'motcua';
  wb.created = meta.generatedAt;
  wb.modified = meta.generatedAt;
  wb.title = 'Tình hình, kết quả giải quyết thủ tục hành chính';
  const ws = wb.addWorksheet('Kết quả giải quyết TTHC', {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      margins: { left: 0.5, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C&"Times New Roman"&9Trang &P/&N' },
  });
  // Widths in characters, wide enough for the longest word of each heading ("Trực tuyến",
  // "bưu chính", "Chưa đến hạn"); headings wrap inside their cells and the rows are tall enough for
  // the wrapped lines (LibreOffice and Excel do not grow a row with merged cells by themselves).
  const widths = [6, 36, 11, 12, 11, 12, 11, 11, 11, 11, 12, 11, 12, 11, 12];
  ws.columns = widths.map((width) => ({ width }));
  const last = widths.length;
  const put = (row: number, from: number, to: number, value: string, font: Partial<ExcelJS.Font> = {}) => {
    if (to > from) ws.mergeCells(row, from, row, to);
    const cell = ws.getCell(row, from);
    cell.value = neutralizeFormula(value);
    cell.font = { name: FONT, size: 12, ...font };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  };
  put(1, 1, 5, (meta.parentName ?? '').toUpperCase());
  put(2, 1, 5, meta.agencyName.toUpperCase(), { bold: true });
  put(1, 9, last, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true });
  put(2, 9, last, 'Độc lập - Tự do - Hạnh phúc', { bold: true, underline: true });
  put(4, 1, last, 'TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH', { bold: true, size: 14 });
  put(5, 1, last, 'TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH', { bold: true });
  put(
    6,
    1,
    last,
    `Kỳ báo cáo: từ ngày ${formatCalendarDate(meta.period.from)} đến ngày ${formatCalendarDate(meta.period.to)}`,
    {
      italic: true,
    },
  );
  put(7, 1, last, `Đơn vị báo cáo: ${meta.agencyName}`, { size: 11 });
  put(8, last - 2, last, 'Đơn vị tính: Số hồ sơ TTHC', { italic: true, size: 10 });

  // Three heading rows.
  const H = 9;
  const head = (r1: number, c1: number, r2: number, c2: number, text: string) => {
    if (r2 > r1 || c2 > c1) ws.mergeCells(r1, c1, r2, c2);
    ws.getCell(r1, c1).value = text;
  };
  head(H, 1, H + 2, 1, 'STT');
  head(H, 2, H + 2, 2, 'Lĩnh vực giải quyết');
  head(H, 3, H, 6, 'Số hồ sơ nhận giải quyết');
  head(H + 1, 3, H + 2, 3, 'Tổng số');
  head(H + 1, 4, H + 2, 4, 'Kỳ trước chuyển qua');
  head(H + 1, 5, H + 1, 6, 'Mới tiếp nhận trong kỳ');
  head(H + 2, 5, H + 2, 5, 'Trực tuyến');
  head(H + 2, 6, H + 2, 6, 'Trực tiếp, bưu chính');
  head(H, 7, H, 14, 'Kết quả giải quyết');
  head(H + 1, 7, H + 1, 10, 'Số hồ sơ đã giải quyết');
  head(H + 2, 7, H + 2, 7, 'Tổng số');
  head(H + 2, 8, H + 2, 8, 'Trước hạn');
  head(H + 2, 9, H + 2, 9, 'Đúng hạn');
  head(H + 2, 10, H + 2, 10, 'Quá hạn');
  head(H + 1, 11, H + 2, 11, 'Rút, dừng, trả lại');
  head(H + 1, 12, H + 1, 14, 'Số hồ sơ đang giải quyết');
  head(H + 2, 12, H + 2, 12, 'Tổng số');
  head(H + 2, 13, H + 2, 13, 'Chưa đến hạn');
  head(H + 2, 14, H + 2, 14, 'Quá hạn');
  head(H, 15, H + 2, 15, 'Tỷ lệ đúng hạn (%)');
  for (let r = H; r <= H + 3; r++) {
    for (let c = 1; c <= last; c++) {
      const cell = ws.getCell(r, c);
      if (r === H + 3) cell.value = `(${c})`;
      cell.font = { name: FONT, size: r === H + 3 ? 10 : 11, bold: r < H + 3, italic: r === H + 3 };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.border = BORDER;
    }
  }
  ws.getRow(H).height = 32;
  ws.getRow(H + 1).height = 32;
  ws.getRow(H + 2).height = 48;
  ws.getRow(H + 3).height = 16;

  const values = (r: SettlementRow, stt: number | string) => [
    stt,
    r.fieldName,
    r.inCharge,
    r.carriedOver,
    r.receivedOnline,
    r.receivedCounter,
    r.settled,
    r.settledEarly,
    r.settledOnTime,
    r.settledLate,
    r.endedOtherwise,
    r.inProgress,
    r.inProgressNotDue,
    r.inProgressOverdue,
    // Nothing settled: no rate (Decision 766/QĐ-TTg), a dash, not 100 %.
    r.onTimeRate === null ? '—' : Math.round(r.onTimeRate * 1000) / 10,
  ];
  const all = [...rows.map((r, i) => values(r, i + 1)), values(totalRow(rows), '')];
  all.forEach((v, i) => {
    const row = ws.getRow(H + 4 + i);
    row.values = v.map(safeCell);
    // The field's name wraps in column 2: count its lines (a character at most one width unit).
    row.height = Math.max(18, wrappedLines(String(v[1]), widths[1]! - 2) * 15 + 3);
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cell.border = BORDER;
      cell.font = { name: FONT, size: 11, bold: i === all.length - 1 };
      cell.alignment = { vertical: 'middle', horizontal: col === 2 ? 'left' : 'center', wrapText: col === 2 };
      if (col === 15) cell.numFmt = '0.0';
    });
  });
  const sig = H + 4 + all.length + 2;
  put(sig, 1, 5, 'NGƯỜI LẬP BIỂU', { bold: true, size: 11 });
  put(sig, 10, last, 'THỦ TRƯỞNG ĐƠN VỊ', { bold: true, size: 11 });
  put(sig + 1, 10, last, '(Ký, ghi rõ họ tên, đóng dấu)', { italic: true, size: 10 });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** dd/MM/yyyy HH:mm in Vietnam time (UTC+7). */
const localDateTime = (d: Date) => `${formatDate(d)} ${formatTime(d)}`;

/** CSV (RFC 4180, UTF-8 with BOM so that Excel reads Vietnamese) of any list of records. */
export function toCsv(header: { key: string; label: string }[], rows: Record<string, unknown>[]): string {
  const esc = (v: unknown) => {
    const s =
      v === null || v === undefined
        ? ''
        : v instanceof Date
          ? localDateTime(v)
          : typeof v === 'string'
            ? neutralizeFormula(v)
            : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [header.map((h) => esc(h.label)).join(',')];
  for (const r of rows) lines.push(header.map((h) => esc(r[h.key])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export const SETTLEMENT_CSV_HEADER = [
  { key: 'fieldCode', label: 'Mã lĩnh vực / Field code' },
  { key: 'fieldName', label: 'Lĩnh vực / Field' },
  { key: 'inCharge', label: 'Tổng số nhận giải quyết / In charge' },
  { key: 'carriedOver', label: 'Kỳ trước chuyển qua / Carried over' },
  { key: 'receivedOnline', label: 'Tiếp nhận trực tuyến / Received online' },
  { key: 'receivedCounter', label: 'Trực tiếp, bưu chính / Counter and postal' },
  { key: 'settled', label: 'Đã giải quyết / Settled' },
  { key: 'settledEarly', label: 'Trước hạn / Early' },
  { key: 'settledOnTime', label: 'Đúng hạn / On time' },
  { key: 'settledLate', label: 'Quá hạn / Late' },
  { key: 'endedOtherwise', label: 'Rút, dừng, trả lại / Withdrawn, stopped, refused' },
  { key: 'inProgress', label: 'Đang giải quyết / In progress' },
  { key: 'inProgressNotDue', label: 'Chưa đến hạn / Not yet due' },
  { key: 'inProgressOverdue', label: 'Quá hạn / Overdue' },
  { key: 'onTimeRate', label: 'Tỷ lệ đúng hạn / On-time rate' },
];
