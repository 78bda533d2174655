/**
 * The demo people of the national registers (issue 17): the residents the population-database
 * simulator holds, the businesses the business-registry simulator holds, and the electronic
 * identities the local identity provider (the stand-in for VNeID) signs in. One list, so that a
 * person signed in through the local IdP is found in the population simulator with the same
 * 12-digit personal ID. Demo data only: every name, number and address is made up.
 *
 * Nguyễn Thị Ánh (048090001234) and Công ty TNHH Sông Hàn Demo (0401234567) also have local demo
 * accounts (demo-province.ts): their first VNeID sign-in links to them; the others create one.
 */

/** Address as the population DB gives it (ThuongTru / NoiOHienTai): codes of province and commune. */
export type RegisterAddress = {
  provinceCode: string;
  /** Commune/ward code (MaPhuongXa), from ../shared/data/danang-units.json for Đà Nẵng. */
  communeCode: string;
  /** House number, street, residential group (ChiTiet). */
  detail: string;
};

export type DemoResident = {
  personalId: string;
  /** Old 9-digit identity card number (SoCMND), when the person had one. */
  oldIdCard?: string;
  fullName: string;
  /** ISO date. */
  dateOfBirth: string;
  /** GioiTinh: 1 nam, 2 nữ. */
  sex: 1 | 2;
  nationality: 'VN';
  /** DanToc code (01 = Kinh). */
  ethnicity: string;
  permanentResidence: RegisterAddress;
  currentResidence: RegisterAddress;
  /** TinhTrangHonNhan: 1 chưa kết hôn, 2 có vợ/chồng, 3 ly hôn/góa. */
  maritalStatus: 1 | 2 | 3;
  /** Household (sổ hộ khẩu number, head and relation to the head). */
  householdNo: string;
  householdHeadId: string;
  relationToHead: string;
  fatherId?: string;
  motherId?: string;
  spouseId?: string;
};

export type DemoBusiness = {
  taxCode: string;
  name: string;
  headOfficeAddress: string;
  /** Personal ID of the legal representative (a DemoResident). */
  legalRepresentativeId: string;
  legalRepresentativeName: string;
};

/** An electronic identity of the local IdP (VNeID stand-in): claim names in NATIONAL-SYSTEMS.md §2. */
export type DemoIdentity = {
  /** TechID: the identity provider's stable account key (the OIDC `sub`). */
  techId: string;
  /** LoaiTaiKhoan: 1 citizen, 2 business. */
  accountType: 1 | 2;
  /** SoDinhDanh of the person signing in (for a business: its legal representative). */
  personalId: string;
  /** MaSoThue / MaSoDoanhNghiep, business accounts only. */
  taxCode?: string;
  /** Level of assurance of the electronic identity (Decree 69/2024 art. 12: mức độ 1, mức độ 2). */
  level: 1 | 2;
  phone: string;
  email: string;
  /** Password at the local IdP (the demo's only). */
  password: string;
};

export const DEMO_IDP_PASSWORD = 'vneid-demo';

const hc = (detail: string): RegisterAddress => ({ provinceCode: '48', communeCode: '20242', detail });
const tk = (detail: string): RegisterAddress => ({ provinceCode: '48', communeCode: '20209', detail });

export const DEMO_RESIDENTS: DemoResident[] = [
  {
    personalId: '048090001234',
    oldIdCard: '201234567',
    fullName: 'Nguyễn Thị Ánh',
    dateOfBirth: '1990-05-14',
    sex: 2,
    nationality: 'VN',
    ethnicity: '01',
    permanentResidence: hc('12 Trần Phú, tổ 5'),
    currentResidence: hc('12 Trần Phú, tổ 5'),
    maritalStatus: 2,
    householdNo: 'HK-48-000123',
    householdHeadId: '048088002468',
    relationToHead: 'Vợ',
    spouseId: '048088002468',
  },
  {
    personalId: '048088002468',
    fullName: 'Phạm Văn Hùng',
    dateOfBirth: '1988-09-03',
    sex: 1,
    nationality: 'VN',
    ethnicity: '01',
    permanentResidence: hc('12 Trần Phú, tổ 5'),
    currentResidence: hc('12 Trần Phú, tổ 5'),
    maritalStatus: 2,
    householdNo: 'HK-48-000123',
    householdHeadId: '048088002468',
    relationToHead: 'Chủ hộ',
    spouseId: '048090001234',
  },
  {
    personalId: '048225000135',
    fullName: 'Phạm Minh Khang',
    dateOfBirth: '2025-08-20',
    sex: 1,
    nationality: 'VN',
    ethnicity: '01',
    permanentResidence: hc('12 Trần Phú, tổ 5'),
    currentResidence: hc('12 Trần Phú, tổ 5'),
    maritalStatus: 1,
    householdNo: 'HK-48-000123',
    householdHeadId: '048088002468',
    relationToHead: 'Con',
    fatherId: '048088002468',
    motherId: '048090001234',
  },
  {
    personalId: '048085004321',
    fullName: 'Trần Văn Bình',
    dateOfBirth: '1985-11-02',
    sex: 1,
    nationality: 'VN',
    ethnicity: '01',
    permanentResidence: tk('45 Điện Biên Phủ, tổ 12'),
    currentResidence: hc('7 Bạch Đằng, tổ 2'),
    maritalStatus: 1,
    householdNo: 'HK-48-000456',
    householdHeadId: '048085004321',
    relationToHead: 'Chủ hộ',
  },
  {
    personalId: '048300009999',
    fullName: 'Hoàng Thị Dung',
    dateOfBirth: '2000-01-30',
    sex: 2,
    nationality: 'VN',
    ethnicity: '01',
    permanentResidence: tk('88 Hà Huy Tập, tổ 3'),
    currentResidence: tk('88 Hà Huy Tập, tổ 3'),
    maritalStatus: 1,
    householdNo: 'HK-48-000789',
    householdHeadId: '048300009999',
    relationToHead: 'Chủ hộ',
  },
  {
    // An officer of Phường Hải Châu (chuyenvien.haichau): signs in with the province's own IdP.
    personalId: '048087003579',
    fullName: 'Đặng Quốc Bảo',
    dateOfBirth: '1987-04-12',
    sex: 1,
    nationality: 'VN',
    ethnicity: '01',
    permanentResidence: hc('30 Lê Lợi, tổ 8'),
    currentResidence: hc('30 Lê Lợi, tổ 8'),
    maritalStatus: 2,
    householdNo: 'HK-48-000321',
    householdHeadId: '048087003579',
    relationToHead: 'Chủ hộ',
  },
];

export const DEMO_BUSINESSES: DemoBusiness[] = [
  {
    taxCode: '0401234567',
    name: 'Công ty TNHH Sông Hàn Demo',
    headOfficeAddress: '25 Bạch Đằng, Phường Hải Châu, Thành phố Đà Nẵng',
    legalRepresentativeId: '048090001234',
    legalRepresentativeName: 'Nguyễn Thị Ánh',
  },
  {
    taxCode: '0402345678',
    name: 'Công ty Cổ phần Ngũ Hành Sơn Demo',
    headOfficeAddress: '101 Lê Văn Hiến, Phường Ngũ Hành Sơn, Thành phố Đà Nẵng',
    legalRepresentativeId: '048085004321',
    legalRepresentativeName: 'Trần Văn Bình',
  },
];

export const DEMO_IDENTITIES: DemoIdentity[] = [
  {
    techId: 'vneid-7f3a9c01',
    accountType: 1,
    personalId: '048090001234',
    level: 2,
    phone: '0905123456',
    email: 'anh.nguyen@example.vn',
    password: DEMO_IDP_PASSWORD,
  },
  {
    techId: 'vneid-2b8e4d17',
    accountType: 1,
    personalId: '048085004321',
    level: 2,
    phone: '0912345678',
    email: 'binh.tran@example.vn',
    password: DEMO_IDP_PASSWORD,
  },
  {
    techId: 'vneid-9c1f6a42',
    accountType: 1,
    personalId: '048300009999',
    level: 1,
    phone: '0934567890',
    email: 'dung.hoang@example.vn',
    password: DEMO_IDP_PASSWORD,
  },
  {
    techId: 'vneid-org-5d2e8b60',
    accountType: 2,
    personalId: '048090001234',
    taxCode: '0401234567',
    level: 2,
    phone: '02363888999',
    email: 'lienhe@songhan-demo.vn',
    password: DEMO_IDP_PASSWORD,
  },
  {
    techId: 'vneid-org-e41c0a93',
    accountType: 2,
    personalId: '048085004321',
    taxCode: '0402345678',
    level: 2,
    phone: '02363777666',
    email: 'info@nguhanhson-demo.vn',
    password: DEMO_IDP_PASSWORD,
  },
];

/** The province's own IdP for officers (config `staff` provider): the local IdP serves it too. */
export const DEMO_STAFF_IDENTITIES: DemoIdentity[] = [
  {
    techId: 'staff-dqbao',
    accountType: 1,
    personalId: '048087003579',
    level: 2,
    phone: '0905999111',
    email: 'chuyenvien.haichau@demo.motcua.vn',
    password: DEMO_IDP_PASSWORD,
  },
];

export const residentById = (personalId: string) => DEMO_RESIDENTS.find((r) => r.personalId === personalId);
export const businessByTaxCode = (taxCode: string) => DEMO_BUSINESSES.find((b) => b.taxCode === taxCode);
