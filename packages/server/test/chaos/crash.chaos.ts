import { describe, expect, it } from 'vitest';
import { crashScenario, multiProcessScenario, workerKillScenario } from '../reliability/scenarios.ts';

/** Long versions of test/reliability/{crash,multi-process}.test.ts (`npm run test:chaos`). */
describe('crash safety (long)', () => {
  it('12 SIGKILLs under 8 clients of write load', async () => {
    const r = await crashScenario({ clients: 8, kills: 12, gapMs: [1500, 7000] });
    console.log(`crash: ${JSON.stringify(r)}`);
    expect(r.kills).toBe(12);
    expect(r.dossiers).toBeGreaterThan(12);
  });

  it('worker killed mid-job, three times in a row', async () => {
    for (let i = 0; i < 3; i++) await workerKillScenario();
  });
});

describe('several processes (long)', () => {
  it('80 dossiers, 6 racers per claim over two API processes and two workers', async () => {
    const r = await multiProcessScenario({ dossiers: 80, racers: 6 });
    console.log(`multi-process: ${JSON.stringify(r)}`);
    expect(r.claims).toBe(480);
  });
});
