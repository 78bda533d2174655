/**
 * Input of the document generators: plain, JSON-friendly data (moments as `Date`, calendar dates as
 * `yyyy-mm-dd`). The caller (the dossier module) gathers it; the generators only lay it out.
 *
 * Forms of Circular 03/2025/TT-VPCP annex I, guiding Decree 118/2025/NĐ-CP. The annex text itself
 * was not available to us: the fields follow shared/domain/RULES.md §2, which reproduces them from
 * Decision 3621/QĐ-BYT (2025). Form 05's fields are unconfirmed there.
 */

/** Issuing agency, printed in the top-left header block. */
export interface AgencyHeader {
  /** Cơ quan chủ quản, printed above the unit; null when there is none. */
  parentName: string | null;
  /** Cơ quan, đơn vị ban hành (printed bold), e.g. the one-stop unit. */
  name: string;
  /** Địa danh of the date line, e.g. 'Đà Nẵng'. */
  place: string;
}

/** Người nộp hồ sơ (a citizen or an organization). */
export interface ApplicantInfo {
  name: string;
  /** Số định danh cá nhân, or an organization's tax/enterprise code. */
  idNumber: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
}

/** Người được ủy quyền, when someone files on the applicant's behalf. */
export interface AuthorizedPerson {
  name: string;
  idNumber: string | null;
  /** Giấy ủy quyền, e.g. 'Giấy ủy quyền số 12/UQ ngày 20/02/2026'. */
  authorizationPaper: string | null;
}

/** Người ký: title lines (e.g. 'KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC') and full name. */
export interface Signer {
  title: string;
  name: string;
}

/** One document of the dossier as listed on the receipt: how many originals and copies. */
export interface ReceiptDocument {
  name: string;
  original: number | null;
  copy: number | null;
}

/** Form 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Decree 118/2025 art. 17). */
export interface ReceiptData {
  agency: AgencyHeader;
  dossierCode: string;
  /** Nội dung yêu cầu giải quyết: the procedure's name. */
  procedureName: string;
  applicant: ApplicantInfo;
  authorized?: AuthorizedPerson | null;
  documents: ReceiptDocument[];
  /** Số lượng hồ sơ (bộ). */
  sets: number;
  /** Thời gian giải quyết theo quy định, e.g. '10 ngày làm việc'. */
  legalLimitText: string | null;
  receivedAt: Date;
  /** Null when the procedure has no fixed time limit. */
  appointmentAt: Date | null;
  /** Where the result is collected (or how it is sent). */
  resultPlace: string;
  receiverName: string;
  /** Printed under the QR code; with the dossier code it opens the public lookup. */
  lookupSecret: string;
  /** Encoded in the QR code, e.g. the lookup URL. */
  qrPayload: string;
  /** Vào Sổ theo dõi hồ sơ: volume and line, e.g. 'Quyển số 01, số thứ tự 42'. */
  bookRef?: string | null;
  /** Phí, lệ phí to pay, in đồng; omitted when null or absent. */
  fee?: number | null;
  /** Date on the signature line; defaults to receivedAt. */
  issuedAt?: Date;
}

/** Form 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Decree 118/2025 arts. 16(3), 19(5)). */
export interface SupplementRequestData {
  agency: AgencyHeader;
  /** Null when the request is made at reception, before a dossier code is issued. */
  dossierCode: string | null;
  procedureName: string;
  applicant: ApplicantInfo;
  /** When the dossier was received, if it was (a request made during appraisal, art. 19(5)). */
  receivedAt?: Date | null;
  /** Everything to add or correct, listed once and completely. */
  items: string[];
  reason: string;
  /** Who the applicant may contact for guidance. */
  contactName: string;
  contactPhone: string | null;
  /** Staff member who signs (người hướng dẫn). */
  staffName: string;
  issuedAt: Date;
}

/** Form 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ (Decree 118/2025 art. 17). */
export interface RefusalData {
  agency: AgencyHeader;
  dossierCode: string | null;
  procedureName: string;
  applicant: ApplicantInfo;
  reasons: string[];
  /** Căn cứ: the rule the refusal rests on, if stated. */
  legalBasis?: string | null;
  staffName: string;
  /** Signature title; defaults to 'NGƯỜI TIẾP NHẬN HỒ SƠ'. */
  staffTitle?: string | null;
  issuedAt: Date;
}

/** Form 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Decree 118/2025 art. 19(6)). */
export interface ApologyExtensionData {
  agency: AgencyHeader;
  /** Số, ký hiệu văn bản, e.g. '15/SXD-VP'; dots are printed when absent. */
  documentNumber?: string | null;
  /** Kính gửi: usually the applicant (and the one-stop unit). */
  addressee: string;
  dossierCode: string;
  procedureName: string;
  applicant: ApplicantInfo;
  receivedAt: Date;
  originalDue: Date;
  newDue: Date;
  reason: string;
  /** Head of the late agency. */
  signer: Signer;
  /** Nơi nhận, e.g. ['Như trên;', 'Bộ phận Một cửa;', 'Lưu: VT.']; omitted when absent. */
  recipients?: string[] | null;
  issuedAt: Date;
}

/** Form 05 — Thông báo dừng giải quyết hồ sơ (Decree 118/2025 art. 21). */
export interface StopNoticeData {
  agency: AgencyHeader;
  documentNumber?: string | null;
  /** Kính gửi; defaults to the applicant. */
  addressee?: string | null;
  dossierCode: string;
  procedureName: string;
  applicant: ApplicantInfo;
  receivedAt: Date;
  /** When the applicant asked to stop. */
  requestedAt: Date;
  reason: string;
  /** From when processing stops; defaults to issuedAt. */
  stoppedAt?: Date | null;
  /** What happens to the papers and fees, e.g. 'Hồ sơ giấy được trả lại tại Bộ phận Một cửa'. */
  returnNote?: string | null;
  signer: Signer;
  recipients?: string[] | null;
  issuedAt: Date;
}

/** Kết quả of one step against its own due moment. */
export type HandoffResult = 'early' | 'on_time' | 'late';

/** One hand-off between units or people, as recorded by the system. */
export interface Handoff {
  fromUnit: string;
  fromPerson: string | null;
  toUnit: string;
  toPerson: string | null;
  handedAt: Date;
  /** When the receiving side took it, if later than handedAt. */
  receivedAt?: Date | null;
  /** Null while the step is still open. */
  result: HandoffResult | null;
  note: string | null;
}

/** Form 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ. */
export interface ControlSlipData {
  agency: AgencyHeader;
  dossierCode: string;
  procedureName: string;
  applicant: ApplicantInfo;
  /** Cơ quan chủ trì giải quyết. */
  leadAgency: string;
  /** Cơ quan phối hợp giải quyết. */
  cooperatingAgencies: string[];
  receivedAt: Date;
  appointmentAt: Date | null;
  handoffs: Handoff[];
  issuedAt: Date;
  /** Người lập phiếu; no signature block when absent (the slip is recorded by the system). */
  preparedBy?: string | null;
}

/** How the result reached the applicant (national portal channels: counter, online, public post). */
export type ResultDelivery = 'counter' | 'online' | 'post';

/** One line of form 07 — Sổ theo dõi hồ sơ. */
export interface TrackingBookRow {
  dossierCode: string;
  procedureName: string;
  applicantName: string;
  applicantAddress: string | null;
  applicantPhone: string | null;
  leadAgency: string;
  receivedAt: Date;
  appointmentAt: Date | null;
  returnedAt: Date | null;
  resultDelivery: ResultDelivery | null;
  note: string | null;
}

/** Header of form 07; the book is kept per field (lĩnh vực). */
export interface TrackingBookMeta {
  agency: AgencyHeader;
  fieldName?: string | null;
  /** Quyển số. */
  volume?: string | null;
  /** Period covered, local calendar dates `yyyy-mm-dd`. */
  periodFrom: string;
  periodTo: string;
  /** Stamped as the workbook's creation time; defaults to now. */
  generatedAt?: Date;
}
