import ExcelJS from 'exceljs';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { extractImages, extractText, extractTextItems, getDocumentProxy, getMeta } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { MARGIN } from './documents.layout.ts';
import {
  A5_HEIGHT,
  A5_WIDTH,
  type AgencyHeader,
  type ApologyExtensionData,
  type ApplicantInfo,
  type ControlSlipData,
  FORMS,
  formatDate,
  formatDateTime,
  formatPlaceDate,
  formatVnd,
  type Handoff,
  type ReceiptData,
  type RefusalData,
  renderForm01Receipt,
  renderForm02SupplementRequest,
  renderForm03Refusal,
  renderForm04ApologyExtension,
  renderForm05StopNotice,
  renderForm06ControlSlip,
  renderTrackingBook07,
  type StopNoticeData,
  type SupplementRequestData,
  type TrackingBookRow,
  wrapText,
} from './index.ts';

const agency: AgencyHeader = {
  parentName: 'Ủy ban nhân dân thành phố Đà Nẵng',
  name: 'Trung tâm Phục vụ hành chính công',
  place: 'Đà Nẵng',
};
const applicant: ApplicantInfo = {
  name: 'Nguyễn Thị Ánh Tuyết',
  idNumber: '048186000123',
  address: '12 Lê Duẩn, phường Hải Châu, thành phố Đà Nẵng',
  phone: '0905123456',
  email: 'tuyet@example.vn',
};
const CODE = '000.00.48.H17-260226-0042';
const PROCEDURE = 'Cấp giấy phép xây dựng đối với nhà ở riêng lẻ';
// 23:30 UTC on 25 Feb is 06:30 on 26 Feb in Vietnam: the printed date must be the 26th.
const RECEIVED = new Date('2026-02-25T23:30:00Z');
const DUE = new Date('2026-03-17T17:30:00Z'); // 00:30, 18/03/2026 in Vietnam
const NEW_DUE = new Date('2026-03-24T01:00:00Z'); // 08:00, 24/03/2026
const ISSUED = new Date('2026-03-16T02:00:00Z');
const signer = { title: 'KT. Giám đốc\nPhó Giám đốc', name: 'Lê Văn Cường' };

function receipt(documents = 4): ReceiptData {
  return {
    agency,
    dossierCode: CODE,
    procedureName: PROCEDURE,
    applicant,
    authorized: null,
    documents: Array.from({ length: documents }, (_, i) => ({
      name: `Bản vẽ thiết kế xây dựng, mặt bằng và mặt cắt công trình số ${i + 1}`,
      original: 1,
      copy: i % 2 ? 2 : null,
    })),
    sets: 1,
    legalLimitText: '15 ngày làm việc',
    receivedAt: RECEIVED,
    appointmentAt: DUE,
    resultPlace: 'Trung tâm Phục vụ hành chính công, 24 Trần Phú, Đà Nẵng',
    receiverName: 'Trần Văn Bình',
    lookupSecret: 'K7QX-2M9P',
    qrPayload: `https://dichvucong.danang.gov.vn/tra-cuu?ma=${CODE}`,
    bookRef: 'Quyển số 01, số thứ tự 42',
    fee: 1_500_000,
  };
}

function supplement(items = 3): SupplementRequestData {
  return {
    agency,
    dossierCode: CODE,
    procedureName: PROCEDURE,
    applicant,
    receivedAt: RECEIVED,
    items: Array.from(
      { length: items },
      (_, i) => `Bổ sung bản vẽ mặt bằng tỷ lệ 1/100 có chữ ký của chủ đầu tư (${i + 1})`,
    ),
    reason: 'Hồ sơ thiếu bản vẽ thiết kế theo quy định.',
    contactName: 'Phạm Thị Hoa',
    contactPhone: '0236 3822 111',
    staffName: 'Trần Văn Bình',
    issuedAt: RECEIVED,
  };
}

function refusal(): RefusalData {
  return {
    agency,
    dossierCode: CODE,
    procedureName: PROCEDURE,
    applicant,
    reasons: ['Thửa đất không thuộc khu vực được cấp phép xây dựng.', 'Công trình thuộc diện miễn giấy phép.'],
    legalBasis: 'Điều 89 Luật Xây dựng năm 2014',
    staffName: 'Trần Văn Bình',
    issuedAt: RECEIVED,
  };
}

function apology(reason = 'Cần lấy ý kiến thẩm định về ranh giới thửa đất.'): ApologyExtensionData {
  return {
    agency,
    documentNumber: '125/TTHCC-TNTKQ',
    addressee: 'Bà Nguyễn Thị Ánh Tuyết',
    dossierCode: CODE,
    procedureName: PROCEDURE,
    applicant,
    receivedAt: RECEIVED,
    originalDue: DUE,
    newDue: NEW_DUE,
    reason,
    signer,
    recipients: ['Như trên;', 'Lưu: VT.'],
    issuedAt: ISSUED,
  };
}

function stopNotice(): StopNoticeData {
  return {
    agency,
    dossierCode: CODE,
    procedureName: PROCEDURE,
    applicant,
    receivedAt: RECEIVED,
    requestedAt: new Date('2026-03-02T17:15:00Z'), // 00:15, 03/03/2026
    reason: 'Gia đình thay đổi phương án xây dựng.',
    returnNote: 'Hồ sơ giấy được trả lại tại Bộ phận Một cửa.',
    signer,
    issuedAt: new Date('2026-03-03T03:00:00Z'),
  };
}

function handoffs(n: number): Handoff[] {
  const units = ['Bộ phận Một cửa', 'Phòng Quản lý xây dựng', 'Lãnh đạo Sở', 'Văn thư'];
  return Array.from({ length: n }, (_, i) => ({
    fromUnit: units[i % 4]!,
    fromPerson: 'Trần Văn Bình',
    toUnit: units[(i + 1) % 4]!,
    toPerson: i % 2 ? 'Nguyễn Thị Mai' : null,
    handedAt: new Date(RECEIVED.getTime() + i * 3_600_000),
    receivedAt: i % 3 ? new Date(RECEIVED.getTime() + i * 3_600_000 + 1_800_000) : null,
    result: (['early', 'on_time', 'late'] as const)[i % 3]!,
    note: i % 4 ? null : 'Chuyển lấy ý kiến phối hợp',
  }));
}

function controlSlip(n = 4): ControlSlipData {
  return {
    agency,
    dossierCode: CODE,
    procedureName: PROCEDURE,
    applicant,
    leadAgency: 'Sở Xây dựng',
    cooperatingAgencies: ['Sở Nông nghiệp và Môi trường'],
    receivedAt: RECEIVED,
    appointmentAt: DUE,
    handoffs: handoffs(n),
    issuedAt: RECEIVED,
  };
}

type PDFDocumentProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

interface ParsedPdf {
  pages: number;
  /** Per page, whitespace collapsed (a wrapped phrase reads as one line). */
  pageTexts: string[];
  text: string;
  bytes: Uint8Array;
}

/** Opens a PDF with pdf.js (which takes ownership of the buffer it gets, hence the copy), then closes it. */
async function withPdf<T>(bytes: Uint8Array, use: (pdf: PDFDocumentProxy) => Promise<T>): Promise<T> {
  const pdf = await getDocumentProxy(bytes.slice());
  try {
    return await use(pdf);
  } finally {
    await pdf.loadingTask.destroy();
  }
}

async function parse(bytes: Uint8Array): Promise<ParsedPdf> {
  return withPdf(bytes, (pdf) => parseOpen(pdf, bytes));
}

async function parseOpen(pdf: PDFDocumentProxy, bytes: Uint8Array): Promise<ParsedPdf> {
  for (let i = 1; i <= pdf.numPages; i++) {
    const [x0, y0, x1, y1] = (await pdf.getPage(i)).view as [number, number, number, number];
    expect([x0, y0]).toEqual([0, 0]);
    expect(x1).toBeCloseTo(A5_WIDTH, 1);
    expect(y1).toBeCloseTo(A5_HEIGHT, 1);
  }
  // Every piece of text lies inside the margins (the page number sits in the bottom margin).
  const { items } = await extractTextItems(pdf);
  for (const page of items) {
    for (const item of page.filter((it) => it.str.trim() !== '')) {
      expect(item.x, item.str).toBeGreaterThanOrEqual(MARGIN.left - 0.01);
      expect(item.x + item.width, item.str).toBeLessThanOrEqual(A5_WIDTH - MARGIN.right + 0.01);
      expect(item.y, item.str).toBeGreaterThan(0);
      expect(item.y + item.height, item.str).toBeLessThanOrEqual(A5_HEIGHT - MARGIN.top + 0.01);
    }
  }
  const { text } = await extractText(pdf, { mergePages: false });
  const pageTexts = text.map((t) => t.replace(/\s+/g, ' '));
  return { pages: pdf.numPages, pageTexts, text: pageTexts.join(' '), bytes };
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** What every form must show: title, code, applicant with diacritics, local dates, embedded fonts. */
async function expectCommon(bytes: Uint8Array, title: string, dates: string[]): Promise<ParsedPdf> {
  const parsed = await parse(bytes);
  expect(parsed.text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  expect(parsed.text).toContain('Độc lập - Tự do - Hạnh phúc');
  expect(parsed.text).toContain(title.toUpperCase());
  expect(parsed.text).toContain(CODE);
  expect(parsed.text).toContain('Nguyễn Thị Ánh Tuyết');
  expect(parsed.text).toContain('TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG');
  for (const d of dates) expect(parsed.text).toContain(d);
  const raw = latin1(bytes);
  // DejaVu Sans regular, bold and oblique, embedded as TrueType subsets; no standard (WinAnsi) font.
  expect(raw.match(/\/FontFile2/g)?.length).toBe(3);
  expect(raw).toContain('/BaseFont /MCDVSR+DejaVuSans');
  expect(raw).toContain('/BaseFont /MCDVSB+DejaVuSans-Bold');
  expect(raw).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
  const meta = await withPdf(bytes, (pdf) => getMeta(pdf));
  expect(meta.info).toMatchObject({ Creator: 'motcua', Language: 'vi' });
  expect(meta.info.Title).toContain(title);
  expect(meta.info.Subject).toContain('Thông tư 03/2025/TT-VPCP');
  expect(meta.info.Producer).toMatch(/motcua/);
  return parsed;
}

describe('formats', () => {
  it('prints dates and times in Vietnam time whatever the UTC date', () => {
    expect(formatDate(RECEIVED)).toBe('26/02/2026');
    expect(formatDateTime(RECEIVED)).toBe('06:30, ngày 26/02/2026');
    expect(formatDateTime(new Date('2026-02-25T16:59:00Z'))).toBe('23:59, ngày 25/02/2026');
    expect(formatPlaceDate('Đà Nẵng', RECEIVED)).toBe('Đà Nẵng, ngày 26 tháng 02 năm 2026');
  });

  it('formats money in đồng with dot grouping', () => {
    expect(formatVnd(1_500_000)).toBe('1.500.000 đ');
    expect(formatVnd(0)).toBe('0 đ');
    expect(formatVnd(999)).toBe('999 đ');
    expect(formatVnd(1000)).toBe('1.000 đ');
    expect(formatVnd(-25_000)).toBe('-25.000 đ');
  });

  it('wraps text within a width, cutting only words too long for a line', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    const lines = wrapText(text, font, 10, 80);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(font.widthOfTextAtSize(l, 10)).toBeLessThanOrEqual(80);
    expect(lines.join(' ')).toBe(text);
    const long = wrapText(`x ${'A'.repeat(60)} y`, font, 10, 80);
    for (const l of long) expect(font.widthOfTextAtSize(l, 10)).toBeLessThanOrEqual(80);
    expect(long.join('').replace(/ /g, '')).toBe(`x${'A'.repeat(60)}y`);
    expect(wrapText('a\nb', font, 10, 80)).toEqual(['a', 'b']);
  });
});

describe('form 01 — receipt and appointment', () => {
  it('prints the fields, the QR code and the lookup password on one A5 page', async () => {
    const bytes = await renderForm01Receipt(receipt());
    const p = await expectCommon(bytes, FORMS.receipt.title, ['06:30, ngày 26/02/2026', '00:30, ngày 18/03/2026']);
    expect(p.pages).toBe(1);
    expect(p.text).not.toContain('25/02/2026'); // the UTC date
    expect(p.text).toContain('Đà Nẵng, ngày 26 tháng 02 năm 2026');
    expect(p.text).toContain('048186000123');
    expect(p.text).toContain('15 ngày làm việc');
    expect(p.text).toContain('1.500.000 đ');
    expect(p.text).toContain('Quyển số 01, số thứ tự 42');
    expect(p.text).toContain('Mật khẩu tra cứu: K7QX-2M9P');
    expect(p.text).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
    expect(p.text).toContain('Trần Văn Bình');
    const images = await withPdf(bytes, (pdf) => extractImages(pdf, 1));
    expect(images).toHaveLength(1);
    expect(images[0]!.width).toBe(images[0]!.height); // the square QR code
    expect(images[0]!.width).toBeGreaterThan(100);
  });

  it('flows a long list of documents onto further pages', async () => {
    const p = await parse(await renderForm01Receipt(receipt(60)));
    expect(p.pages).toBeGreaterThan(1);
    expect(p.text).toContain('mặt cắt công trình số 60');
    expect(p.pageTexts.at(-1)).toContain('NGƯỜI NỘP HỒ SƠ');
    // The table header is repeated on every page it runs onto.
    for (const page of p.pageTexts.slice(0, -1)) expect(page).toContain('Tên giấy tờ');
  });

  it('keeps the signatures with the list: never a page with the closing block alone (issue 13)', async () => {
    // Before: with 5 or 6 documents the signatures (or the closing fields) moved alone to an almost
    // empty page 2. Now the list's last row goes along with them.
    const pagesOf = [] as number[];
    for (const n of [1, 3, 4, 5, 6, 7, 8, 12]) {
      const p = await parse(await renderForm01Receipt(receipt(n)));
      pagesOf.push(p.pages);
      const last = p.pageTexts.at(-1)!;
      expect(last, `${n} documents`).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
      expect(last, `${n} documents`).toContain('2. Số lượng hồ sơ');
      if (p.pages > 1) {
        // The last page repeats the table header and carries the list's last row.
        expect(last, `${n} documents`).toContain('Tên giấy tờ');
        expect(last, `${n} documents`).toContain(`mặt cắt công trình số ${n}`);
      }
    }
    expect(pagesOf).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('prints text given in decomposed Unicode as composed letters', async () => {
    const data = receipt();
    data.applicant = { ...applicant, name: applicant.name.normalize('NFD') };
    const p = await parse(await renderForm01Receipt(data));
    expect(p.text).toContain('Nguyễn Thị Ánh Tuyết');
  });

  it('gives the same bytes whatever the machine time zone', async () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      const a = await renderForm01Receipt(receipt());
      process.env.TZ = 'Asia/Tokyo';
      const b = await renderForm01Receipt(receipt());
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});

describe('form 02 — supplement request', () => {
  it('lists the items, reason and contact', async () => {
    const p = await expectCommon(await renderForm02SupplementRequest(supplement()), FORMS.supplement.title, [
      'Đà Nẵng, ngày 26 tháng 02 năm 2026',
    ]);
    expect(p.pages).toBe(1);
    expect(p.text).toContain('1. Bổ sung bản vẽ mặt bằng');
    expect(p.text).toContain('3. Bổ sung bản vẽ mặt bằng');
    expect(p.text).toContain('Hồ sơ thiếu bản vẽ thiết kế theo quy định.');
    expect(p.text).toContain('Phạm Thị Hoa');
    expect(p.text).toContain('NGƯỜI HƯỚNG DẪN');
  });

  it('flows many items onto further pages', async () => {
    const p = await parse(await renderForm02SupplementRequest(supplement(60)));
    expect(p.pages).toBeGreaterThan(1);
    expect(p.text).toContain('60. Bổ sung');
  });
});

describe('form 03 — refusal', () => {
  it('states the legal basis and the reasons', async () => {
    const p = await expectCommon(await renderForm03Refusal(refusal()), FORMS.refusal.title, [
      'Đà Nẵng, ngày 26 tháng 02 năm 2026',
    ]);
    expect(p.text).toContain('Căn cứ Điều 89 Luật Xây dựng năm 2014');
    expect(p.text).toContain('2. Công trình thuộc diện miễn giấy phép.');
    expect(p.text).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
  });
});

describe('form 04 — apology and extension', () => {
  it('gives the original and the new appointment in Vietnam time', async () => {
    const p = await expectCommon(await renderForm04ApologyExtension(apology()), FORMS.apology.title, [
      'Ngày 26/02/2026',
      '00:30, ngày 18/03/2026',
      '08:00, ngày 24/03/2026',
      'Đà Nẵng, ngày 16 tháng 03 năm 2026',
    ]);
    expect(p.pages).toBe(1);
    expect(p.text).toContain('Số: 125/TTHCC-TNTKQ');
    expect(p.text).toContain('Kính gửi: Bà Nguyễn Thị Ánh Tuyết');
    expect(p.text).toContain('xin lỗi');
    expect(p.text).toContain('KT. GIÁM ĐỐC');
    expect(p.text).toContain('Lê Văn Cường');
    expect(p.text).toContain('Nơi nhận:');
  });

  it('flows a long reason onto a second page', async () => {
    const p = await parse(await renderForm04ApologyExtension(apology('Cần lấy ý kiến của các cơ quan. '.repeat(150))));
    expect(p.pages).toBeGreaterThan(1);
    expect(p.pageTexts.at(-1)).toContain('Lê Văn Cường');
  });
});

describe('form 05 — notice of stopping', () => {
  it('cites Decree 118 art. 21 and the request time', async () => {
    const p = await expectCommon(await renderForm05StopNotice(stopNotice()), FORMS.stop.title, [
      '00:15, ngày 03/03/2026',
      '10:00, ngày 03/03/2026',
    ]);
    expect(p.text).toContain('Điều 21 Nghị định số 118/2025/NĐ-CP');
    expect(p.text).toContain('Gia đình thay đổi phương án xây dựng.');
    expect(p.text).toContain('Hồ sơ giấy được trả lại tại Bộ phận Một cửa.');
    expect(p.text).toContain('Kính gửi: Nguyễn Thị Ánh Tuyết');
  });
});

describe('form 06 — control slip', () => {
  it('has one row per hand-off with its result', async () => {
    const p = await expectCommon(await renderForm06ControlSlip(controlSlip()), FORMS.control.title, [
      '06:30, ngày 26/02/2026',
      '00:30, ngày 18/03/2026',
    ]);
    expect(p.pages).toBe(1);
    expect(p.text).toContain('Cơ quan (bộ phận) chủ trì giải quyết: Sở Xây dựng');
    expect(p.text).toContain('Sở Nông nghiệp và Môi trường');
    expect(p.text).toContain('Bên giao');
    expect(p.text).toContain('Phòng Quản lý xây dựng');
    expect(p.text).toContain('Trước hạn');
    expect(p.text).toContain('Đúng hạn');
    expect(p.text).toContain('Quá hạn');
    expect(p.text).toContain('06:30 26/02/2026');
  });

  it('flows 40 hand-offs onto further pages, repeating the table header', async () => {
    const p = await parse(await renderForm06ControlSlip(controlSlip(40)));
    expect(p.pages).toBeGreaterThan(1);
    for (const page of p.pageTexts) expect(page).toContain('Bên nhận');
    expect(p.pageTexts.at(-1)).toMatch(/\b40 /);
    expect(p.pageTexts.at(-1)).toContain(`Mã hồ sơ ${CODE} — Trang ${p.pages}/${p.pages}`);
  });
});

describe('form 07 — tracking book', () => {
  const rows: TrackingBookRow[] = [
    {
      dossierCode: CODE,
      procedureName: PROCEDURE,
      applicantName: applicant.name,
      applicantAddress: applicant.address,
      applicantPhone: applicant.phone,
      leadAgency: 'Sở Xây dựng',
      receivedAt: RECEIVED,
      appointmentAt: DUE,
      returnedAt: null,
      resultDelivery: 'post',
      note: 'Gia hạn một lần',
    },
  ];

  it('is an A4 landscape workbook with the agency, period, headings and rows', async () => {
    const buffer = await renderTrackingBook07(rows, {
      agency,
      fieldName: 'Xây dựng',
      volume: '01',
      periodFrom: '2026-01-01',
      periodTo: '2026-03-31',
      generatedAt: ISSUED,
    });
    expect(Buffer.isBuffer(buffer)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToWidth: 1 });
    expect(ws.getCell('A1').value).toBe('ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG');
    expect(ws.getCell('A2').value).toBe('TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG');
    expect(ws.getCell('A4').value).toBe('SỔ THEO DÕI HỒ SƠ');
    expect(ws.getCell('A5').value).toContain('Lĩnh vực: Xây dựng');
    expect(ws.getCell('A6').value).toBe('Từ ngày 01/01/2026 đến ngày 31/03/2026');

    const headings = [8, 9].flatMap((r) => (ws.getRow(r).values as unknown[]).filter((v) => typeof v === 'string'));
    for (const h of [
      'STT',
      'Mã hồ sơ',
      'Tên thủ tục hành chính',
      'Tên cá nhân, tổ chức',
      'Địa chỉ, số điện thoại',
      'Cơ quan chủ trì giải quyết',
      'Ngày, tháng, năm',
      'Nhận hồ sơ',
      'Hẹn trả kết quả',
      'Trả kết quả',
      'Hình thức nhận kết quả',
      'Ký nhận',
      'Ghi chú',
    ]) {
      expect(headings).toContain(h);
    }
    expect(ws.getCell('L10').value).toBe('(12)');

    const row = ws.getRow(11);
    expect(row.getCell(1).value).toBe(1);
    expect(row.getCell(2).value).toBe(CODE);
    expect(row.getCell(4).value).toBe('Nguyễn Thị Ánh Tuyết');
    expect(row.getCell(5).value).toBe(`${applicant.address}\nĐT: ${applicant.phone}`);
    // Dates hold the Vietnam wall-clock time: 06:30 on 26/02/2026.
    expect(row.getCell(7).value).toEqual(new Date('2026-02-26T06:30:00Z'));
    expect(row.getCell(7).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(row.getCell(9).value).toBeNull();
    expect(row.getCell(10).value).toBe('Bưu chính công ích');
    expect(row.getCell(12).value).toBe('Gia hạn một lần');
  });
});
