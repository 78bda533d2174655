/**
 * Form 07 — Sổ theo dõi hồ sơ (tracking book), Circular 03/2025/TT-VPCP annex I, kept per field
 * (lĩnh vực) and printed on A4 (RULES.md §2, reproducing Decision 3621/QĐ-BYT; the annex text itself
 * was not available). An Excel workbook: staff sort, filter and print it; the "Ký nhận" column stays
 * empty for the applicant's signature on the printed copy.
 */
import { LOCAL_OFFSET_MS } from '@motcua/core';
import ExcelJS from 'exceljs';
import { neutralizeFormula, safeCell } from '../../shared/spreadsheet.ts';
import { formatCalendarDate } from './documents.format.ts';
import { FORMS } from './documents.parts.ts';
import type { ResultDelivery, TrackingBookMeta, TrackingBookRow } from './documents.types.ts';

export const RESULT_DELIVERY_LABELS: Record<ResultDelivery, string> = {
  counter: 'Trực tiếp',
  online: 'Trực tuyến',
  post: 'Bưu chính công ích',
};

/** Columns of the book, in order; the three dates sit under one "Ngày, tháng, năm" heading. */
export const TRACKING_BOOK_COLUMNS = [
  { header: 'STT', width: 5 },
  { header: 'Mã hồ sơ', width: 24 },
  { header: 'Tên thủ tục hành chính', width: 34 },
  { header: 'Tên cá nhân, tổ chức', width: 22 },
  { header: 'Địa chỉ, số điện thoại', width: 28 },
  { header: 'Cơ quan chủ trì giải quyết', width: 22 },
  { header: 'Nhận hồ sơ', width: 15, date: true },
  { header: 'Hẹn trả kết quả', width: 15, date: true },
  { header: 'Trả kết quả', width: 15, date: true },
  { header: 'Hình thức nhận kết quả', width: 14 },
  { header: 'Ký nhận', width: 12 },
  { header: 'Ghi chú', width: 18 },
] as const;

const FONT = 'Times New Roman'; // Decree 30/2020/NĐ-CP: the typeface of administrative documents
const HEADER_ROW = 8; // first of the two heading rows
const FIRST_DATA_ROW = HEADER_ROW + 3; // after the two heading rows and the (1)…(12) row
const DATE_FORMAT = 'dd/mm/yyyy hh:mm';
const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/**
 * Excel dates carry no zone: write the Vietnam wall-clock time (UTC+7) as if it were UTC, so that
 * the cell reads the local date and hour on any machine.
 */
export function toExcelLocal(moment: Date): Date {
  return new Date(moment.getTime() + LOCAL_OFFSET_MS);
}

export async function renderTrackingBook07(rows: TrackingBookRow[], meta: TrackingBookMeta): Promise<Buffer> {
  const generatedAt = meta.generatedAt ?? new Date();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'motcua';
  wb.lastModifiedBy = 'motcua';
  wb.created = generatedAt;
  wb.modified = generatedAt;
  wb.title = FORMS.book.title;
  wb.subject = `Mẫu số ${FORMS.book.no}, Phụ lục I Thông tư 03/2025/TT-VPCP — ${meta.agency.name}`;

  const ws = wb.addWorksheet('Sổ theo dõi hồ sơ', {
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0, // as many pages as the rows need
      horizontalCentered: true,
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW + 2}`,
      margins: { left: 0.6, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C&"Times New Roman"&9Trang &P/&N' },
    views: [{ state: 'frozen', ySplit: FIRST_DATA_ROW - 1 }],
  });
  ws.columns = TRACKING_BOOK_COLUMNS.map((c) => ({ width: c.width }));
  const last = TRACKING_BOOK_COLUMNS.length;

  const put = (row: number, from: number, to: number, value: string, font: Partial<ExcelJS.Font> = {}) => {
    if (to > from) ws.mergeCells(row, from, row, to);
    const cell = ws.getCell(row, from);
    // Agency and field names are admin input: neutralized against formula injection (shared/spreadsheet.ts).
    cell.value = neutralizeFormula(value);
    cell.font = { name: FONT, size: 12, ...font };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  };

  // Rows 1–2: issuing agency at the left, national name and motto at the right.
  put(1, 1, 5, (meta.agency.parentName ?? '').toUpperCase());
  put(2, 1, 5, meta.agency.name.toUpperCase(), { bold: true });
  put(1, 8, last, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true });
  put(2, 8, last, 'Độc lập - Tự do - Hạnh phúc', { bold: true, underline: true });
  put(4, 1, last, FORMS.book.title.toUpperCase(), { bold: true, size: 14 });
  const sub = [
    meta.fieldName ? `Lĩnh vực: ${meta.fieldName}` : null,
    meta.volume ? `Quyển số: ${meta.volume}` : null,
  ].filter((s) => s !== null);
  put(5, 1, last, sub.join('    '));
  put(6, 1, last, `Từ ngày ${formatCalendarDate(meta.periodFrom)} đến ngày ${formatCalendarDate(meta.periodTo)}`, {
    italic: true,
  });
  ws.getRow(2).height = 18;

  // Two heading rows: the dates share one heading, every other column spans both rows.
  const headFont = { name: FONT, size: 11, bold: true };
  TRACKING_BOOK_COLUMNS.forEach((c, i) => {
    const col = i + 1;
    const isDate = 'date' in c;
    if (!isDate) ws.mergeCells(HEADER_ROW, col, HEADER_ROW + 1, col);
    const cell = ws.getCell(isDate ? HEADER_ROW + 1 : HEADER_ROW, col);
    cell.value = c.header;
  });
  const firstDate = TRACKING_BOOK_COLUMNS.findIndex((c) => 'date' in c) + 1;
  ws.mergeCells(HEADER_ROW, firstDate, HEADER_ROW, firstDate + 2);
  ws.getCell(HEADER_ROW, firstDate).value = 'Ngày, tháng, năm';
  for (let r = HEADER_ROW; r <= HEADER_ROW + 2; r++) {
    for (let col = 1; col <= last; col++) {
      const cell = ws.getCell(r, col);
      if (r === HEADER_ROW + 2) cell.value = `(${col})`;
      cell.font = r === HEADER_ROW + 2 ? { name: FONT, size: 10, italic: true } : headFont;
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.border = BORDER;
    }
  }
  ws.getRow(HEADER_ROW).height = 22;
  ws.getRow(HEADER_ROW + 1).height = 32;

  rows.forEach((r, i) => {
    const contact = [r.applicantAddress, r.applicantPhone ? `ĐT: ${r.applicantPhone}` : null]
      .filter((s) => s?.trim())
      .join('\n');
    const row = ws.getRow(FIRST_DATA_ROW + i);
    // Citizen and staff text neutralized against formula injection; numbers and dates stay typed.
    row.values = [
      i + 1,
      r.dossierCode,
      r.procedureName,
      r.applicantName,
      contact,
      r.leadAgency,
      toExcelLocal(r.receivedAt),
      r.appointmentAt ? toExcelLocal(r.appointmentAt) : null,
      r.returnedAt ? toExcelLocal(r.returnedAt) : null,
      r.resultDelivery ? RESULT_DELIVERY_LABELS[r.resultDelivery] : null,
      null,
      r.note,
    ].map(safeCell);
    for (let col = 1; col <= last; col++) {
      const cell = row.getCell(col);
      const date = 'date' in TRACKING_BOOK_COLUMNS[col - 1]!;
      cell.font = { name: FONT, size: 11 };
      cell.border = BORDER;
      cell.alignment = {
        vertical: 'top',
        horizontal: col === 1 || date ? 'center' : 'left',
        wrapText: true,
      };
      if (date) cell.numFmt = DATE_FORMAT;
    }
  });

  return Buffer.from(await wb.xlsx.writeBuffer());
}
