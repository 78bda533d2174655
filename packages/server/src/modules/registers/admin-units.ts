import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../config.ts';

/**
 * Names of the province and its communes/wards by code (the population DB sends codes: MaTinhThanh,
 * MaPhuongXa), read once from the province's unit list (packages/server/data, the 2025 two-level
 * administrative map). An address outside it keeps its detail line only.
 */
type UnitsFile = { province: { code: string; name: string }; communes: { code: string; name: string }[] };

let units: UnitsFile | null | undefined;
function loadUnits(): UnitsFile | null {
  if (units !== undefined) return units;
  try {
    units = JSON.parse(
      readFileSync(path.resolve(ROOT_DIR, 'packages/server/data/danang-units.json'), 'utf8'),
    ) as UnitsFile;
  } catch {
    units = null;
  }
  return units;
}

/** "12 Trần Phú, tổ 5, Phường Hải Châu, Thành phố Đà Nẵng" from the detail and the codes. */
export function addressLine(address: { provinceCode: string; communeCode: string; detail: string }): string {
  const u = loadUnits();
  const commune = u?.communes.find((c) => c.code === address.communeCode);
  if (!u || !commune || u.province.code !== address.provinceCode) return address.detail;
  return [address.detail, commune.name, u.province.name].filter((s) => s.trim() !== '').join(', ');
}
