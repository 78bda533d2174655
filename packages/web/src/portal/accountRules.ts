import type { TFunction } from 'i18next';

/**
 * Client-side checks of the account forms, the same rules the server applies (core
 * identifiers.ts): a 12-digit personal identification number whose first 3 digits are a province
 * code 001–096 and whose 4th digit (century and sex) and 5th–6th (year) give a birth year not in
 * the future; a 10-digit tax code or 13 digits as 10-3 (Circular 105/2020/TT-BTC art. 5); a
 * Vietnamese phone number; a password of at least 8 characters with letters and digits.
 */
export function isPersonalId(v: string, now = new Date()): boolean {
  if (!/^\d{12}$/.test(v)) return false;
  const province = Number(v.slice(0, 3));
  if (province < 1 || province > 96) return false;
  const century = 1900 + Math.floor(Number(v[3]) / 2) * 100;
  return century + Number(v.slice(4, 6)) <= now.getFullYear();
}

export const isTaxCode = (v: string) => /^\d{10}(-?\d{3})?$/.test(v.trim());
export const isPhone = (v: string) => /^(0|\+84)\d{9,10}$/.test(v.trim());
export const isGoodPassword = (p: string) => p.length >= 8 && /\p{L}/u.test(p) && /\d/.test(p);

type Rule = { validator: (_: unknown, v: string) => Promise<void> };
const rule = (test: (v: string) => boolean, message: string): Rule => ({
  validator: (_, v) => (!v || test(v) ? Promise.resolve() : Promise.reject(new Error(message))),
});

export function accountRules(t: TFunction) {
  return {
    personalId: [
      { required: true, message: t('account.personalIdInvalid') },
      rule(isPersonalId, t('account.personalIdInvalid')),
    ],
    taxCode: [{ required: true, message: t('account.taxCodeInvalid') }, rule(isTaxCode, t('account.taxCodeInvalid'))],
    phone: [rule(isPhone, t('account.phoneInvalid'))],
    email: [{ type: 'email' as const, message: t('account.emailInvalid') }],
    password: [{ required: true, message: t('account.passwordWeak') }, rule(isGoodPassword, t('account.passwordWeak'))],
    code: [
      { required: true, message: t('account.codeInvalid') },
      rule((v) => /^\d{6}$/.test(v.trim()), t('account.codeInvalid')),
    ],
  };
}
