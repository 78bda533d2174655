/** Stable problem codes with their Vietnamese and English titles. One catalogue for the whole API. */
export const PROBLEMS = {
  validation_failed: { status: 400, vi: 'Dữ liệu gửi lên không hợp lệ', en: 'The submitted data is invalid' },
  malformed_json: { status: 400, vi: 'Nội dung JSON không đúng cú pháp', en: 'The JSON body is malformed' },
  unsupported_media_type: {
    status: 415,
    vi: 'Kiểu nội dung không được hỗ trợ',
    en: 'Unsupported content type',
  },
  payload_too_large: { status: 413, vi: 'Dữ liệu gửi lên quá lớn', en: 'The request body is too large' },
  unauthenticated: { status: 401, vi: 'Bạn cần đăng nhập', en: 'You need to sign in' },
  password_guesses_exceeded: {
    status: 401,
    vi: 'Mật khẩu hiện tại sai quá nhiều lần: phiên làm việc đã kết thúc. Vui lòng đăng nhập lại.',
    en: 'Too many wrong current passwords: the session has ended. Please sign in again.',
  },
  session_idle: {
    status: 401,
    vi: 'Phiên làm việc đã kết thúc vì lâu không thao tác. Vui lòng đăng nhập lại.',
    en: 'Your session ended after a period of inactivity. Please sign in again.',
  },
  invalid_credentials: {
    status: 401,
    vi: 'Tên đăng nhập hoặc mật khẩu không đúng',
    en: 'Wrong username or password',
  },
  account_locked: {
    status: 423,
    vi: 'Tài khoản tạm khóa do đăng nhập sai nhiều lần',
    en: 'The account is temporarily locked after repeated failed sign-ins',
  },
  sign_in_throttled: {
    status: 429,
    vi: 'Đăng nhập sai nhiều lần, vui lòng thử lại sau ít phút',
    en: 'Too many failed sign-ins, please try again in a few minutes',
  },
  csrf_failed: {
    status: 403,
    vi: 'Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF)',
    en: 'Missing or wrong CSRF token',
  },
  forbidden: { status: 403, vi: 'Bạn không có quyền thực hiện thao tác này', en: 'You are not allowed to do this' },
  not_found: { status: 404, vi: 'Không tìm thấy', en: 'Not found' },
  route_not_found: { status: 404, vi: 'Không có đường dẫn này', en: 'No such route' },
  method_not_allowed: { status: 405, vi: 'Phương thức không được hỗ trợ', en: 'Method not allowed' },
  conflict: {
    status: 409,
    vi: 'Dữ liệu đã bị thay đổi bởi thao tác khác',
    en: 'The data was changed by another action',
  },
  duplicate: { status: 409, vi: 'Dữ liệu đã tồn tại', en: 'Already exists' },
  verification_failed: {
    status: 400,
    vi: 'Mã xác nhận không đúng, đã hết hạn hoặc đã được dùng; hãy kiểm tra lại hoặc gửi lại mã khác',
    en: 'The verification code is wrong, expired or already used; check it or ask for a new one',
  },
  dossier_not_found: { status: 404, vi: 'Không tìm thấy hồ sơ', en: 'Dossier not found' },
  applicant_not_found: {
    status: 404,
    vi: 'Chưa có người nộp nào với số định danh này; nhập thông tin mới',
    en: 'No applicant with this ID number yet; enter their details',
  },
  version_conflict: {
    status: 409,
    vi: 'Hồ sơ vừa được người khác xử lý; hãy tải lại để xem trạng thái mới',
    en: 'The dossier was just changed by someone else; reload to see its current state',
  },
  action_not_allowed: {
    status: 409,
    vi: 'Thao tác không thực hiện được ở trạng thái hiện tại của hồ sơ',
    en: 'This action is not possible in the dossier’s current status',
  },
  rule_violated: {
    status: 422,
    vi: 'Thao tác trái quy định giải quyết thủ tục hành chính',
    en: 'The action breaks a rule of the procedure',
  },
  idempotency_key_reused: {
    status: 422,
    vi: 'Mã chống gửi lặp (Idempotency-Key) đã dùng cho một yêu cầu khác',
    en: 'The Idempotency-Key was already used for a different request',
  },
  procedure_not_available: {
    status: 422,
    vi: 'Thủ tục chưa được công bố hoặc chưa có quy trình xử lý',
    en: 'The procedure is not published or has no workflow',
  },
  procedure_not_publishable: {
    status: 422,
    vi: 'Thủ tục chưa đủ điều kiện công bố',
    en: 'The procedure cannot be published yet',
  },
  workflow_agency_unavailable: {
    status: 422,
    vi: 'Không tiếp nhận được: quy trình có bước không có cơ quan thực hiện đang hoạt động',
    en: 'Cannot receive: a step of the workflow has no active agency to do it',
  },
  mandatory_documents_unchecked: {
    status: 422,
    vi: 'Chưa kiểm tra đủ các thành phần hồ sơ bắt buộc',
    en: 'Not every mandatory document has been checked',
  },
  verified_field_changed: {
    status: 422,
    vi: 'Không được sửa thông tin đã xác thực từ Cơ sở dữ liệu quốc gia hoặc VNeID',
    en: 'Information verified by a national database or VNeID cannot be changed',
  },
  identity_level_required: {
    status: 403,
    vi: 'Thủ tục này yêu cầu đăng nhập bằng tài khoản định danh điện tử VNeID mức độ 2',
    en: 'This procedure requires signing in with a level-2 VNeID electronic identity',
  },
  vneid_sign_in_required: {
    status: 403,
    vi: 'Cần đăng nhập bằng VNeID để lấy thông tin từ Cơ sở dữ liệu quốc gia',
    en: 'Sign in with VNeID to fill the form from the national databases',
  },
  documents_missing: {
    status: 422,
    vi: 'Còn thiếu giấy tờ bắt buộc của thủ tục',
    en: 'Mandatory documents of the procedure are missing',
  },
  attachment_not_found: { status: 404, vi: 'Không tìm thấy tệp đính kèm', en: 'Attachment not found' },
  file_type_not_allowed: {
    status: 415,
    vi: 'Loại tệp không được chấp nhận (nội dung tệp không khớp loại cho phép)',
    en: 'File type not accepted (the content is not an allowed type)',
  },
  file_empty: { status: 400, vi: 'Tệp rỗng', en: 'The file is empty' },
  file_name_invalid: { status: 400, vi: 'Tên tệp không hợp lệ', en: 'Invalid file name' },
  archive_suspicious: {
    status: 422,
    vi: 'Tệp nén có tỉ lệ giải nén bất thường hoặc quá lớn khi giải nén',
    en: 'The archive expands abnormally or too large',
  },
  rate_limited: {
    status: 429,
    vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau',
    en: 'Too many requests, please try again later',
  },
  starting: {
    status: 503,
    vi: 'Hệ thống đang khởi động, vui lòng thử lại sau giây lát',
    en: 'The system is starting, please retry shortly',
  },
  internal: { status: 500, vi: 'Lỗi hệ thống, vui lòng thử lại sau', en: 'Internal error, please try again later' },
  // Integration (API clients, webhooks, national portal): docs/integration.md
  invalid_token: {
    status: 401,
    vi: 'Mã truy cập (bearer token) không hợp lệ hoặc đã hết hạn',
    en: 'The bearer token is invalid or has expired',
  },
  insufficient_scope: {
    status: 403,
    vi: 'Hệ thống kết nối không được cấp quyền (scope) cho thao tác này',
    en: 'The API client lacks the scope this operation needs',
  },
  webhook_url_refused: {
    status: 422,
    vi: 'Địa chỉ nhận sự kiện (webhook) không được chấp nhận',
    en: 'The webhook URL is not accepted',
  },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

/** Per-field validation messages by zod issue code. */
export const FIELD_MESSAGES: Record<string, { vi: string; en: string }> = {
  invalid_type: { vi: 'Sai kiểu dữ liệu', en: 'Wrong type' },
  unrecognized_keys: { vi: 'Trường không được phép', en: 'Unknown field' },
  too_small: { vi: 'Giá trị quá ngắn hoặc quá nhỏ', en: 'Too short or too small' },
  too_big: { vi: 'Giá trị quá dài hoặc quá lớn', en: 'Too long or too large' },
  invalid_format: { vi: 'Sai định dạng', en: 'Invalid format' },
  invalid_value: { vi: 'Giá trị không được chấp nhận', en: 'Value not accepted' },
  custom: { vi: 'Giá trị không hợp lệ', en: 'Invalid value' },
  required: { vi: 'Bắt buộc nhập', en: 'Required' },
};

export type Lang = 'vi' | 'en';

/** Vietnamese unless the client prefers English (Accept-Language). */
export function pickLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'vi';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag, q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('vi')) return 'vi';
    if (tag.startsWith('en')) return 'en';
  }
  return 'vi';
}
