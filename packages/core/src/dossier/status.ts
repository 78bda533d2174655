/**
 * Legal statuses of a dossier (trạng thái hồ sơ), the flags that qualify them and the
 * sub-statuses (trạng thái con) officials see under them. Statuses are few and map one-to-one
 * onto the national portal's sync codes 1–10 (QCVN 120:2019/BTTTT, RULES.md §7); `closed` is the
 * one status without a code (see docs/dossier-engine.md).
 */

export const DOSSIER_STATUSES = [
  'submitted',
  'received',
  'refused',
  'processing',
  'supplement_requested',
  'fee_requested',
  'withdrawal_requested',
  'stopped',
  'result_ready',
  'returned',
  'closed',
] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

/** National portal sync code (1–10), or null for a status the portal has no code for. */
export type NationalStatusCode = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export interface StatusInfo {
  nationalCode: NationalStatusCode | null;
  label_vi: string;
  label_en: string;
  /** No command leads out of a terminal status. */
  terminal: boolean;
}

export const STATUS_INFO: Readonly<Record<DossierStatus, StatusInfo>> = {
  submitted: { nationalCode: 1, label_vi: 'Mới đăng ký', label_en: 'New', terminal: false },
  received: { nationalCode: 2, label_vi: 'Đã tiếp nhận', label_en: 'Received', terminal: false },
  refused: { nationalCode: 3, label_vi: 'Từ chối tiếp nhận', label_en: 'Not received (refused)', terminal: true },
  processing: { nationalCode: 4, label_vi: 'Đang xử lý', label_en: 'Processing', terminal: false },
  supplement_requested: {
    nationalCode: 5,
    label_vi: 'Chờ bổ sung',
    label_en: 'Supplement requested',
    terminal: false,
  },
  fee_requested: {
    nationalCode: 6,
    label_vi: 'Chờ thực hiện nghĩa vụ tài chính',
    label_en: 'Financial obligation requested',
    terminal: false,
  },
  withdrawal_requested: {
    nationalCode: 7,
    label_vi: 'Công dân yêu cầu rút hồ sơ',
    label_en: 'Withdrawal requested by the applicant',
    terminal: false,
  },
  stopped: { nationalCode: 8, label_vi: 'Dừng xử lý', label_en: 'Processing stopped', terminal: true },
  result_ready: { nationalCode: 9, label_vi: 'Chờ trả kết quả', label_en: 'Processing finished', terminal: false },
  returned: { nationalCode: 10, label_vi: 'Đã trả kết quả', label_en: 'Result returned', terminal: false },
  closed: { nationalCode: null, label_vi: 'Đã đóng hồ sơ', label_en: 'Closed without result', terminal: true },
};

/** The national portal sync code of a status (null for `closed`). */
export function nationalStatusCode(status: DossierStatus): NationalStatusCode | null {
  return STATUS_INFO[status].nationalCode;
}

/** The status synced under a national code (inverse of nationalStatusCode). */
export function statusOfNationalCode(code: NationalStatusCode): DossierStatus {
  const found = DOSSIER_STATUSES.find((s) => STATUS_INFO[s].nationalCode === code);
  if (!found) throw new RangeError(`Unknown national status code ${code}`);
  return found;
}

/**
 * Flags (cờ) qualify a status without multiplying statuses. The first four are stored (derived
 * from events); `overdue`, `due_soon` and `step_overdue` depend on the clock and are computed by
 * `timeFlags` in flags.ts.
 */
export const DOSSIER_FLAGS = [
  'paused',
  'in_consultation',
  'extended',
  'supplement_used',
  'overdue',
  'due_soon',
  'step_overdue',
] as const;
export type DossierFlag = (typeof DOSSIER_FLAGS)[number];
export type StoredFlag = 'paused' | 'in_consultation' | 'extended' | 'supplement_used';

export const FLAG_LABELS: Readonly<Record<DossierFlag, { label_vi: string; label_en: string }>> = {
  paused: { label_vi: 'Tạm dừng tính thời gian', label_en: 'Clock paused' },
  in_consultation: { label_vi: 'Đang xin ý kiến liên thông', label_en: 'In consultation' },
  extended: { label_vi: 'Đã gia hạn', label_en: 'Extended' },
  supplement_used: { label_vi: 'Đã yêu cầu bổ sung', label_en: 'Supplement already requested' },
  overdue: { label_vi: 'Quá hạn', label_en: 'Overdue' },
  due_soon: { label_vi: 'Sắp đến hạn', label_en: 'Due soon' },
  step_overdue: { label_vi: 'Quá hạn bước xử lý', label_en: 'Step overdue' },
};

/** Sub-statuses (trạng thái con) shown under a legal status; never synced, never legal. */
export const SUB_STATUSES = {
  awaiting_transfer: { parent: 'received', label_vi: 'Chờ chuyển xử lý', label_en: 'Awaiting transfer' },
  awaiting_claim: { parent: 'processing', label_vi: 'Chờ xử lý', label_en: 'Awaiting an assignee' },
  in_progress: { parent: 'processing', label_vi: 'Đang xử lý', label_en: 'In progress' },
  awaiting_approval: { parent: 'processing', label_vi: 'Chờ phê duyệt', label_en: 'Awaiting approval' },
  awaiting_signature: { parent: 'processing', label_vi: 'Chờ ký', label_en: 'Awaiting signature' },
  awaiting_appraisal_meeting: {
    parent: 'processing',
    label_vi: 'Chờ họp thẩm định',
    label_en: 'Awaiting the appraisal meeting',
  },
  inter_agency: { parent: 'processing', label_vi: 'Đang xử lý liên thông', label_en: 'Inter-agency processing' },
  awaiting_payment: { parent: 'fee_requested', label_vi: 'Chờ thanh toán', label_en: 'Awaiting payment' },
  awaiting_return: { parent: 'result_ready', label_vi: 'Chờ trả kết quả', label_en: 'Awaiting return' },
} as const satisfies Record<string, { parent: DossierStatus; label_vi: string; label_en: string }>;
export type SubStatus = keyof typeof SUB_STATUSES;
export const SUB_STATUS_IDS = Object.keys(SUB_STATUSES) as SubStatus[];
