import { describe, expect, it } from 'vitest';
import { RATING_CRITERIA } from './commands.ts';
import { RATING_SCALES, scoreRatingAnswers } from './rating.ts';
import { settlementOf } from './timeliness.ts';

describe('rating scales (Decree 118/2025 art. 33, points of Circular 01/2018 arts. 13–14)', () => {
  it('every criterion has its own scale; the number of contacts is counted, not a satisfaction', () => {
    expect(Object.keys(RATING_SCALES)).toEqual([...RATING_CRITERIA]);
    expect(RATING_SCALES.contacts_needed.map((o) => [o.value, o.score, o.label_vi])).toEqual([
      ['one', 2, '1 lần (chỉ khi nộp hồ sơ)'],
      ['two', 1, '2 lần'],
      ['three_or_more', 0, 'Từ 3 lần trở lên'],
    ]);
    expect(RATING_SCALES.staff_attitude.map((o) => [o.value, o.score])).toEqual([
      ['very_satisfied', 2],
      ['satisfied', 2],
      ['neutral', 1],
      ['dissatisfied', 0],
      ['very_dissatisfied', 0],
    ]);
    expect(RATING_SCALES.time_vs_limit.map((o) => [o.value, o.score])).toEqual([
      ['early', 2],
      ['on_time', 1],
      ['late', 0],
    ]);
    expect(RATING_SCALES.result_legality_and_cost.map((o) => [o.value, o.score])).toEqual([
      ['as_prescribed', 2],
      ['not_as_prescribed', 0],
    ]);
  });

  it('answers give their points; an answer off its scale gives nothing', () => {
    expect(scoreRatingAnswers({ contacts_needed: 'three_or_more', staff_attitude: 'neutral' })).toEqual({
      contacts_needed: 0,
      staff_attitude: 1,
    });
    expect(scoreRatingAnswers({ contacts_needed: 'very_satisfied' })).toBeNull();
    expect(scoreRatingAnswers({ staff_attitude: 'one' })).toBeNull();
    expect(scoreRatingAnswers({ nonsense: 'one' })).toBeNull();
    expect(scoreRatingAnswers({ toString: 'one' })).toBeNull();
    expect(scoreRatingAnswers({})).toBeNull();
    expect(scoreRatingAnswers(null)).toBeNull();
    expect(scoreRatingAnswers(['one'])).toBeNull();
  });
});

describe('settlementOf: early / on time / late (docs/indicators.md §2)', () => {
  // 10/12/2026 17:00 in Vietnam (UTC+7).
  const due = Date.UTC(2026, 11, 10, 10, 0);
  it('early on an earlier local day, on time on the same day, late after it or when extended', () => {
    // 09/12/2026 23:30 local = 16:30Z: the day before.
    expect(settlementOf({ due, resultAt: Date.UTC(2026, 11, 9, 16, 30), extensionCount: 0 })).toEqual({
      kind: 'early',
      at: Date.UTC(2026, 11, 9, 16, 30),
    });
    // 10/12/2026 00:30 local = 09/12 17:30Z: the same local day as the appointment.
    expect(settlementOf({ due, resultAt: Date.UTC(2026, 11, 9, 17, 30), extensionCount: 0 })?.kind).toBe('on_time');
    expect(settlementOf({ due, resultAt: due + 60_000, extensionCount: 0 })?.kind).toBe('late');
    // Decree 118/2025 art. 19(6): an extension was needed, so the result counts late even before the new date.
    expect(settlementOf({ due, resultAt: due - 86_400_000 * 3, extensionCount: 1 })?.kind).toBe('late');
    expect(settlementOf({ due, resultAt: null, extensionCount: 0 })).toBeNull();
    expect(settlementOf({ due: null, resultAt: due, extensionCount: 0 })).toBeNull();
  });
});
