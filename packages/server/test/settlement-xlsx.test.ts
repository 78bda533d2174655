import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { renderSettlementXlsx, type SettlementRow } from '../src/modules/indicators/indicators.reports.ts';

/**
 * The settlement report in Excel (issue 13: "the Excel report's header cells overlap"): every
 * heading fits its (merged) cell once wrapped, and every field name fits its row. Checked with a
 * conservative text measure: a character of 11-point Times New Roman takes at most one column
 * width unit, a line at most 14 points. Looked at in LibreOffice too (soffice --convert-to pdf).
 */
const row = (fieldName: string): SettlementRow => ({
  fieldCode: 'X',
  fieldName,
  inCharge: 120,
  carriedOver: 12,
  received: 108,
  receivedOnline: 80,
  receivedCounter: 28,
  settled: 100,
  settledEarly: 40,
  settledOnTime: 50,
  settledLate: 10,
  endedOtherwise: 2,
  inProgress: 18,
  inProgressNotDue: 15,
  inProgressOverdue: 3,
  onTimeRate: 0.9,
});

/** Greedy word wrap: how many lines `text` takes in `width` characters. */
function linesOf(text: string, width: number): number {
  let lines = 1;
  let used = 0;
  for (const word of text.split(/\s+/)) {
    if (word.length > width) return Number.POSITIVE_INFINITY;
    if (used === 0) used = word.length;
    else if (used + 1 + word.length <= width) used += 1 + word.length;
    else {
      lines++;
      used = word.length;
    }
  }
  return lines;
}

describe('settlement report (Excel)', () => {
  it('headings and field names fit their cells: nothing overlaps', async () => {
    const buf = await renderSettlementXlsx(
      [row('Đất đai'), row('Hộ tịch'), row('Xây dựng nhà ở riêng lẻ và các công trình phụ trợ, cải tạo, sửa chữa')],
      {
        agencyName: 'Sở Nông nghiệp và Môi trường',
        parentName: 'UBND thành phố Đà Nẵng',
        period: { from: '2026-11-01', to: '2026-11-30' } as never,
        generatedAt: new Date('2026-12-02T01:00:00Z'),
      },
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const width = (c: number) => ws.getColumn(c).width ?? 8.43;
    const height = (r: number) => ws.getRow(r).height ?? 15;
    // The heading block: rows 9–11 (three levels), columns 1–15.
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    const ranges = merges.map((m) => {
      const [a, b] = m.split(':') as [string, string];
      const ca = ws.getCell(a);
      const cb = ws.getCell(b);
      return { r1: Number(ca.row), c1: Number(ca.col), r2: Number(cb.row), c2: Number(cb.col) };
    });
    let checked = 0;
    for (let r = 9; r <= 11; r++) {
      for (let c = 1; c <= 15; c++) {
        const cell = ws.getCell(r, c);
        if (cell.isMerged && cell.master !== cell) continue;
        const text = String(cell.value ?? '');
        if (!text) continue;
        const m = ranges.find((x) => x.r1 === r && x.c1 === c) ?? { r1: r, c1: c, r2: r, c2: c };
        let w = 0;
        for (let k = m.c1; k <= m.c2; k++) w += width(k);
        let h = 0;
        for (let k = m.r1; k <= m.r2; k++) h += height(k);
        // 1 unit of padding on each side; bold 11 pt: at most 14 points a line.
        expect(linesOf(text, Math.floor(w - 2)) * 14, `"${text}" in ${w} × ${h}`).toBeLessThanOrEqual(h);
        checked++;
      }
    }
    expect(checked).toBe(20);
    // Data rows: the long field name wraps and its row is tall enough.
    for (let r = 13; r <= 15; r++) {
      const name = String(ws.getCell(r, 2).value);
      expect(linesOf(name, Math.floor(width(2) - 2)) * 14, name).toBeLessThanOrEqual(height(r));
    }
    expect(ws.getCell(13, 2).alignment?.wrapText).toBe(true);
  });
});
