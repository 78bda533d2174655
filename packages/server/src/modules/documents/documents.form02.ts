/**
 * Form 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (supplement request), Circular 03/2025/TT-VPCP
 * annex I. Decree 118/2025/NĐ-CP arts. 11(2)(c), 16(3): supplements are requested only once, listing
 * everything missing; art. 19(5): during appraisal, within 3 working days of receipt. Fields as
 * RULES.md §2 reproduces them (Decision 3621/QĐ-BYT); the annex text itself was not available.
 */
import { formatDateTime, formatPlaceDate } from './documents.format.ts';
import { createWriter } from './documents.layout.ts';
import { applicantFields, FORMS, formInfo } from './documents.parts.ts';
import type { SupplementRequestData } from './documents.types.ts';

export async function renderForm02SupplementRequest(data: SupplementRequestData): Promise<Uint8Array> {
  const w = await createWriter(
    formInfo('supplement', { dossierCode: data.dossierCode, agencyName: data.agency.name, createdAt: data.issuedAt }),
  );
  w.agencyHeader(data.agency);
  w.title(
    FORMS.supplement.title,
    data.dossierCode ? [{ text: 'Mã hồ sơ: ' }, { text: data.dossierCode, style: 'bold' }] : null,
  );

  w.paragraph('Hồ sơ của:');
  applicantFields(w, data.applicant);
  w.field('Nội dung yêu cầu giải quyết', data.procedureName);
  if (data.receivedAt) w.field('Thời gian tiếp nhận hồ sơ', formatDateTime(data.receivedAt));

  w.paragraph(
    [
      { text: 'Sau khi kiểm tra, ' },
      { text: data.agency.name, style: 'bold' },
      { text: ' đề nghị ông/bà/tổ chức bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:' },
    ],
    { spaceBefore: 3, spaceAfter: 1 },
  );
  w.numbered(data.items);
  w.field('Lý do', data.reason, { spaceBefore: 3 });
  w.paragraph(
    [
      { text: 'Ông/Bà/Tổ chức bổ sung, hoàn thiện hồ sơ một lần, đầy đủ theo các nội dung trên. ' },
      { text: 'Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, xin liên hệ ông/bà ' },
      { text: data.contactName, style: 'bold' },
      ...(data.contactPhone ? [{ text: ', số điện thoại ' }, { text: data.contactPhone, style: 'bold' as const }] : []),
      { text: ' để được hướng dẫn./.' },
    ],
    { spaceBefore: 3 },
  );

  w.signatures([{ title: 'Người hướng dẫn', name: data.staffName }], formatPlaceDate(data.agency.place, data.issuedAt));
  return w.finish();
}
