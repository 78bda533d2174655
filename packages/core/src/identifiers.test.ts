import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTaxCode, normalizeTaxCode, parsePersonalId } from './identifiers.ts';

describe('personal identification number (12 digits)', () => {
  it('reads province, sex and year of birth', () => {
    expect(parsePersonalId('048090001234')).toEqual({
      ok: true,
      value: { provinceCode: '048', sex: 'male', birthYear: 1990 },
    });
    expect(parsePersonalId('001301009876')).toEqual({
      ok: true,
      value: { provinceCode: '001', sex: 'female', birthYear: 2001 },
    });
    expect(parsePersonalId('079185000001')).toMatchObject({ ok: true, value: { sex: 'female', birthYear: 1985 } });
  });
  it('refuses wrong shapes, provinces and future births', () => {
    expect(parsePersonalId('04809000123')).toEqual({ ok: false, reason: 'format' });
    expect(parsePersonalId('04809000123a')).toEqual({ ok: false, reason: 'format' });
    expect(parsePersonalId('000090001234')).toEqual({ ok: false, reason: 'province' });
    expect(parsePersonalId('097090001234')).toEqual({ ok: false, reason: 'province' });
    expect(parsePersonalId('048250001234', 2026)).toEqual({ ok: false, reason: 'birth_year' });
  });
  it('every century digit maps to its century and sex', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 96 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 99 }),
        (p, c, y) => {
          const id = `${String(p).padStart(3, '0')}${c}${String(y).padStart(2, '0')}123456`;
          const r = parsePersonalId(id);
          expect(r.ok).toBe(true);
          if (r.ok) {
            expect(r.value.birthYear).toBe(1900 + Math.floor(c / 2) * 100 + y);
            expect(r.value.sex).toBe(c % 2 === 0 ? 'male' : 'female');
          }
        },
      ),
    );
  });
});

describe('tax code', () => {
  it('accepts 10 digits and 13 digits of a dependent unit', () => {
    expect(isTaxCode('0401234567')).toBe(true);
    expect(isTaxCode('0401234567-001')).toBe(true);
    expect(isTaxCode('0401234567001')).toBe(true);
    expect(isTaxCode('040123456')).toBe(false);
    expect(isTaxCode('04012345670')).toBe(false);
    expect(normalizeTaxCode('0401234567001')).toBe('0401234567-001');
  });
});
