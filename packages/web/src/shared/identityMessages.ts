import i18n from '../i18n.ts';

/**
 * Texts of issue 17 (VNeID sign-in, reuse of the national registers' data, the personal-data
 * access log of Decree 13/2023/NĐ-CP), namespace `identity` of the translation, Vietnamese first
 * with the English of the language switch. Each component that shows them imports this file,
 * which registers them; the rest of the app's texts are in ../messages.ts.
 */
const vi = {
  access: {
    title: 'Ai đã xem dữ liệu cá nhân của tôi',
    intro:
      'Theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, bạn có quyền biết ai đã xử lý dữ liệu của mình: mỗi lần tra cứu CSDL quốc gia hoặc mở hồ sơ của bạn được ghi lại dưới đây.',
    empty: 'Chưa có lượt truy cập nào vào dữ liệu cá nhân của bạn.',
    self: 'Bạn',
    officer: 'Cán bộ',
    system: 'Hệ thống',
    who: 'Người xem',
    source: 'Nguồn dữ liệu',
    purpose: 'Mục đích',
    outcome: 'Kết quả',
    openDossier: 'Mở hồ sơ',
    sources: {
      population_register: 'CSDL quốc gia về dân cư',
      business_registry: 'CSDL đăng ký doanh nghiệp',
      dossier: 'Hồ sơ',
    },
    outcomes: {
      found: 'Đã tra cứu được',
      not_found: 'Không có trong CSDL',
      timeout: 'CSDL không phản hồi',
      unavailable: 'CSDL tạm thời không truy cập được',
      invalid_response: 'CSDL trả lời không hợp lệ',
      refused: 'CSDL từ chối yêu cầu',
      viewed: 'Đã xem',
    },
  },
  verified: {
    vneid: 'Đã xác thực: VNeID',
    population_register: 'Đã xác thực: CSDL dân cư',
    business_registry: 'Đã xác thực: CSDL doanh nghiệp',
  },
  register: {
    personTitle: 'Thông tin từ Cơ sở dữ liệu quốc gia về dân cư',
    businessTitle: 'Thông tin từ Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp',
    verifiedNote: 'Đã xác thực — đã điền sẵn họ tên và địa chỉ.',
    name: 'Họ, chữ đệm và tên',
    dateOfBirth: 'Ngày sinh',
    sex: 'Giới tính',
    sexes: { male: 'Nam', female: 'Nữ' },
    permanentResidence: 'Nơi thường trú',
    currentResidence: 'Nơi ở hiện tại',
    householdHeadName: 'Chủ hộ',
    businessName: 'Tên doanh nghiệp',
    seat: 'Trụ sở chính',
    legalRepresentative: 'Người đại diện theo pháp luật',
    knownRegisterOnly: 'Chưa có tài khoản và chưa từng nộp hồ sơ: {{name}} — đã điền sẵn từ CSDL quốc gia.',
    failurePerson: 'CSDL quốc gia về dân cư không phản hồi, vui lòng nhập theo giấy tờ.',
    failureBusiness: 'CSDL đăng ký doanh nghiệp không phản hồi, vui lòng nhập theo giấy tờ.',
  },
};

const en: typeof vi = {
  access: {
    title: 'Who read my personal data',
    intro:
      'Under Decree 13/2023/NĐ-CP on personal data protection you may know who processed your data: every national-register lookup and every opening of your dossiers is recorded below.',
    empty: 'Nobody has read your personal data yet.',
    self: 'You',
    officer: 'Officer',
    system: 'System',
    who: 'Read by',
    source: 'Data source',
    purpose: 'Purpose',
    outcome: 'Outcome',
    openDossier: 'Open the dossier',
    sources: {
      population_register: 'National population database',
      business_registry: 'National business registry',
      dossier: 'Dossier',
    },
    outcomes: {
      found: 'Found',
      not_found: 'Not in the database',
      timeout: 'The database did not answer',
      unavailable: 'The database was unavailable',
      invalid_response: 'The database gave an invalid answer',
      refused: 'The database refused the request',
      viewed: 'Viewed',
    },
  },
  verified: {
    vneid: 'Verified: VNeID',
    population_register: 'Verified: population DB',
    business_registry: 'Verified: business registry',
  },
  register: {
    personTitle: 'From the national population database',
    businessTitle: 'From the national business registry',
    verifiedNote: 'Verified — the name and address are filled in.',
    name: 'Full name',
    dateOfBirth: 'Date of birth',
    sex: 'Sex',
    sexes: { male: 'Male', female: 'Female' },
    permanentResidence: 'Permanent residence',
    currentResidence: 'Current residence',
    householdHeadName: 'Head of household',
    businessName: 'Business name',
    seat: 'Head office',
    legalRepresentative: 'Legal representative',
    knownRegisterOnly: 'No portal account and no earlier dossier: {{name}} — filled in from the national database.',
    failurePerson: 'The national population database did not answer: enter the details from the papers.',
    failureBusiness: 'The national business registry did not answer: enter the details from the papers.',
  },
};

i18n.addResourceBundle('vi', 'translation', { identity: vi }, true, true);
i18n.addResourceBundle('en', 'translation', { identity: en }, true, true);
