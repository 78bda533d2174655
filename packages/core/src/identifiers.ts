/**
 * Identifiers of applicants (RULES.md §5).
 * Số định danh cá nhân — 12 digits: 3 digits province of birth registration (001–096),
 * 1 digit century + sex, 2 digits year of birth, 6 random digits
 * (Decree 137/2015/NĐ-CP art. 13, kept by the Identification Law 2023).
 */
export type PersonalIdInfo = {
  provinceCode: string;
  sex: 'male' | 'female';
  birthYear: number;
};

export type IdCheck<T> = { ok: true; value: T } | { ok: false; reason: 'format' | 'province' | 'birth_year' };

export function parsePersonalId(raw: string, currentYear?: number): IdCheck<PersonalIdInfo> {
  const id = raw.trim();
  if (!/^\d{12}$/.test(id)) return { ok: false, reason: 'format' };
  const province = Number(id.slice(0, 3));
  if (province < 1 || province > 96) return { ok: false, reason: 'province' };
  const centuryDigit = Number(id[3]);
  // 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s, 8/9 → 2300s; even = male.
  const century = 1900 + Math.floor(centuryDigit / 2) * 100;
  const birthYear = century + Number(id.slice(4, 6));
  if (currentYear !== undefined && birthYear > currentYear) return { ok: false, reason: 'birth_year' };
  return {
    ok: true,
    value: { provinceCode: id.slice(0, 3), sex: centuryDigit % 2 === 0 ? 'male' : 'female', birthYear },
  };
}

export function isPersonalId(raw: string, currentYear?: number): boolean {
  return parsePersonalId(raw, currentYear).ok;
}

/**
 * Mã số thuế of an organization: 10 digits, or 13 for a dependent unit (10 digits, a dash, 3 digits;
 * Circular 105/2020/TT-BTC art. 5). The check digit is not verified here: its rule is not in the
 * circular we could read, and refusing a valid code at the counter is worse than accepting a typo.
 */
export function isTaxCode(raw: string): boolean {
  return /^\d{10}(-?\d{3})?$/.test(raw.trim());
}

export function normalizeTaxCode(raw: string): string {
  const t = raw.trim().replace('-', '');
  return t.length === 13 ? `${t.slice(0, 10)}-${t.slice(10)}` : t;
}
