/**
 * Form 05 — Thông báo dừng giải quyết hồ sơ (notice of stopping), Circular 03/2025/TT-VPCP annex I.
 * Decree 118/2025/NĐ-CP art. 21: the applicant may ask to stop the procedure at any time from
 * receipt until the decision is issued. RULES.md §2 marks this form's fields UNCONFIRMED (the annex
 * text was not available); the content below follows forms 03 and 04: who, which dossier, when
 * the request came, the reason, from when processing stops.
 */
import { formatDate, formatDateTime, formatPlaceDate } from './documents.format.ts';
import { createWriter, signerColumn } from './documents.layout.ts';
import { FORMS, formInfo, LETTER } from './documents.parts.ts';
import type { StopNoticeData } from './documents.types.ts';

export async function renderForm05StopNotice(data: StopNoticeData): Promise<Uint8Array> {
  const w = await createWriter(
    formInfo('stop', { dossierCode: data.dossierCode, agencyName: data.agency.name, createdAt: data.issuedAt }),
  );
  const agency = data.agency.name;
  w.agencyHeader(data.agency, data.documentNumber ?? null, 'V/v dừng giải quyết hồ sơ');
  w.title(FORMS.stop.title, [{ text: 'Mã hồ sơ: ' }, { text: data.dossierCode, style: 'bold' }]);
  w.paragraph([{ text: 'Kính gửi: ' }, { text: data.addressee?.trim() || data.applicant.name, style: 'bold' }], {
    align: 'center',
    spaceAfter: 4,
  });

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
      { text: 'Vào ' },
      { text: formatDateTime(data.requestedAt), style: 'bold' },
      { text: `, ông/bà/tổ chức đề nghị dừng giải quyết hồ sơ nêu trên. Lý do: ${data.reason}` },
    ],
    LETTER,
  );
  w.paragraph(
    [
      { text: 'Căn cứ Điều 21 Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ, ' },
      { text: `${agency} thông báo dừng giải quyết hồ sơ kể từ ` },
      { text: formatDateTime(data.stoppedAt ?? data.issuedAt), style: 'bold' },
      { text: '.' },
    ],
    LETTER,
  );
  if (data.returnNote?.trim()) w.paragraph(data.returnNote, LETTER);
  w.paragraph('Xin thông báo để ông/bà/tổ chức được biết./.', LETTER);

  w.signatures([signerColumn(data.signer)], formatPlaceDate(data.agency.place, data.issuedAt), data.recipients);
  return w.finish();
}
