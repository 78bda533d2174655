import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCounts,
  type CatalogFacts,
  COUNT_KEYS,
  type DossierCounts,
  pendingFrom,
  scoreIndicators,
  zeroCounts,
} from './indicators.ts';
import { onTimeRate } from './rates.ts';

const counts = (over: Partial<DossierCounts>): DossierCounts => ({ ...zeroCounts(), ...over });
const catalog = (over: Partial<CatalogFacts> = {}): CatalogFacts => ({
  procedures: 10,
  proceduresOnline: 4,
  proceduresComplete: 5,
  receivedOfOnlineProcedures: 0,
  receivedOnlineOfOnlineProcedures: 0,
  ...over,
});
const component = (s: ReturnType<typeof scoreIndicators>, key: string) =>
  s.groups.flatMap((g) => g.components).find((c) => c.key === key)!;

describe('Decision 766 indicators (RULES.md §4)', () => {
  it('processing progress: 20 × on-time dossiers / received dossiers', () => {
    const s = scoreIndicators(counts({ received: 8, cohort_on_time: 6 }), catalog());
    expect(component(s, 'on_time')).toMatchObject({ ratio: 0.75, points: 15, available: true });
    expect(s.groups.find((g) => g.key === 'progress')!.points).toBe(15);
  });

  it('online services: min(2, 2·A/0.8) + 4·B + min(6, 6·C/0.5)', () => {
    // A = 4/10 → 2·0.4/0.8 = 1; B = 3/6 → 2; C = 2/8 = 0.25 → 6·0.25/0.5 = 3
    const s = scoreIndicators(
      counts({ received: 8, received_online: 2 }),
      catalog({ receivedOfOnlineProcedures: 6, receivedOnlineOfOnlineProcedures: 3 }),
    );
    expect(component(s, 'procedures_online').points).toBe(1);
    expect(component(s, 'online_dossiers_of_online_services').points).toBe(2);
    expect(component(s, 'received_online').points).toBe(3);
    expect(s.groups.find((g) => g.key === 'online_services')!.points).toBe(6);
    // The caps: A = 90 % and C = 60 % give the full 2 and 6.
    const full = scoreIndicators(
      counts({ received: 10, received_online: 6 }),
      catalog({ proceduresOnline: 9, receivedOfOnlineProcedures: 1, receivedOnlineOfOnlineProcedures: 1 }),
    );
    expect(full.groups.find((g) => g.key === 'online_services')!.points).toBe(12);
  });

  it('satisfaction: min(6, 6·r/0.9); the feedback items are declared not held', () => {
    const s = scoreIndicators(counts({ rated: 10, rated_satisfied: 9 }), catalog());
    expect(component(s, 'reception_satisfaction').points).toBe(6);
    const half = scoreIndicators(counts({ rated: 10, rated_satisfied: 45 / 10 }), catalog());
    expect(component(half, 'reception_satisfaction').points).toBe(3);
    expect(component(s, 'feedback_on_time')).toMatchObject({ available: false, points: null });
    expect(component(s, 'feedback_on_time').note!.vi).toMatch(/Chưa có dữ liệu/);
  });

  it('totals: over 100 and over the available maximum; groups keep the decision maxima', () => {
    const s = scoreIndicators(zeroCounts(), catalog());
    expect(s.groups.map((g) => g.maxPoints)).toEqual([18, 20, 12, 10, 18, 22]);
    expect(s.maxPoints).toBe(100);
    expect(s.availableMaxPoints).toBe(2 + 20 + 12 + 6 + 6);
    for (const g of s.groups) {
      expect(g.components.reduce((t, c) => t + c.maxPoints, 0)).toBe(g.maxPoints);
    }
  });

  it('no dossiers: progress and satisfaction get full points with a note, not a division by zero', () => {
    const s = scoreIndicators(zeroCounts(), catalog());
    expect(component(s, 'on_time')).toMatchObject({ ratio: null, points: 20 });
    expect(component(s, 'on_time').note!.en).toMatch(/No dossiers/);
  });

  it('points never exceed a component maximum and are never negative', () => {
    const nat = fc.nat({ max: 10_000 });
    fc.assert(
      fc.property(
        fc.record(Object.fromEntries(COUNT_KEYS.map((k) => [k, nat])) as Record<keyof DossierCounts, typeof nat>),
        nat,
        nat,
        nat,
        (raw, procedures, on, rec) => {
          const c = { ...raw } as DossierCounts;
          // Consistent inputs: parts never exceed their wholes.
          c.received_online = Math.min(c.received_online, c.received);
          c.cohort_on_time = Math.min(c.cohort_on_time, c.received);
          c.rated_satisfied = Math.min(c.rated_satisfied, c.rated);
          c.returned_online = Math.min(c.returned_online, c.returned);
          const s = scoreIndicators(c, {
            procedures,
            proceduresOnline: Math.min(on, procedures),
            proceduresComplete: Math.min(on, procedures),
            receivedOfOnlineProcedures: rec,
            receivedOnlineOfOnlineProcedures: Math.min(rec, on),
          });
          for (const comp of s.groups.flatMap((g) => g.components)) {
            if (comp.points === null) continue;
            expect(comp.points).toBeGreaterThanOrEqual(0);
            expect(comp.points).toBeLessThanOrEqual(comp.maxPoints);
          }
          expect(s.points).toBeLessThanOrEqual(s.availableMaxPoints + 1e-9);
        },
      ),
    );
  });
});

describe('periodic report figures', () => {
  it('on-time rate = (early + on time) ÷ finished, none (null) when nothing finished', () => {
    expect(onTimeRate(counts({ finished_early: 1, finished_on_time: 2, finished_late: 1 }))).toBe(0.75);
    expect(onTimeRate(zeroCounts())).toBeNull();
  });

  it('pending at the end of a period from cumulative counts', () => {
    // 10 received, 6 ended; 4 had their appointment by then, 3 of those ended → 1 overdue, 3 on time.
    expect(pendingFrom({ received: 10, ended: 6, due: 4, due_settled: 3 })).toEqual({
      pending: 4,
      overdue: 1,
      onTime: 3,
    });
  });

  it('addCounts adds every counter', () => {
    const one = Object.fromEntries(COUNT_KEYS.map((k, i) => [k, i])) as unknown as DossierCounts;
    const two = addCounts(one, one);
    for (const [i, k] of COUNT_KEYS.entries()) expect(two[k]).toBe(2 * i);
  });
});
