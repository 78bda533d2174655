import { beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { runFuzz } from '../reliability/fuzz.ts';

/** Long version of test/reliability/fuzz.test.ts: 10 000 requests, a seed per run (printed). */
let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];

beforeAll(async () => {
  ({ app, db } = await startTestApp());
});

describe('hostile-input fuzzer (long)', () => {
  it('10 000 requests: no 5xx, rejected requests change nothing', async () => {
    const seed = Number(process.env.MOTCUA_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const r = await runFuzz(app, db, { requests: 10_000, seed, batch: 50 });
    console.log(`fuzz seed ${seed}: ${JSON.stringify(r.byStatus)}; ${r.checkedBatches} batches checked`);
    expect(r.failures, `seed ${seed}`).toEqual([]);
    expect(r.requests).toBe(10_000);
  });
});
