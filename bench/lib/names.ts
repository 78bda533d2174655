/** Synthetic Vietnamese names, addresses and phone numbers for generated people. */
import { pick, type Rng } from './common.ts';

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
  'Trương',
  'Đinh',
  'Mai',
  'Tô',
];
// Nguyễn is about four in ten, as in the population.
const FAMILY_WEIGHTED = [...FAMILY, 'Nguyễn', 'Nguyễn', 'Nguyễn', 'Nguyễn', 'Nguyễn', 'Nguyễn', 'Trần', 'Lê', 'Phạm'];
const MIDDLE_M = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Công', 'Thanh', 'Xuân', 'Ngọc', 'Gia'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Bảo', 'Kim', 'Mỹ', 'Phương', 'Hồng'];
const GIVEN_M = ['An', 'Bảo', 'Cường', 'Dũng', 'Đạt', 'Hải', 'Hiếu', 'Hùng', 'Khang', 'Khoa', 'Long', 'Minh', 'Nam'];
const GIVEN_M2 = [
  'Nhân',
  'Phát',
  'Phúc',
  'Quân',
  'Sơn',
  'Tài',
  'Thắng',
  'Thành',
  'Trí',
  'Trung',
  'Tuấn',
  'Việt',
  'Vinh',
];
const GIVEN_F = ['Anh', 'Châu', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'My'];
const GIVEN_F2 = [
  'Nga',
  'Ngân',
  'Nhi',
  'Oanh',
  'Phương',
  'Quỳnh',
  'Tâm',
  'Thảo',
  'Thủy',
  'Trang',
  'Trinh',
  'Uyên',
  'Vy',
];
const STREETS = [
  'Trần Phú',
  'Lê Duẩn',
  'Nguyễn Văn Linh',
  'Hùng Vương',
  'Bạch Đằng',
  'Điện Biên Phủ',
  'Ngô Quyền',
  'Tôn Đức Thắng',
  'Nguyễn Tất Thành',
  'Hoàng Diệu',
  'Phan Châu Trinh',
  'Lê Lợi',
  'Võ Nguyên Giáp',
  'Nguyễn Hữu Thọ',
];
const COMPANY = [
  'Sông Hàn',
  'Hải Vân',
  'Ngũ Hành',
  'Sơn Trà',
  'Bà Nà',
  'Miền Trung',
  'Phú Lộc',
  'An Thịnh',
  'Hòa Phát',
];
const COMPANY_KIND = ['Công ty TNHH', 'Công ty Cổ phần', 'Công ty TNHH MTV', 'Hộ kinh doanh'];
const COMPANY_TRADE = ['Thương mại', 'Xây dựng', 'Du lịch', 'Dịch vụ', 'Thực phẩm', 'Vận tải', 'Công nghệ'];

export function personName(rng: Rng): string {
  const female = rng() < 0.5;
  const family = pick(rng, FAMILY_WEIGHTED);
  const middle = pick(rng, female ? MIDDLE_F : MIDDLE_M);
  const given = female ? pick(rng, rng() < 0.5 ? GIVEN_F : GIVEN_F2) : pick(rng, rng() < 0.5 ? GIVEN_M : GIVEN_M2);
  return `${family} ${middle} ${given}`;
}

export function companyName(rng: Rng): string {
  return `${pick(rng, COMPANY_KIND)} ${pick(rng, COMPANY_TRADE)} ${pick(rng, COMPANY)} ${1 + Math.floor(rng() * 99)}`;
}

export function phone(rng: Rng): string {
  const prefix = pick(rng, ['090', '093', '098', '097', '091', '094', '035', '077', '070', '036']);
  return `${prefix}${String(Math.floor(rng() * 10_000_000)).padStart(7, '0')}`;
}

export function address(rng: Rng, place: string): string {
  return `${1 + Math.floor(rng() * 300)} ${pick(rng, STREETS)}, ${place}`;
}
