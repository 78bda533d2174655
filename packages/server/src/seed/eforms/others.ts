import {
  area,
  date,
  email,
  ethnicity,
  form,
  group,
  integer,
  nationality,
  personalId,
  phone,
  SEX,
  select,
  text,
  yesNo,
} from './fields.ts';

const member = group(
  'Thành viên',
  {
    name: text('Họ, chữ đệm và tên'),
    birthDate: date('Ngày, tháng, năm sinh'),
    sex: select('Giới tính', SEX),
    idNumber: personalId(),
    relationship: text('Mối quan hệ với chủ hộ', { max: 100 }),
  },
  ['name', 'birthDate', 'sex', 'idNumber', 'relationship'],
);

/** Đăng ký thường trú: Tờ khai thay đổi thông tin cư trú, mẫu CT01. */
export const RESIDENCE_CHANGE_CT01 = form(
  'Tờ khai thay đổi thông tin cư trú (Mẫu CT01)',
  'Tờ khai thay đổi thông tin cư trú, mẫu CT01 — Circular 56/2021/TT-BCA as replaced by Circular 66/2023/TT-BCA (from 01/01/2024); used for đăng ký thường trú (Law on Residence 2020 art. 21(1)). ' +
    "Items 1–11 in the form's order: 1 name, 2 date of birth, 3 sex, 4 personal ID, 5 phone, 6 email, 7 head of household, 8 relationship to the head, 9 head's personal ID, 10 what is requested, 11 household members changing with the applicant. " +
    "The head's / owner's consent (written on the paper form) is given online through VNeID, so it is not a field here.",
  {
    fullName: text('1. Họ, chữ đệm và tên'),
    birthDate: date('2. Ngày, tháng, năm sinh'),
    sex: select('3. Giới tính', SEX),
    idNumber: personalId('4. Số định danh cá nhân'),
    phone: phone('5. Số điện thoại liên hệ'),
    email: email('6. Email'),
    headName: text('7. Họ, chữ đệm và tên chủ hộ'),
    headRelationship: text('8. Mối quan hệ với chủ hộ', { max: 100 }),
    headIdNumber: personalId('9. Số định danh cá nhân của chủ hộ'),
    request: text('10. Nội dung đề nghị', {
      long: true,
      description: 'Ví dụ: Đăng ký thường trú tại số nhà…, đường…, phường…, thành phố Đà Nẵng',
    }),
    members: {
      type: 'array',
      title: '11. Những thành viên trong hộ gia đình cùng thay đổi',
      items: member,
      maxItems: 30,
    },
  },
  ['fullName', 'birthDate', 'sex', 'idNumber', 'headName', 'headRelationship', 'headIdNumber', 'request'],
);

/** Chứng thực bản sao từ bản chính: the decree sets no request form. */
export const CERTIFIED_COPY_REQUEST = form(
  'Yêu cầu chứng thực bản sao từ bản chính',
  'No tờ khai is prescribed: Decree 23/2015/NĐ-CP art. 20 (as amended by Decree 07/2025/NĐ-CP) only requires presenting the original (and the copies, if any). ' +
    "This form asks what the counter needs to do it and to charge the fee by page and copy (Circular 226/2016/TT-BTC): who asks, which paper, who issued it (the three kinds of issuer in the procedure's name), its pages and the number of copies. Not an official form.",
  {
    requesterName: text('Họ, chữ đệm, tên người yêu cầu chứng thực'),
    requesterIdNumber: personalId(),
    documentName: text('Tên giấy tờ, văn bản cần chứng thực', { max: 500 }),
    issuerKind: select('Giấy tờ do cơ quan, tổ chức nào cấp hoặc chứng nhận', [
      'Cơ quan, tổ chức có thẩm quyền của Việt Nam',
      'Cơ quan, tổ chức có thẩm quyền của nước ngoài',
      'Cơ quan, tổ chức có thẩm quyền của Việt Nam liên kết với cơ quan, tổ chức có thẩm quyền của nước ngoài',
    ]),
    issuer: text('Tên cơ quan, tổ chức cấp', { max: 300 }),
    pages: integer('Số trang của bản chính', 1, 1000),
    copies: integer('Số bản sao đề nghị chứng thực', 1, 100),
  },
  ['requesterName', 'requesterIdNumber', 'documentName', 'issuerKind', 'pages', 'copies'],
);

const landUser = {
  ownerName: text('Tên người sử dụng đất, chủ sở hữu tài sản gắn liền với đất', {
    description: 'Viết chữ in hoa, như trên giấy tờ nhân thân',
  }),
  ownerIdNumber: personalId('Số định danh cá nhân của người sử dụng đất'),
  ownerAddress: text('Địa chỉ của người sử dụng đất', { max: 500 }),
  ownerPhone: phone('Điện thoại'),
};

const parcel = {
  parcelNumber: text('Thửa đất số', { max: 20 }),
  mapSheet: text('Tờ bản đồ số', { max: 20 }),
  parcelAddress: text('Địa chỉ thửa đất', { max: 500 }),
};

const certificate = {
  certificateSerial: text('Số phát hành Giấy chứng nhận (số seri)', { max: 30 }),
  certificateBookNumber: text('Số vào sổ cấp Giấy chứng nhận', { max: 30 }),
  certificateDate: date('Ngày cấp Giấy chứng nhận'),
};

const LAND_SOURCE =
  'The 2025 forms (Decree 151/2025/NĐ-CP, replacing from 01/07/2025 the forms of Decree 101/2024/NĐ-CP) could not be read in the sources available here: ' +
  'the fields follow the sections common to the land registration forms (the land user, the parcel, the certificate already issued, the request and its reason, the papers attached) and their wording on the forms of Decree 101/2024/NĐ-CP; to be checked against the 2025 text.';

/** Đăng ký đất đai lần đầu: Đơn đăng ký đất đai, tài sản gắn liền với đất, Mẫu số 15. */
export const LAND_FIRST_REGISTRATION = form(
  'Đơn đăng ký đất đai, tài sản gắn liền với đất',
  `Đơn đăng ký đất đai, tài sản gắn liền với đất — Mẫu số 15, Decree 151/2025/NĐ-CP (formerly Mẫu số 04/ĐK, Decree 101/2024/NĐ-CP); Land Law 2024 art. 131 (registration is compulsory; first registration and changes). ${LAND_SOURCE}`,
  {
    ...landUser,
    requestCertificate: yesNo('Đề nghị cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất'),
    ...parcel,
    area: area('Diện tích (m²)'),
    useForm: select('Hình thức sử dụng', ['Sử dụng riêng', 'Sử dụng chung']),
    purpose: text('Mục đích sử dụng đất', { max: 300 }),
    useSince: date('Thời điểm bắt đầu sử dụng đất'),
    useTerm: text('Thời hạn đề nghị được sử dụng đất', { max: 200 }),
    origin: text('Nguồn gốc sử dụng đất', { max: 500 }),
    asset: group(
      'Tài sản gắn liền với đất (nếu đăng ký)',
      {
        kind: text('Loại nhà ở, công trình xây dựng', { max: 200 }),
        footprint: area('Diện tích xây dựng (m²)'),
        floorArea: area('Diện tích sàn (m²)'),
        floors: integer('Số tầng', 1, 200),
        structure: text('Kết cấu', { max: 200 }),
        builtYear: { type: 'string', title: 'Năm hoàn thành xây dựng', pattern: '^[0-9]{4}$' },
      },
      [],
    ),
    attachments: text('Giấy tờ nộp kèm theo đơn', { long: true }),
    deferFinancialObligation: yesNo('Có nhu cầu ghi nợ nghĩa vụ tài chính'),
  },
  [
    'ownerName',
    'ownerIdNumber',
    'ownerAddress',
    'parcelNumber',
    'mapSheet',
    'parcelAddress',
    'area',
    'useForm',
    'purpose',
    'origin',
  ],
);

/** Đăng ký biến động: Đơn đăng ký biến động đất đai, tài sản gắn liền với đất, Mẫu số 18. */
export const LAND_CHANGE_REGISTRATION = form(
  'Đơn đăng ký biến động đất đai, tài sản gắn liền với đất',
  `Đơn đăng ký biến động đất đai, tài sản gắn liền với đất — Mẫu số 18, Decree 151/2025/NĐ-CP (formerly Mẫu số 11/ĐK, Decree 101/2024/NĐ-CP); Land Law 2024. ` +
    `The kinds of change offered are the ones this procedure covers (its name: chuyển đổi, chuyển nhượng, thừa kế, tặng cho, góp vốn). ${LAND_SOURCE}`,
  {
    ...landUser,
    ...certificate,
    ...parcel,
    changeKind: select('Loại biến động', ['Chuyển đổi', 'Chuyển nhượng', 'Thừa kế', 'Tặng cho', 'Góp vốn']),
    before: text('Nội dung trên Giấy chứng nhận trước khi biến động', { long: true }),
    after: text('Nội dung sau khi biến động', { long: true }),
    reason: text('Lý do biến động', { long: true }),
    financialObligations: text('Tình hình thực hiện nghĩa vụ tài chính', { max: 500 }),
    attachments: text('Giấy tờ liên quan đến nội dung biến động nộp kèm theo', { long: true }),
    newCertificate: yesNo('Đề nghị cấp Giấy chứng nhận mới'),
  },
  [
    'ownerName',
    'ownerIdNumber',
    'ownerAddress',
    'certificateSerial',
    'parcelNumber',
    'mapSheet',
    'parcelAddress',
    'changeKind',
    'after',
    'reason',
  ],
);

/** Đính chính GCN: the same Mẫu số 18, with the error and the correction asked. */
export const LAND_CERTIFICATE_CORRECTION = form(
  'Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (đính chính Giấy chứng nhận)',
  `Đính chính Giấy chứng nhận: Mẫu số 18, Decree 151/2025/NĐ-CP (the form the procedure lists); Land Law 2024, Decree 101/2024/NĐ-CP. ${LAND_SOURCE}`,
  {
    ...landUser,
    ...certificate,
    ...parcel,
    wrongContent: text('Nội dung sai sót trên Giấy chứng nhận', { long: true }),
    correctContent: text('Nội dung đề nghị đính chính', { long: true }),
    evidence: text('Giấy tờ chứng minh sai sót nộp kèm theo', { long: true }),
  },
  [
    'ownerName',
    'ownerIdNumber',
    'ownerAddress',
    'certificateSerial',
    'certificateBookNumber',
    'certificateDate',
    'parcelNumber',
    'mapSheet',
    'parcelAddress',
    'wrongContent',
    'correctContent',
    'evidence',
  ],
);

/** Cấp lại GCN do bị mất: Mẫu số 18 (the procedure's source; Mẫu 11/ĐK before 01/07/2025). */
export const LAND_CERTIFICATE_REISSUE_FORM = form(
  'Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (cấp lại Giấy chứng nhận do bị mất)',
  `Cấp lại Giấy chứng nhận do bị mất: Mẫu số 18, Decree 151/2025/NĐ-CP (before 01/07/2025: Mẫu số 11/ĐK, Decree 101/2024/NĐ-CP); Land Law 2024, Decree 101/2024/NĐ-CP. ` +
    `The certificate's serial, book number and date are asked but optional: the holder of a lost certificate may not have them, and the land registry finds them by the parcel. ${LAND_SOURCE}`,
  {
    ...landUser,
    ...parcel,
    ...certificate,
    reason: text('Lý do đề nghị cấp lại Giấy chứng nhận', {
      long: true,
      description: 'Hoàn cảnh, thời gian, nơi bị mất Giấy chứng nhận',
    }),
    lostReported: yesNo('Đã khai báo việc mất Giấy chứng nhận với Công an cấp xã'),
  },
  ['ownerName', 'ownerIdNumber', 'ownerAddress', 'parcelNumber', 'mapSheet', 'parcelAddress', 'reason'],
);

/** Hợp thửa đất: Đơn đề nghị hợp thửa đất, Mẫu số 21. */
export const LAND_PARCEL_MERGE = form(
  'Đơn đề nghị hợp thửa đất',
  `Đơn đề nghị hợp thửa đất — Mẫu số 21, Decree 151/2025/NĐ-CP (the procedure's source); Land Law 2024 art. 220 (tách thửa, hợp thửa), Decree 101/2024/NĐ-CP. ` +
    `At least two parcels (a merger joins two or more). ${LAND_SOURCE}`,
  {
    ...landUser,
    parcels: {
      type: 'array',
      title: 'Các thửa đất đề nghị hợp thửa',
      minItems: 2,
      maxItems: 50,
      items: group(
        'Thửa đất',
        {
          parcelNumber: text('Thửa đất số', { max: 20 }),
          mapSheet: text('Tờ bản đồ số', { max: 20 }),
          area: area('Diện tích (m²)'),
          certificateSerial: text('Số phát hành Giấy chứng nhận', { max: 30 }),
        },
        ['parcelNumber', 'mapSheet', 'area', 'certificateSerial'],
      ),
    },
    parcelAddress: text('Địa chỉ các thửa đất', { max: 500 }),
    reason: text('Lý do hợp thửa', { long: true }),
    attachments: text('Giấy tờ nộp kèm theo', { long: true }),
  },
  ['ownerName', 'ownerIdNumber', 'ownerAddress', 'parcels', 'parcelAddress', 'reason'],
);

/** Đăng ký thành lập hộ kinh doanh: Giấy đề nghị đăng ký hộ kinh doanh. */
export const HOUSEHOLD_BUSINESS_REGISTRATION = form(
  'Giấy đề nghị đăng ký hộ kinh doanh',
  'Giấy đề nghị đăng ký hộ kinh doanh — Decree 168/2025/NĐ-CP (household business registration; the form was Phụ lục III-1 of Circular 02/2023/TT-BKHĐT under Decree 01/2021/NĐ-CP art. 87). ' +
    "The form issued with the 2025 rules could not be read here: the fields are those of Phụ lục III-1 (name, seat, contacts, lines of business, capital, workers, the owner's identity), to be checked against the new form.",
  {
    businessName: text('Tên hộ kinh doanh', { description: 'Viết chữ in hoa' }),
    address: text('Địa chỉ trụ sở hộ kinh doanh', {
      max: 500,
      description: 'Số nhà, ngách, hẻm, ngõ, đường phố/tổ/xóm/ấp/thôn; xã/phường; tỉnh/thành phố',
    }),
    phone: phone('Điện thoại'),
    email: email(),
    lines: text('Ngành, nghề kinh doanh', { long: true }),
    capitalVnd: { type: 'integer', title: 'Vốn kinh doanh (đồng)', minimum: 0, maximum: 1_000_000_000_000_000 },
    workers: integer('Số lượng lao động dự kiến', 0, 100_000),
    ownerName: text('Họ, chữ đệm và tên chủ hộ kinh doanh', { description: 'Viết chữ in hoa' }),
    ownerBirthDate: date('Ngày, tháng, năm sinh'),
    ownerSex: select('Giới tính', SEX),
    ownerEthnicity: ethnicity(),
    ownerNationality: nationality(),
    ownerIdNumber: personalId('Số định danh cá nhân của chủ hộ kinh doanh'),
    ownerAddress: text('Địa chỉ liên lạc của chủ hộ kinh doanh', { max: 500 }),
  },
  [
    'businessName',
    'address',
    'lines',
    'capitalVnd',
    'ownerName',
    'ownerBirthDate',
    'ownerSex',
    'ownerEthnicity',
    'ownerNationality',
    'ownerIdNumber',
    'ownerAddress',
  ],
);
