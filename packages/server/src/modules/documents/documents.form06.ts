/**
 * Form 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ (processing control slip), Circular
 * 03/2025/TT-VPCP annex I: one row per hand-off between units and people, with the result of each
 * step against its due moment; recorded automatically by the system (RULES.md §2, reproducing
 * Decision 3621/QĐ-BYT; the annex text itself was not available). Consultations between agencies
 * (Decree 118/2025/NĐ-CP art. 18) appear as hand-offs too.
 */
import { formatDateTime, formatDateTimeShort, formatPlaceDate } from './documents.format.ts';
import { createWriter } from './documents.layout.ts';
import { FORMS, formInfo } from './documents.parts.ts';
import type { ControlSlipData, Handoff, HandoffResult } from './documents.types.ts';

export const HANDOFF_RESULT_LABELS: Record<HandoffResult, string> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Quá hạn',
};

export async function renderForm06ControlSlip(data: ControlSlipData): Promise<Uint8Array> {
  const w = await createWriter(
    formInfo('control', { dossierCode: data.dossierCode, agencyName: data.agency.name, createdAt: data.issuedAt }),
  );
  w.agencyHeader(data.agency);
  w.title(FORMS.control.title, [{ text: 'Mã hồ sơ: ' }, { text: data.dossierCode, style: 'bold' }]);

  w.field('Người nộp hồ sơ', data.applicant.name);
  w.field('Thủ tục hành chính', data.procedureName);
  w.field('Cơ quan (bộ phận) chủ trì giải quyết', data.leadAgency);
  w.field(
    'Cơ quan phối hợp giải quyết',
    data.cooperatingAgencies.length > 0 ? data.cooperatingAgencies.join('; ') : 'Không',
  );
  w.field('Thời gian nhận hồ sơ', formatDateTime(data.receivedAt));
  w.field('Thời gian hẹn trả kết quả', data.appointmentAt ? formatDateTime(data.appointmentAt) : null, {
    spaceAfter: 4,
  });

  w.table(
    [
      { header: 'STT', weight: 6, align: 'center' },
      { header: 'Bên giao (đơn vị, người giao)', weight: 22 },
      { header: 'Bên nhận (đơn vị, người nhận)', weight: 22 },
      { header: 'Thời gian giao, nhận', weight: 17, align: 'center' },
      { header: 'Kết quả (trước hạn/ đúng hạn/ quá hạn)', weight: 14, align: 'center' },
      { header: 'Ghi chú', weight: 19 },
    ],
    data.handoffs.map((h, i) => [
      String(i + 1),
      side(h.fromUnit, h.fromPerson),
      side(h.toUnit, h.toPerson),
      times(h),
      h.result ? HANDOFF_RESULT_LABELS[h.result] : '',
      h.note ?? '',
    ]),
  );

  w.signatures(
    data.preparedBy ? [{ title: 'Người lập phiếu', name: data.preparedBy }] : [],
    formatPlaceDate(data.agency.place, data.issuedAt),
  );
  if (!data.preparedBy) {
    w.paragraph('Phiếu được lập từ dữ liệu hệ thống ghi nhận tự động.', { size: 7, style: 'italic', align: 'right' });
  }
  return w.finish();
}

function side(unit: string, person: string | null): string {
  return person ? `${unit}\n${person}` : unit;
}

function times(h: Handoff): string {
  const handed = formatDateTimeShort(h.handedAt);
  if (!h.receivedAt || h.receivedAt.getTime() === h.handedAt.getTime()) return handed;
  return `Giao: ${handed}\nNhận: ${formatDateTimeShort(h.receivedAt)}`;
}
