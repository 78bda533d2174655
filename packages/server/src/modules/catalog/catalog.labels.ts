import { LIFE_EVENTS, SUB_STATUSES } from '@motcua/core';
import type { z } from 'zod';
import { FIELD_MESSAGES, type Lang } from '../../shared/messages.ts';
import { type FieldError, fieldError } from '../../shared/problem.ts';

/**
 * Words for the catalog file a non-programmer edits: the Vietnamese value written in each Excel
 * cell for an enumerated code (the old English codes are still read), and the names of fields and
 * columns used to word import errors ("Dòng 3, cột Thời hạn: …" / "Row 3, column Time limit: …").
 */

type Labels = Record<string, { vi: string; en: string; aliases?: string[] }>;

export const LEVEL_LABELS: Labels = {
  province: { vi: 'Cấp tỉnh', en: 'Province' },
  district: { vi: 'Cấp huyện', en: 'District' },
  commune: { vi: 'Cấp xã', en: 'Commune' },
};
export const CHANNEL_LABELS: Labels = {
  counter: { vi: 'Trực tiếp', en: 'In person', aliases: ['Tại Bộ phận Một cửa'] },
  online: { vi: 'Trực tuyến', en: 'Online' },
  postal: { vi: 'Bưu chính', en: 'By post', aliases: ['Qua bưu chính', 'Bưu chính công ích'] },
};
export const APPLICANT_KIND_LABELS: Labels = {
  citizen: { vi: 'Công dân', en: 'Citizen', aliases: ['Cá nhân'] },
  organization: { vi: 'Tổ chức', en: 'Organization', aliases: ['Doanh nghiệp', 'Tổ chức, doanh nghiệp'] },
};
export const TIME_UNIT_LABELS: Labels = {
  working_days: { vi: 'Ngày làm việc', en: 'Working days' },
  working_hours: { vi: 'Giờ làm việc', en: 'Working hours' },
  calendar_days: { vi: 'Ngày', en: 'Days', aliases: ['Ngày theo lịch', 'Ngày lịch'] },
  text: { vi: 'Theo mô tả', en: 'As described', aliases: ['Không có số'] },
};
export const RESULT_KIND_LABELS: Labels = {
  licence: { vi: 'Giấy phép', en: 'Licence' },
  certificate: { vi: 'Giấy chứng nhận', en: 'Certificate' },
  extract: { vi: 'Trích lục', en: 'Extract' },
  certified_copy: { vi: 'Bản sao, chứng thực', en: 'Certified copy', aliases: ['Bản sao chứng thực'] },
  decision: { vi: 'Quyết định', en: 'Decision' },
  notice: { vi: 'Thông báo, xác nhận', en: 'Notice, confirmation', aliases: ['Thông báo'] },
  other: { vi: 'Khác', en: 'Other' },
};
/** Decree 42/2022/NĐ-CP art. 11. */
export const ONLINE_LEVEL_LABELS: Labels = {
  full: { vi: 'Toàn trình', en: 'Full process', aliases: ['Trực tuyến toàn trình'] },
  partial: { vi: 'Một phần', en: 'Partial', aliases: ['Trực tuyến một phần'] },
  none: { vi: 'Không trực tuyến', en: 'Not online', aliases: ['Không'] },
};
export const REQUIREMENT_LABELS: Labels = {
  mandatory: { vi: 'Bắt buộc', en: 'Mandatory' },
  conditional: { vi: 'Có điều kiện', en: 'Conditional', aliases: ['Tùy trường hợp', 'Không bắt buộc'] },
};
// ---- workflow sheets ----
/** Who does a step (core AgencyRef kinds). */
export const AGENCY_KIND_LABELS: Labels = {
  fixed: { vi: 'Cơ quan cố định (theo mã)', en: 'A fixed agency (by code)', aliases: ['Cơ quan cố định'] },
  receiving: { vi: 'Bộ phận tiếp nhận hồ sơ', en: 'The receiving one-stop unit' },
  receiving_authority: {
    vi: 'Cơ quan có thẩm quyền của nơi tiếp nhận',
    en: 'Competent authority of the receiving place',
  },
  applicant_commune: { vi: 'UBND xã nơi người nộp cư trú', en: 'Commune of the applicant' },
};
export const ROLE_LABELS: Labels = {
  receptionist: { vi: 'Cán bộ tiếp nhận', en: 'Receptionist' },
  officer: { vi: 'Chuyên viên', en: 'Officer' },
  leader: { vi: 'Lãnh đạo', en: 'Leader' },
  admin: { vi: 'Quản trị hệ thống', en: 'Administrator' },
  provincial_leader: { vi: 'Lãnh đạo tỉnh', en: 'Provincial leader' },
};
export const ACTION_LABELS: Labels = {
  forward: { vi: 'Chuyển bước tiếp theo', en: 'Forward', aliases: ['Chuyển tiếp'] },
  send_back: { vi: 'Trả lại bước trước', en: 'Send back', aliases: ['Trả lại'] },
  consult: { vi: 'Lấy ý kiến cơ quan khác', en: 'Consult', aliases: ['Xin ý kiến'] },
  approve: { vi: 'Phê duyệt kết quả', en: 'Approve', aliases: ['Phê duyệt'] },
  sign: { vi: 'Ký kết quả', en: 'Sign', aliases: ['Ký', 'Ký số'] },
  request_supplement: { vi: 'Yêu cầu bổ sung', en: 'Request a supplement' },
  refuse: { vi: 'Từ chối', en: 'Refuse' },
};
export const ALLOTMENT_UNIT_LABELS: Labels = {
  days: { vi: 'Ngày làm việc', en: 'Working days' },
  hours: { vi: 'Giờ làm việc', en: 'Working hours' },
};
export const SUB_STATUS_LABELS: Labels = Object.fromEntries(
  Object.entries(SUB_STATUSES).map(([code, v]) => [code, { vi: v.label_vi, en: v.label_en }]),
);

export const LIFE_EVENT_LABELS: Labels = Object.fromEntries(LIFE_EVENTS.map((e) => [e.code, { vi: e.vi, en: e.en }]));

/** Accent-, case- and space-insensitive key ("Cấp Tỉnh" = "cap tinh"). */
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();

/** The Vietnamese word written in the cell for `code` (the code itself if unknown). */
export function labelOf(labels: Labels, code: string | null): string | null {
  if (code === null) return null;
  return labels[code]?.vi ?? code;
}

/** The code a cell means: its Vietnamese or English word, an alias, or the code itself; else the text as is (then refused). */
export function codeOf(labels: Labels, cell: string | null): string | null {
  if (cell === null) return null;
  const key = fold(cell);
  for (const [code, l] of Object.entries(labels)) {
    if ([code, l.vi, l.en, ...(l.aliases ?? [])].some((x) => fold(x) === key)) return code;
  }
  return cell;
}

/** The allowed words of a list, for an error message. */
export function allowed(labels: Labels, lang: Lang): string {
  return Object.values(labels)
    .map((l) => (lang === 'vi' ? `«${l.vi}»` : `“${l.en}”`))
    .join(', ');
}

/** Names of the fields of a catalog item (JSON) and of the Excel columns, for error messages. */
const FIELD_NAMES: Record<string, { vi: string; en: string; values?: Labels }> = {
  id: { vi: 'ID', en: 'ID' },
  code: { vi: 'Mã TTHC', en: 'Procedure code' },
  fullCode: { vi: 'Mã đầy đủ', en: 'Full code' },
  name: { vi: 'Tên', en: 'Name' },
  'field.code': { vi: 'Mã lĩnh vực', en: 'Field code' },
  'field.name': { vi: 'Lĩnh vực', en: 'Field' },
  level: { vi: 'Cấp thực hiện', en: 'Level', values: LEVEL_LABELS },
  agencyCodes: { vi: 'Cơ quan thực hiện (mã)', en: 'Handling agencies (codes)' },
  channels: { vi: 'Cách thức nộp', en: 'Channels', values: CHANNEL_LABELS },
  applicantKinds: { vi: 'Đối tượng thực hiện', en: 'Applicants', values: APPLICANT_KIND_LABELS },
  lifeEvents: { vi: 'Sự kiện', en: 'Life events', values: LIFE_EVENT_LABELS },
  timeLimit: { vi: 'Thời hạn', en: 'Time limit' },
  'timeLimit.value': { vi: 'Thời hạn', en: 'Time limit' },
  'timeLimit.unit': { vi: 'Đơn vị thời hạn', en: 'Time unit', values: TIME_UNIT_LABELS },
  'timeLimit.text': { vi: 'Thời hạn (nguyên văn)', en: 'Time limit (wording)' },
  'result.name': { vi: 'Kết quả', en: 'Result' },
  'result.kind': { vi: 'Loại kết quả', en: 'Kind of result', values: RESULT_KIND_LABELS },
  onlineLevel: { vi: 'Mức độ DVC trực tuyến', en: 'Online level', values: ONLINE_LEVEL_LABELS },
  identityLevel: { vi: 'Mức độ định danh VNeID tối thiểu', en: 'Least VNeID identity level' },
  legalBasis: { vi: 'Căn cứ pháp lý', en: 'Legal basis' },
  'source.verified': { vi: 'Đã xác minh', en: 'Verified' },
  'source.text': { vi: 'Nguồn', en: 'Source' },
  'source.notes': { vi: 'Ghi chú', en: 'Notes' },
  eForm: { vi: 'Biểu mẫu điện tử', en: 'E-form' },
  workflow: { vi: 'Quy trình', en: 'Workflow' },
  'workflow.steps.id': { vi: 'Mã bước', en: 'Step id' },
  'workflow.steps.name_vi': { vi: 'Tên bước', en: 'Step name' },
  'workflow.steps.agency': { vi: 'Nơi thực hiện', en: 'Done by', values: AGENCY_KIND_LABELS },
  'workflow.steps.role': { vi: 'Vai trò', en: 'Role', values: ROLE_LABELS },
  'workflow.steps.allotment': { vi: 'Thời gian', en: 'Allotted time' },
  'workflow.steps.actions': { vi: 'Thao tác', en: 'Actions', values: ACTION_LABELS },
  'workflow.steps.next': { vi: 'Bước tiếp theo', en: 'Next step' },
  'workflow.steps.subStatus': { vi: 'Trạng thái phụ', en: 'Sub-status', values: SUB_STATUS_LABELS },
  // documents[]
  'documents.name': { vi: 'Tên giấy tờ', en: 'Document' },
  'documents.original': { vi: 'Bản chính', en: 'Originals' },
  'documents.copy': { vi: 'Bản sao', en: 'Copies' },
  'documents.requirement': { vi: 'Yêu cầu', en: 'Requirement', values: REQUIREMENT_LABELS },
  'documents.condition': { vi: 'Điều kiện', en: 'Condition' },
  'documents.templateFile': { vi: 'Mẫu đơn (tệp)', en: 'Form template (file)' },
  'documents.templateUrl': { vi: 'Mẫu đơn (URL)', en: 'Form template (URL)' },
  // fees[]
  'fees.name': { vi: 'Tên phí, lệ phí', en: 'Fee' },
  'fees.amountVnd': { vi: 'Số tiền (VNĐ)', en: 'Amount (VND)' },
  'fees.text': { vi: 'Mô tả', en: 'Description' },
};

/** The field a zod path names, e.g. ['timeLimit','value'] → "Thời hạn"; list indices are dropped. */
export function fieldName(path: string[]): { vi: string; en: string; values?: Labels } {
  const keys = path.filter((p) => !/^\d+$/.test(p));
  for (let n = keys.length; n > 0; n--) {
    const hit = FIELD_NAMES[keys.slice(0, n).join('.')];
    if (hit) return hit;
  }
  if (keys[0] === 'workflow' || keys[0] === 'eForm') return FIELD_NAMES[keys[0]]!;
  return { vi: keys.join('.') || 'tệp', en: keys.join('.') || 'file' };
}

/** Where an error is, in words: a row of a sheet, or an item of the JSON file. */
export type Place = { vi: string; en: string };

export function rowPlace(sheet: string, mainSheet: string, row: number, column: { vi: string; en: string }): Place {
  return sheet === mainSheet
    ? { vi: `Dòng ${row}, cột ${column.vi}`, en: `Row ${row}, column ${column.en}` }
    : {
        vi: `Trang «${sheet}», dòng ${row}, cột ${column.vi}`,
        en: `Sheet “${sheet}”, row ${row}, column ${column.en}`,
      };
}

export function itemPlace(i: number, name: unknown, sub: string | null, field: { vi: string; en: string }): Place {
  const n = typeof name === 'string' && name.trim() ? ` («${name.trim().slice(0, 80)}»)` : '';
  const nEn = typeof name === 'string' && name.trim() ? ` (“${name.trim().slice(0, 80)}”)` : '';
  const subVi = sub === null ? '' : `, ${sub}`;
  const subEn = sub === null ? '' : `, ${sub.replace('giấy tờ thứ', 'document').replace('khoản phí thứ', 'fee')}`;
  return {
    vi: `Thủ tục thứ ${i + 1}${n}${subVi}, mục ${field.vi}`,
    en: `Procedure ${i + 1}${nEn}${subEn}, field ${field.en}`,
  };
}

/** What is wrong, in words, for one zod issue (enumerations name the accepted words). */
export function issueMessage(
  iss: z.core.$ZodIssue,
  field: { values?: Labels },
  received: unknown,
): { vi: string; en: string } {
  if (iss.code === 'invalid_value' && field.values) {
    const got = typeof received === 'string' ? received : null;
    return {
      vi: `giá trị ${got === null ? '' : `«${got}» `}không hợp lệ; dùng một trong: ${allowed(field.values, 'vi')}`,
      en: `the value ${got === null ? '' : `“${got}” `}is not valid; use one of: ${allowed(field.values, 'en')}`,
    };
  }
  if (iss.code === 'invalid_type' && received === undefined) return FIELD_MESSAGES.required!;
  if (iss.code === 'custom') {
    const [vi, en] = iss.message.split(' / ');
    return { vi: vi ?? iss.message, en: en ?? vi ?? iss.message };
  }
  return FIELD_MESSAGES[iss.code] ?? FIELD_MESSAGES.custom!;
}

/** A field error worded "<place>: <what is wrong>" in both languages. */
export function placedError(
  path: string,
  code: string,
  place: Place,
  what: { vi: string; en: string },
  lang: Lang,
): FieldError {
  const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
  return fieldError(path, code, lang, { vi: `${place.vi}: ${lower(what.vi)}`, en: `${place.en}: ${lower(what.en)}` });
}
