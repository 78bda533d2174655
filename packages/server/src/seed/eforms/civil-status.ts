import {
  date,
  ethnicity,
  form,
  group,
  integer,
  nationality,
  personalId,
  SEX,
  select,
  text,
  time,
  year,
} from './fields.ts';

/**
 * Hộ tịch (civil status) declarations: the tờ khai of Circular 04/2020/TT-BTP (Phụ lục, biểu mẫu
 * hộ tịch), as amended by Circular 04/2024/TT-BTP; procedure: Law on Civil Status 2014, Decree
 * 123/2015/NĐ-CP as amended by Decree 07/2025/NĐ-CP. Field names and order follow the paper form;
 * "Kính gửi" is the agency the citizen chooses in the wizard, and the signature is the online
 * account's, so neither is a field.
 */

const requester = {
  requesterName: text('Họ, chữ đệm, tên người yêu cầu'),
  requesterResidence: text('Nơi cư trú', { max: 500 }),
  requesterIdNumber: personalId('Giấy tờ tùy thân (số định danh cá nhân)'),
};

export const BIRTH_REGISTRATION = form(
  'Tờ khai đăng ký khai sinh',
  'Tờ khai đăng ký khai sinh — Circular 04/2020/TT-BTP (Phụ lục), as amended by Circular 04/2024/TT-BTP; Law on Civil Status 2014 art. 16. ' +
    'Fields and order as on the 04/2020 form (read from its published text); the 04/2024 amendment could not be read here, so any field it added is not yet in this schema. ' +
    'Required: what art. 14 of the Law puts in the birth register (child: name, date of birth, sex, place of birth, home town, ethnicity, nationality); ' +
    'the parents are optional because the father or mother may be undetermined (Decree 123/2015/NĐ-CP art. 15).',
  {
    ...requester,
    relationship: text('Quan hệ với người được khai sinh', { max: 100 }),
    childName: text('Họ, chữ đệm, tên'),
    childBirthDate: date('Ngày, tháng, năm sinh'),
    childSex: select('Giới tính', SEX),
    childEthnicity: ethnicity(),
    childNationality: nationality(),
    childBirthPlace: text('Nơi sinh', {
      max: 500,
      description: 'Tên cơ sở y tế (nếu sinh tại cơ sở y tế) và địa danh hành chính',
    }),
    childHomeTown: text('Quê quán', { max: 500 }),
    motherName: text('Họ, chữ đệm, tên người mẹ'),
    motherBirthYear: year(),
    motherEthnicity: ethnicity(),
    motherNationality: nationality(),
    motherResidence: text('Nơi cư trú của người mẹ', { max: 500 }),
    fatherName: text('Họ, chữ đệm, tên người cha'),
    fatherBirthYear: year(),
    fatherEthnicity: ethnicity(),
    fatherNationality: nationality(),
    fatherResidence: text('Nơi cư trú của người cha', { max: 500 }),
    copies: integer('Số bản sao Giấy khai sinh đề nghị cấp', 0, 20),
  },
  [
    'requesterName',
    'requesterResidence',
    'requesterIdNumber',
    'relationship',
    'childName',
    'childBirthDate',
    'childSex',
    'childEthnicity',
    'childNationality',
    'childBirthPlace',
    'childHomeTown',
  ],
);

const spouse = (title: string) =>
  group(
    title,
    {
      name: text('Họ, chữ đệm, tên'),
      birthDate: date('Ngày, tháng, năm sinh'),
      ethnicity: ethnicity(),
      nationality: nationality(),
      residence: text('Nơi cư trú', { max: 500 }),
      idNumber: personalId('Giấy tờ tùy thân (số định danh cá nhân)'),
      marriageCount: integer('Kết hôn lần thứ mấy', 1, 20),
    },
    ['name', 'birthDate', 'ethnicity', 'nationality', 'residence', 'idNumber', 'marriageCount'],
  );

export const MARRIAGE_REGISTRATION = form(
  'Tờ khai đăng ký kết hôn',
  'Tờ khai đăng ký kết hôn — Circular 04/2020/TT-BTP (Phụ lục), as amended by Circular 04/2024/TT-BTP; Law on Civil Status 2014 art. 18. ' +
    'Two columns on paper, "Bên nữ" and "Bên nam", each: name, date of birth, ethnicity, nationality, residence, identity paper, which marriage this is; all required (both parties declare in person, art. 18(1)).',
  { bride: spouse('Bên nữ'), groom: spouse('Bên nam') },
  ['bride', 'groom'],
);

export const DEATH_REGISTRATION = form(
  'Tờ khai đăng ký khai tử',
  'Tờ khai đăng ký khai tử — Circular 04/2020/TT-BTP (Phụ lục), as amended by Circular 04/2024/TT-BTP; Law on Civil Status 2014 art. 34. ' +
    'Field order as on the form: the requester, then the deceased (name, date of birth, sex, ethnicity, nationality, identity paper, last residence, time and place of death, cause), then the death notice (Giấy báo tử) or the paper replacing it.',
  {
    ...requester,
    relationship: text('Quan hệ với người đã chết', { max: 100 }),
    deceasedName: text('Họ, chữ đệm, tên người đã chết'),
    deceasedBirthDate: date('Ngày, tháng, năm sinh'),
    deceasedSex: select('Giới tính', SEX),
    deceasedEthnicity: ethnicity(),
    deceasedNationality: nationality(),
    deceasedIdNumber: personalId('Giấy tờ tùy thân của người đã chết (số định danh cá nhân)'),
    lastResidence: text('Nơi cư trú cuối cùng', { max: 500 }),
    deathTime: time('Đã chết vào lúc (giờ, phút)'),
    deathDate: date('Ngày chết'),
    deathPlace: text('Nơi chết', { max: 500 }),
    deathCause: text('Nguyên nhân chết', { max: 500 }),
    deathNoticeNumber: text('Số Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử', { max: 100 }),
    deathNoticeIssuer: text('Cơ quan cấp Giấy báo tử'),
    deathNoticeDate: date('Ngày cấp Giấy báo tử'),
  },
  [
    'requesterName',
    'requesterResidence',
    'requesterIdNumber',
    'relationship',
    'deceasedName',
    'deceasedBirthDate',
    'deceasedSex',
    'deceasedEthnicity',
    'deceasedNationality',
    'lastResidence',
    'deathDate',
    'deathPlace',
    'deathCause',
    'deathNoticeNumber',
    'deathNoticeIssuer',
    'deathNoticeDate',
  ],
);

export const MARITAL_STATUS_CERTIFICATE = form(
  'Tờ khai cấp Giấy xác nhận tình trạng hôn nhân',
  'Tờ khai cấp Giấy xác nhận tình trạng hôn nhân — Circular 04/2020/TT-BTP (Phụ lục), as amended by Circular 04/2024/TT-BTP; Decree 123/2015/NĐ-CP art. 21–23. ' +
    'The requester, then the person the certificate is for (name, date of birth, sex, ethnicity, nationality, identity paper, residence), the period of residence when the certificate is for an earlier place (Decree 123/2015/NĐ-CP art. 22), the marital status written as art. 33 of Circular 04/2020 says, the purpose of use (the certificate states it) and the number of copies.',
  {
    ...requester,
    relationship: text('Quan hệ với người được cấp Giấy xác nhận', { max: 100 }),
    personName: text('Họ, chữ đệm, tên người được cấp'),
    personBirthDate: date('Ngày, tháng, năm sinh'),
    personSex: select('Giới tính', SEX),
    personEthnicity: ethnicity(),
    personNationality: nationality(),
    personIdNumber: personalId('Giấy tờ tùy thân (số định danh cá nhân)'),
    personResidence: text('Nơi cư trú', { max: 500 }),
    earlierResidence: text('Trong thời gian cư trú tại', {
      max: 500,
      description: 'Chỉ ghi khi đề nghị xác nhận cho thời gian cư trú trước đây',
    }),
    earlierFrom: date('Từ ngày'),
    earlierTo: date('Đến ngày'),
    maritalStatus: text('Tình trạng hôn nhân', {
      max: 1000,
      description: 'Ví dụ: hiện tại chưa đăng ký kết hôn với ai; đã ly hôn theo Bản án số… ngày…',
    }),
    purpose: text('Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân', { max: 500 }),
    copies: integer('Số lượng Giấy xác nhận đề nghị cấp', 1, 10),
  },
  [
    'requesterName',
    'requesterResidence',
    'requesterIdNumber',
    'relationship',
    'personName',
    'personBirthDate',
    'personSex',
    'personEthnicity',
    'personNationality',
    'personIdNumber',
    'personResidence',
    'maritalStatus',
    'purpose',
    'copies',
  ],
);
