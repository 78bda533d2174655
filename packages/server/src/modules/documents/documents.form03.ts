/**
 * Form 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ (refusal), Circular 03/2025/TT-VPCP annex I.
 * Decree 118/2025/NĐ-CP art. 17: a dossier that is not eligible is refused, stating the reasons.
 * Fields as RULES.md §2 reproduces them (Decision 3621/QĐ-BYT); the annex text itself was not
 * available.
 */
import { formatPlaceDate } from './documents.format.ts';
import { createWriter } from './documents.layout.ts';
import { applicantFields, FORMS, formInfo } from './documents.parts.ts';
import type { RefusalData } from './documents.types.ts';

export async function renderForm03Refusal(data: RefusalData): Promise<Uint8Array> {
  const w = await createWriter(
    formInfo('refusal', { dossierCode: data.dossierCode, agencyName: data.agency.name, createdAt: data.issuedAt }),
  );
  w.agencyHeader(data.agency);
  w.title(
    FORMS.refusal.title,
    data.dossierCode ? [{ text: 'Mã hồ sơ: ' }, { text: data.dossierCode, style: 'bold' }] : null,
  );

  w.paragraph([{ text: data.agency.name, style: 'bold' }, { text: ' tiếp nhận hồ sơ của:' }]);
  applicantFields(w, data.applicant);
  w.field('Nội dung yêu cầu giải quyết', data.procedureName);

  const basis = data.legalBasis?.trim();
  w.paragraph(
    [
      { text: basis ? `Căn cứ ${basis}, ` : 'Sau khi xem xét, ' },
      { text: data.agency.name, style: 'bold' },
      { text: ' từ chối tiếp nhận, giải quyết hồ sơ này vì lý do sau:' },
    ],
    { spaceBefore: 3, spaceAfter: 1 },
  );
  w.numbered(data.reasons);
  w.paragraph('Xin thông báo để ông/bà/tổ chức được biết./.', { spaceBefore: 3 });

  w.signatures(
    [{ title: data.staffTitle?.trim() || 'Người tiếp nhận hồ sơ', name: data.staffName }],
    formatPlaceDate(data.agency.place, data.issuedAt),
  );
  return w.finish();
}
