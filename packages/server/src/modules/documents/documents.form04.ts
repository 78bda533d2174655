/**
 * Form 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (apology and extension),
 * Circular 03/2025/TT-VPCP annex I. Decree 118/2025/NĐ-CP art. 19(6): at least 1 day before the
 * deadline the late agency writes to the one-stop unit with the reason and an apology to the
 * applicant; the appointment is re-set at most once. Fields as RULES.md §2 reproduces them
 * (Decision 3621/QĐ-BYT); the annex text itself was not available.
 */
import { formatDate, formatDateTime, formatPlaceDate } from './documents.format.ts';
import { createWriter, signerColumn } from './documents.layout.ts';
import { FORMS, formInfo, LETTER } from './documents.parts.ts';
import type { ApologyExtensionData } from './documents.types.ts';

export async function renderForm04ApologyExtension(data: ApologyExtensionData): Promise<Uint8Array> {
  const w = await createWriter(
    formInfo('apology', { dossierCode: data.dossierCode, agencyName: data.agency.name, createdAt: data.issuedAt }),
  );
  const agency = data.agency.name;
  w.agencyHeader(data.agency, data.documentNumber ?? null, 'V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ');
  w.title(FORMS.apology.title, [{ text: 'Mã hồ sơ: ' }, { text: data.dossierCode, style: 'bold' }]);
  w.paragraph([{ text: 'Kính gửi: ' }, { text: data.addressee, style: 'bold' }], { align: 'center', spaceAfter: 4 });

  const id = data.applicant.idNumber ? ` (số định danh cá nhân/mã số doanh nghiệp: ${data.applicant.idNumber})` : '';
  w.paragraph(
    [
      { text: `Ngày ${formatDate(data.receivedAt)}, ` },
      { text: agency, style: 'bold' },
      { text: ' tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính ' },
      { text: data.procedureName, style: 'bold' },
      { text: ' của ông/bà/tổ chức ' },
      { text: data.applicant.name, style: 'bold' },
      { text: `${id}; mã hồ sơ: ` },
      { text: data.dossierCode, style: 'bold' },
      { text: '.' },
    ],
    LETTER,
  );
  w.paragraph(
    [
      { text: 'Thời hạn trả kết quả giải quyết hồ sơ theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả: ' },
      { text: formatDateTime(data.originalDue), style: 'bold' },
      { text: '.' },
    ],
    LETTER,
  );
  w.paragraph(
    [
      { text: `Tuy nhiên, đến nay ${agency} chưa thể trả kết quả giải quyết hồ sơ cho ông/bà/tổ chức đúng hẹn. ` },
      { text: `Lý do: ${data.reason}` },
    ],
    LETTER,
  );
  w.paragraph(
    [
      { text: `${agency} trân trọng xin lỗi ông/bà/tổ chức vì sự chậm trễ này và đề nghị gia hạn thời gian ` },
      { text: 'giải quyết hồ sơ, hẹn trả kết quả vào ' },
      { text: formatDateTime(data.newDue), style: 'bold' },
      { text: '.' },
    ],
    LETTER,
  );
  w.paragraph('Xin trân trọng cảm ơn sự hợp tác của ông/bà/tổ chức./.', LETTER);

  w.signatures([signerColumn(data.signer)], formatPlaceDate(data.agency.place, data.issuedAt), data.recipients);
  return w.finish();
}
