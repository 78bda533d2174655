/**
 * Form 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment), Circular 03/2025/TT-VPCP
 * annex I. Decree 118/2025/NĐ-CP art. 17(3): the time limit counts from the receipt of a complete
 * dossier as shown here, and the dossier code is printed on it. Fields as RULES.md §2 reproduces
 * them (Decision 3621/QĐ-BYT); the annex text itself was not available.
 * Like other Vietnamese one-stop systems, we add a QR code and the lookup password for the public
 * status lookup (docs/dossier-codes.md).
 */
import QRCode from 'qrcode';
import { formatCount, formatDateTime, formatPlaceDate, formatVnd, withoutEditorialNotes } from './documents.format.ts';
import { createWriter, DOTS, PdfWriter, SIZE } from './documents.layout.ts';
import { applicantFields, authorizedFields, FORMS, formInfo } from './documents.parts.ts';
import type { ReceiptData } from './documents.types.ts';
import { wrapRuns } from './documents.wrap.ts';

const QR_SIZE = 60;
const BOX_WIDTH = 76;

export async function renderForm01Receipt(data: ReceiptData): Promise<Uint8Array> {
  const issuedAt = data.issuedAt ?? data.receivedAt;
  const w = await createWriter(
    formInfo('receipt', { dossierCode: data.dossierCode, agencyName: data.agency.name, createdAt: issuedAt }),
  );
  w.agencyHeader(data.agency);
  w.title(FORMS.receipt.title, [{ text: 'Mã hồ sơ: ' }, { text: data.dossierCode, style: 'bold' }]);

  await lookupBox(w, data);
  w.paragraph([{ text: data.agency.name, style: 'bold' }, { text: ' tiếp nhận hồ sơ của:' }]);
  applicantFields(w, data.applicant);
  authorizedFields(w, data.authorized);
  w.field('Nội dung yêu cầu giải quyết', withoutEditorialNotes(data.procedureName));

  w.paragraph('1. Thành phần hồ sơ nộp gồm:', { spaceBefore: 3, spaceAfter: 2 });

  // Everything after the list, drawn twice: once to measure it, once for real. It stays on one
  // page with the signatures, and takes the list's last row along when the page is full.
  const tail = () => {
    w.gap(3);
    w.field('2. Số lượng hồ sơ', `${formatCount(data.sets)} bộ`);
    w.field('3. Thời gian giải quyết hồ sơ theo quy định', data.legalLimitText);
    w.field('4. Thời gian nhận hồ sơ', formatDateTime(data.receivedAt));
    w.field(
      '5. Thời gian trả kết quả giải quyết hồ sơ',
      data.appointmentAt ? formatDateTime(data.appointmentAt) : 'theo thông báo của cơ quan giải quyết',
    );
    w.field('6. Đăng ký nhận kết quả tại', data.resultPlace);
    if (data.fee != null) w.field('7. Phí, lệ phí', formatVnd(data.fee));
    w.paragraph([
      { text: 'Vào Sổ theo dõi hồ sơ: ' },
      data.bookRef ? { text: data.bookRef } : { text: `Quyển số ${DOTS}` },
    ]);
    const url = /^https?:\/\//i.test(data.qrPayload) ? data.qrPayload : null;
    w.paragraph(
      [
        { text: 'Tra cứu tình hình giải quyết hồ sơ: quét mã QR, hoặc nhập mã hồ sơ và mật khẩu tra cứu' },
        ...(url ? [{ text: ` tại ${url}` }] : []),
        { text: '.' },
      ],
      { size: SIZE.small, style: 'italic', spaceBefore: 2 },
    );
    w.signatures(
      [
        { title: 'Người nộp hồ sơ', name: data.applicant.name },
        { title: 'Người tiếp nhận hồ sơ', name: data.receiverName },
      ],
      formatPlaceDate(data.agency.place, issuedAt),
    );
  };
  const tailHeight = w.measure(tail);
  const keepWithLast = Number.isFinite(tailHeight) ? tailHeight : 0;
  if (data.documents.length > 0) {
    w.table(
      [
        { header: 'STT', weight: 7, align: 'center' },
        { header: 'Tên giấy tờ', weight: 63 },
        { header: 'Bản chính', weight: 15, align: 'center' },
        { header: 'Bản sao', weight: 15, align: 'center' },
      ],
      data.documents.map((d, i) => [String(i + 1), withoutEditorialNotes(d.name), count(d.original), count(d.copy)]),
      SIZE.table,
      { keepWithLast },
    );
  } else {
    w.paragraph('(Không có giấy tờ nào được ghi nhận khi tiếp nhận)', { style: 'italic', indent: 8 });
  }
  w.ensure(keepWithLast);
  tail();
  return w.finish();
}

function count(n: number | null): string {
  return n == null || n === 0 ? '' : formatCount(n);
}

/**
 * QR code of the lookup address with the lookup password under it, floating at the right of the
 * applicant's details.
 */
async function lookupBox(w: PdfWriter, data: ReceiptData): Promise<void> {
  const png = await QRCode.toBuffer(data.qrPayload, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 4 });
  const image = await w.doc.embedPng(png);
  const size = SIZE.small;
  const lh = PdfWriter.lineHeight(size);
  const lines = wrapRuns(
    [{ text: 'Mật khẩu tra cứu:\n' }, { text: data.lookupSecret, style: 'bold' }],
    w.fonts,
    size,
    BOX_WIDTH,
  );
  const height = QR_SIZE + 2 + lines.length * lh;
  const x = w.right - BOX_WIDTH;
  const top = w.y;
  w.page.drawImage(image, { x: x + (BOX_WIDTH - QR_SIZE) / 2, y: top - QR_SIZE, width: QR_SIZE, height: QR_SIZE });
  lines.forEach((line, i) => {
    w.drawLine(line, x, BOX_WIDTH, top - QR_SIZE - 2 - i * lh, size, 'center');
  });
  w.floatRight = { bottom: top - height, width: BOX_WIDTH + 8 };
}
