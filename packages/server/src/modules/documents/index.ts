/**
 * Printable documents of the one-stop procedure (Decree 118/2025/NĐ-CP arts. 17–22; forms 01–07 of
 * Circular 03/2025/TT-VPCP annex I). Pure generators: data in, PDF (A5) or XLSX (A4) bytes out.
 */

export { RESULT_DELIVERY_LABELS, renderTrackingBook07, TRACKING_BOOK_COLUMNS } from './documents.book07.ts';
export { renderForm01Receipt } from './documents.form01.ts';
export { renderForm02SupplementRequest } from './documents.form02.ts';
export { renderForm03Refusal } from './documents.form03.ts';
export { renderForm04ApologyExtension } from './documents.form04.ts';
export { renderForm05StopNotice } from './documents.form05.ts';
export { HANDOFF_RESULT_LABELS, renderForm06ControlSlip } from './documents.form06.ts';
export {
  formatDate,
  formatDateTime,
  formatDateTimeShort,
  formatPlaceDate,
  formatTime,
  formatVnd,
  withoutEditorialNotes,
} from './documents.format.ts';
export { A5_HEIGHT, A5_WIDTH } from './documents.layout.ts';
export { FORMS } from './documents.parts.ts';
export type * from './documents.types.ts';
export { wrapText } from './documents.wrap.ts';
