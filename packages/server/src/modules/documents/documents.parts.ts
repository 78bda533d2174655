/** Pieces that several forms print the same way. */
import { DOTS, type ParagraphOptions, type PdfInfo, type PdfWriter } from './documents.layout.ts';
import type { ApplicantInfo, AuthorizedPerson } from './documents.types.ts';

/** The forms of Circular 03/2025/TT-VPCP annex I: number and title. */
export const FORMS = {
  receipt: { no: '01', title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả' },
  supplement: { no: '02', title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ' },
  refusal: { no: '03', title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ' },
  apology: { no: '04', title: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết' },
  stop: { no: '05', title: 'Thông báo dừng giải quyết hồ sơ' },
  control: { no: '06', title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ' },
  book: { no: '07', title: 'Sổ theo dõi hồ sơ' },
} as const;

type FormKey = keyof typeof FORMS;

/** Metadata of a form's PDF; the subject names the form and its legal source. */
export function formInfo(
  form: FormKey,
  opts: { dossierCode: string | null; agencyName: string; createdAt: Date },
): PdfInfo {
  const { no, title } = FORMS[form];
  const code = opts.dossierCode ?? '';
  return {
    title: code ? `${title} — ${code}` : title,
    subject: `Mẫu số ${no}, Phụ lục I Thông tư 03/2025/TT-VPCP (Nghị định 118/2025/NĐ-CP)${code ? ` — mã hồ sơ ${code}` : ''}`,
    keywords: [`Mẫu số ${no}`, ...(code ? [code] : [])],
    author: opts.agencyName,
    createdAt: opts.createdAt,
    footer: code ? `Mã hồ sơ ${code}` : title,
  };
}

/** Name, identification number, address and contacts of the applicant. */
export function applicantFields(w: PdfWriter, applicant: ApplicantInfo, nameLabel = 'Ông/Bà/Tổ chức'): void {
  w.field(nameLabel, applicant.name);
  w.field('Số định danh cá nhân/Mã số doanh nghiệp', applicant.idNumber);
  w.field('Địa chỉ', applicant.address);
  w.paragraph([
    { text: 'Số điện thoại: ' },
    ...valueRun(applicant.phone),
    { text: '; Email: ' },
    ...valueRun(applicant.email),
  ]);
}

export function authorizedFields(w: PdfWriter, authorized: AuthorizedPerson | null | undefined): void {
  if (!authorized) return;
  w.paragraph([
    { text: 'Người được ủy quyền: ' },
    { text: authorized.name, style: 'bold' },
    ...(authorized.idNumber ? [{ text: ` (số định danh cá nhân: ${authorized.idNumber})` }] : []),
  ]);
  w.field('Giấy ủy quyền', authorized.authorizationPaper);
}

function valueRun(value: string | null): { text: string; style?: 'bold' }[] {
  return value?.trim() ? [{ text: value, style: 'bold' }] : [{ text: DOTS }];
}

/** Body paragraphs of an official letter: first line indented, a little air between paragraphs. */
export const LETTER: ParagraphOptions = { firstIndent: 14, spaceAfter: 2 };
