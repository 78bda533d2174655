import type { AgencyLevel } from '../db/schema.ts';

/**
 * The demo province, modelled on Đà Nẵng (province code 48) under the two-level model in force
 * since 1 July 2025 (Resolution 202/2025/QH15): the city People's Committee, its departments after
 * the 2025 mergers, the Public Administration Service Center, and the 94 communes, wards and the
 * special zone of `data/danang-units.json`.
 *
 * Agency identifier codes follow the QCVN 102:2016/BTTTT shape `NNN.NN.NN.XNN` (level 4 . level 3 .
 * level 2 . level 1). The level-1 code H17 for Đà Nẵng and every lower code here are ILLUSTRATIVE
 * (UNCONFIRMED): the official list (Decision 20/2020/QĐ-TTg, amended by Decision 09/2025/QĐ-TTg)
 * was not available to us. Administrators replace them by import.
 */
export const PROVINCE_CODE = 'H17';

export type SeedAgency = {
  key: string;
  parent: string | null;
  code: string;
  name: string;
  nameEn: string;
  level: AgencyLevel;
  adminUnitCode?: string;
  address?: string;
  phone?: string;
  email?: string;
};

type Department = { n: number; key: string; name: string; nameEn: string; units: [string, string][] };

// Merged departments name what they absorbed (Decree 45/2025/NĐ-CP on provincial specialised agencies).
const DEPARTMENTS: Department[] = [
  {
    n: 1,
    key: 'vp',
    name: 'Văn phòng UBND thành phố',
    nameEn: 'Office of the City People’s Committee',
    units: [['Phòng Kiểm soát thủ tục hành chính', 'Administrative Procedure Control Division']],
  },
  {
    n: 2,
    key: 'stp',
    name: 'Sở Tư pháp',
    nameEn: 'Department of Justice',
    units: [
      ['Phòng Hành chính tư pháp', 'Judicial Administration Division'],
      ['Phòng Bổ trợ tư pháp', 'Judicial Support Division'],
    ],
  },
  {
    n: 3,
    key: 'stc',
    name: 'Sở Tài chính',
    nameEn: 'Department of Finance (incl. former Planning and Investment)',
    units: [
      ['Phòng Đăng ký kinh doanh', 'Business Registration Division'],
      ['Phòng Quản lý ngân sách', 'Budget Division'],
    ],
  },
  {
    n: 4,
    key: 'sxd',
    name: 'Sở Xây dựng',
    nameEn: 'Department of Construction (incl. former Transport)',
    units: [
      ['Phòng Quản lý hoạt động xây dựng', 'Construction Management Division'],
      ['Phòng Quản lý vận tải, phương tiện và người lái', 'Transport, Vehicles and Drivers Division'],
    ],
  },
  {
    n: 5,
    key: 'snnmt',
    name: 'Sở Nông nghiệp và Môi trường',
    nameEn: 'Department of Agriculture and Environment (incl. former Natural Resources and Environment)',
    units: [
      ['Phòng Quản lý đất đai', 'Land Management Division'],
      ['Phòng Môi trường', 'Environment Division'],
    ],
  },
  {
    n: 6,
    key: 'syt',
    name: 'Sở Y tế',
    nameEn: 'Department of Health',
    units: [
      ['Phòng Nghiệp vụ Y', 'Medical Affairs Division'],
      ['Phòng Nghiệp vụ Dược', 'Pharmacy Division'],
    ],
  },
  {
    n: 7,
    key: 'sgddt',
    name: 'Sở Giáo dục và Đào tạo',
    nameEn: 'Department of Education and Training',
    units: [['Phòng Khảo thí và Quản lý chất lượng', 'Testing and Quality Division']],
  },
  {
    n: 8,
    key: 'snv',
    name: 'Sở Nội vụ',
    nameEn: 'Department of Home Affairs (incl. former Labour, Invalids and Social Affairs)',
    units: [
      ['Phòng Lao động – Việc làm', 'Labour and Employment Division'],
      ['Phòng Tổ chức, biên chế', 'Organisation and Staffing Division'],
    ],
  },
  {
    n: 9,
    key: 'sct',
    name: 'Sở Công Thương',
    nameEn: 'Department of Industry and Trade',
    units: [['Phòng Quản lý thương mại', 'Trade Management Division']],
  },
  {
    n: 10,
    key: 'svhtt',
    name: 'Sở Văn hóa và Thể thao',
    nameEn: 'Department of Culture and Sports',
    units: [['Phòng Quản lý văn hóa', 'Culture Management Division']],
  },
  {
    n: 11,
    key: 'skhcn',
    name: 'Sở Khoa học và Công nghệ',
    nameEn: 'Department of Science and Technology (incl. former Information and Communications)',
    units: [
      ['Phòng Bưu chính, viễn thông', 'Posts and Telecommunications Division'],
      ['Phòng Chuyển đổi số', 'Digital Transformation Division'],
    ],
  },
  {
    n: 12,
    key: 'sngv',
    name: 'Sở Ngoại vụ',
    nameEn: 'Department of Foreign Affairs',
    units: [['Phòng Lãnh sự', 'Consular Division']],
  },
  {
    n: 13,
    key: 'ttra',
    name: 'Thanh tra thành phố',
    nameEn: 'City Inspectorate',
    units: [['Phòng Tiếp công dân và xử lý đơn', 'Citizen Reception and Petitions Division']],
  },
  {
    n: 14,
    key: 'sdl',
    name: 'Sở Du lịch',
    nameEn: 'Department of Tourism',
    units: [['Phòng Quản lý lữ hành', 'Travel Management Division']],
  },
];

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function demoAgencies(units: {
  province: { code: string; name: string };
  communes: { code: string; name: string; type: string }[];
}): SeedAgency[] {
  const out: SeedAgency[] = [
    {
      key: 'province',
      parent: null,
      code: `000.00.00.${PROVINCE_CODE}`,
      name: `UBND ${units.province.name}`,
      nameEn: 'Da Nang City People’s Committee',
      level: 'province',
      adminUnitCode: units.province.code,
      address: '24 Trần Phú, Phường Hải Châu, TP Đà Nẵng',
      phone: '02363821000',
    },
    {
      key: 'center',
      parent: 'province',
      code: `000.00.20.${PROVINCE_CODE}`,
      name: 'Trung tâm Phục vụ hành chính công thành phố Đà Nẵng',
      nameEn: 'Da Nang Public Administration Service Center',
      level: 'center',
      address: '24 Trần Phú, Phường Hải Châu, TP Đà Nẵng',
    },
    {
      key: 'center.reception',
      parent: 'center',
      code: `000.01.20.${PROVINCE_CODE}`,
      name: 'Bộ phận Tiếp nhận và trả kết quả',
      nameEn: 'Reception and Result Counter',
      level: 'unit',
    },
  ];
  for (const d of DEPARTMENTS) {
    out.push({
      key: d.key,
      parent: 'province',
      code: `000.00.${pad(d.n, 2)}.${PROVINCE_CODE}`,
      name: d.name,
      nameEn: d.nameEn,
      level: 'department',
    });
    d.units.forEach(([name, nameEn], i) => {
      out.push({
        key: `${d.key}.${i + 1}`,
        parent: d.key,
        code: `000.${pad(i + 1, 2)}.${pad(d.n, 2)}.${PROVINCE_CODE}`,
        name,
        nameEn,
        level: 'unit',
      });
    });
  }
  // Communes sit directly under the province (two-level model): level-2 block 90 holds them,
  // numbered at level 3; their one-stop units at level 4 — illustrative, as said above.
  units.communes.forEach((c, i) => {
    const block = 90 + Math.floor(i / 99);
    const n = (i % 99) + 1;
    const key = `commune.${c.code}`;
    const kind = c.type === 'phường' ? 'Ward' : c.type === 'xã' ? 'Commune' : 'Special Zone';
    out.push({
      key,
      parent: 'province',
      code: `000.${pad(n, 2)}.${block}.${PROVINCE_CODE}`,
      name: `UBND ${c.name}`,
      nameEn: `${kind} People’s Committee of ${c.name.replace(/^(Phường|Xã|Đặc khu) /, '')}`,
      level: 'commune',
      adminUnitCode: c.code,
    });
    out.push({
      key: `${key}.onestop`,
      parent: key,
      code: `001.${pad(n, 2)}.${block}.${PROVINCE_CODE}`,
      name: 'Bộ phận Một cửa',
      nameEn: 'One-Stop Unit',
      level: 'unit',
    });
  });
  return out;
}

export type SeedUser =
  | {
      kind: 'officer';
      username: string;
      fullName: string;
      agency: string;
      roles: ('receptionist' | 'officer' | 'leader' | 'admin' | 'provincial_leader')[];
      /** For sign-in with the province's own IdP (the local IdP's staff identity, demo-residents.ts). */
      personalId?: string;
    }
  | { kind: 'citizen'; personalId: string; fullName: string; phone: string; email: string }
  | { kind: 'organization'; taxCode: string; fullName: string; phone: string; email: string };

/** Printed at start-up; change them (or delete the accounts) before real use. */
export const DEMO_PASSWORD = 'motcua2026';

export const DEMO_USERS: SeedUser[] = [
  { kind: 'officer', username: 'admin', fullName: 'Quản trị hệ thống', agency: 'province', roles: ['admin'] },
  {
    kind: 'officer',
    username: 'lanhdao.thanhpho',
    fullName: 'Nguyễn Văn Thành',
    agency: 'province',
    roles: ['provincial_leader'],
  },
  {
    kind: 'officer',
    username: 'tiepnhan.ttphc',
    fullName: 'Trần Thị Hoa',
    agency: 'center.reception',
    roles: ['receptionist'],
  },
  { kind: 'officer', username: 'lanhdao.stp', fullName: 'Lê Minh Tuấn', agency: 'stp', roles: ['leader'] },
  { kind: 'officer', username: 'chuyenvien.stp', fullName: 'Phạm Thu Hà', agency: 'stp.1', roles: ['officer'] },
  {
    kind: 'officer',
    username: 'lanhdao.snnmt',
    fullName: 'Trương Công Định',
    agency: 'snnmt',
    roles: ['leader'],
  },
  {
    kind: 'officer',
    username: 'chuyenvien.snnmt',
    fullName: 'Lý Thị Thu',
    agency: 'snnmt.1',
    roles: ['officer'],
  },
  {
    kind: 'officer',
    username: 'tiepnhan.haichau',
    fullName: 'Võ Thị Lan',
    agency: 'commune.20242.onestop',
    roles: ['receptionist'],
  },
  {
    kind: 'officer',
    username: 'chuyenvien.haichau',
    fullName: 'Đặng Quốc Bảo',
    agency: 'commune.20242',
    roles: ['officer'],
    personalId: '048087003579',
  },
  {
    kind: 'officer',
    username: 'lanhdao.haichau',
    fullName: 'Huỳnh Văn Phúc',
    agency: 'commune.20242',
    roles: ['leader'],
  },
  { kind: 'officer', username: 'quantri.haichau', fullName: 'Ngô Thị Mai', agency: 'commune.20242', roles: ['admin'] },
  {
    kind: 'citizen',
    personalId: '048090001234',
    fullName: 'Nguyễn Thị Ánh',
    phone: '0905123456',
    email: 'anh.nguyen@example.vn',
  },
  {
    kind: 'organization',
    taxCode: '0401234567',
    fullName: 'Công ty TNHH Sông Hàn Demo',
    phone: '02363888999',
    email: 'lienhe@songhan-demo.vn',
  },
];
