import { describe, expect, it } from 'vitest';
import { multiProcessScenario } from './scenarios.ts';

/** Two API processes and two workers on one database (long version: test/chaos/). */
describe('several processes on one database', () => {
  it('no duplicate dossier code, one winner per claim race, each email once', async () => {
    const r = await multiProcessScenario({ dossiers: 10, racers: 4 });
    expect(r.claims).toBe(40);
    expect(r.emails).toBeGreaterThanOrEqual(10);
  }, 150_000);
});
