/** Errors the dossier machine returns, with stable codes and Vietnamese and English messages. */

export const DOSSIER_ERRORS = {
  unknown_command: { vi: 'Lệnh không hợp lệ', en: 'Unknown command' },
  dossier_not_found: { vi: 'Hồ sơ chưa được nộp', en: 'The dossier has not been submitted' },
  action_not_allowed: {
    vi: 'Không thể thực hiện thao tác ở trạng thái hiện tại',
    en: 'Not allowed in the current status',
  },
  forbidden: { vi: 'Bạn không có quyền thực hiện thao tác này', en: 'You may not perform this action' },
  invalid_payload: { vi: 'Dữ liệu lệnh không hợp lệ', en: 'Invalid command data' },
  calendar_required: {
    vi: 'Cần lịch làm việc để tính thời hạn',
    en: 'A work calendar is needed to compute the deadline',
  },
  supplement_already_requested: {
    vi: 'Chỉ được yêu cầu bổ sung hồ sơ một lần (Nghị định 118/2025, điều 11(2)(c), 16(3))',
    en: 'Supplements may be requested only once (Decree 118/2025 art. 11(2)(c), 16(3))',
  },
  not_received: { vi: 'Hồ sơ chưa được tiếp nhận', en: 'The dossier has not been received' },
  no_current_step: { vi: 'Hồ sơ không ở bước xử lý nào', en: 'The dossier is at no step' },
  step_action_not_allowed: {
    vi: 'Bước xử lý hiện tại không cho phép thao tác này',
    en: 'The current step does not allow this action',
  },
  already_assigned: { vi: 'Bước đã có người chủ trì xử lý', en: 'The step already has a main handler' },
  unknown_step: { vi: 'Bước xử lý không tồn tại', en: 'Unknown step' },
  final_step: { vi: 'Đây là bước cuối; hãy hoàn thành xử lý', en: 'This is the final step; finish instead' },
  not_final_step: { vi: 'Chỉ hoàn thành xử lý ở bước cuối', en: 'Only the final step can finish' },
  agency_unresolved: { vi: 'Không xác định được cơ quan thực hiện bước', en: "The step's agency cannot be resolved" },
  consultations_open: { vi: 'Còn ý kiến liên thông chưa trả lời', en: 'Consultations are still open' },
  unknown_consultation: { vi: 'Không có yêu cầu liên thông này', en: 'Unknown or closed consultation' },
  consultation_already_open: { vi: 'Yêu cầu liên thông này đang mở', en: 'This consultation is already open' },
  already_approved: { vi: 'Hồ sơ đã được phê duyệt ở bước này', en: 'Already approved at this step' },
  already_signed: { vi: 'Hồ sơ đã được ký ở bước này', en: 'Already signed at this step' },
  not_approved: { vi: 'Hồ sơ chưa được phê duyệt', en: 'Not approved yet' },
  not_signed: { vi: 'Kết quả chưa được ký', en: 'The result is not signed yet' },
  result_file_missing: {
    vi: 'Chưa có tệp kết quả: hãy đính kèm văn bản kết quả (giấy chứng nhận, quyết định…) vào hồ sơ',
    en: 'No result file: attach the result document (certificate, decision…) to the dossier first',
  },
  result_not_approved: {
    vi: 'Tệp kết quả hiện tại chưa được phê duyệt (tệp đã thay đổi sau khi phê duyệt cần phê duyệt lại)',
    en: 'The current result file is not approved (a file changed after approval needs a new approval)',
  },
  nothing_to_roll_back: { vi: 'Không có thao tác nào để thu hồi', en: 'Nothing to roll back' },
  not_last_actor: {
    vi: 'Chỉ người thực hiện thao tác cuối được thu hồi, khi bước sau chưa xử lý',
    en: 'Only whoever did the last action may roll it back, while the next step has not acted',
  },
  fee_pending: { vi: 'Còn khoản phí chưa thanh toán', en: 'A fee is still unpaid' },
  no_advance: { vi: 'Chưa có khoản tạm ứng để quyết toán', en: 'No advance to settle' },
  extension_already_used: {
    vi: 'Chỉ được gia hạn (hẹn lại) một lần (Nghị định 118/2025, điều 19(6))',
    en: 'The appointment may be re-set only once (Decree 118/2025 art. 19(6))',
  },
  extension_too_late: {
    vi: 'Phải xin gia hạn chậm nhất 01 ngày làm việc trước hạn trả kết quả',
    en: 'An extension must be asked at least one working day before the deadline',
  },
  no_deadline: { vi: 'Hồ sơ không có hạn trả kết quả', en: 'The dossier has no deadline' },
  invalid_new_due: { vi: 'Hạn mới phải sau hạn hiện tại', en: 'The new deadline must be after the current one' },
  already_rated: { vi: 'Hồ sơ đã được đánh giá', en: 'The service has already been rated' },
  supplement_window_open: {
    vi: 'Chưa hết 15 ngày chờ bổ sung hồ sơ',
    en: 'The 15 days to supplement the dossier have not passed',
  },
} as const satisfies Record<string, { vi: string; en: string }>;

export type DossierErrorCode = keyof typeof DOSSIER_ERRORS;

export interface DossierError {
  code: DossierErrorCode;
  message_vi: string;
  message_en: string;
}

export function dossierError(code: DossierErrorCode, detail?: string): DossierError {
  const m = DOSSIER_ERRORS[code];
  return {
    code,
    message_vi: detail ? `${m.vi}: ${detail}` : m.vi,
    message_en: detail ? `${m.en}: ${detail}` : m.en,
  };
}
