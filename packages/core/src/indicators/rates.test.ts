import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onTimeRate, rateOf } from './rates.ts';

describe('rates: null when there is nothing to measure (Decision 766/QĐ-TTg)', () => {
  it('rateOf', () => {
    expect(rateOf(0, 0)).toBeNull();
    expect(rateOf(3, 4)).toBe(0.75);
    expect(rateOf(0, 5)).toBe(0);
    expect(rateOf(5, 5)).toBe(1);
  });

  it('onTimeRate = (early + on time) ÷ settled; null — never 100 % — when nothing was settled', () => {
    expect(onTimeRate({ finished_early: 0, finished_on_time: 0, finished_late: 0 })).toBeNull();
    expect(onTimeRate({ finished_early: 1, finished_on_time: 2, finished_late: 1 })).toBe(0.75);
    expect(onTimeRate({ finished_early: 0, finished_on_time: 0, finished_late: 3 })).toBe(0);
    expect(onTimeRate({ finished_early: 2, finished_on_time: 0, finished_late: 0 })).toBe(1);
  });

  it('property: null exactly when nothing settled, else within [0, 1] and equal to the ratio', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(10_000), (e, o, l) => {
        const r = onTimeRate({ finished_early: e, finished_on_time: o, finished_late: l });
        if (e + o + l === 0) expect(r).toBeNull();
        else {
          expect(r).toBe((e + o) / (e + o + l));
          expect(r).toBeGreaterThanOrEqual(0);
          expect(r).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
