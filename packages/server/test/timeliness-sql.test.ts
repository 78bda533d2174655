import { classifyTimeliness, type Timeliness } from '@motcua/core';
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { TIMELINESS_SQL } from '../src/modules/indicators/indicators.timeliness.ts';
import { createTestDatabase } from './helpers.ts';

/**
 * Early / on time / late is written once in TypeScript (core `classifyTimeliness`) and, because
 * the aggregates are maintained by a database trigger, twice in SQL: `dossier_stat_contrib`
 * (migration 0007, whose SQL may not change) and the fragments of indicators.timeliness.ts (drill-
 * down lists, naive baseline). Both SQL copies must give the core's answer for every (due,
 * finished, extended) — checked here over boundary pairs and thousands of generated ones.
 */

let db: Db;
beforeAll(async () => {
  ({ db } = await createTestDatabase());
});

type Pair = { due: number; at: number; extended: boolean };

const MS = 1;
const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const vn = (s: string) => Date.parse(`${s}+07:00`);

/** The hand-picked boundaries: exactly at the appointment, just around it, the same day earlier,
 * the day before (early by the definition: an earlier local day), and around local midnight. */
function boundaryPairs(): Pair[] {
  const dues = [
    vn('2026-12-10T17:00:00'),
    vn('2026-12-10T07:30:00'),
    vn('2026-12-10T00:00:00'),
    vn('2026-12-10T23:59:59.999'),
    vn('2026-02-16T11:30:00'), // Tết 2026
    vn('2028-02-29T08:00:00'), // leap day
    vn('2026-01-01T00:00:00.001'),
  ];
  const out: Pair[] = [];
  for (const due of dues) {
    const dayStart = due - ((due + 7 * HOUR) % DAY);
    const moments = [
      due, // exactly at due: on time
      due - MS,
      due + MS, // just after: late
      due - SECOND,
      due + SECOND,
      dayStart, // the same local day, its first moment: on time
      dayStart - MS, // the day before, its last moment: early
      dayStart + DAY - MS, // the same day's last moment: late unless due is then
      dayStart + DAY, // next local day
      due - 3 * HOUR,
      due - DAY,
      due - 30 * DAY,
      due + 2 * DAY,
    ];
    for (const at of moments) for (const extended of [false, true]) out.push({ due, at, extended });
  }
  return out;
}

/** Generated pairs (fixed seed): near the appointment (within ±3 days, any millisecond) and anywhere. */
function generatedPairs(n: number): Pair[] {
  const moment = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
  const near = fc
    .record({ due: moment, offset: fc.integer({ min: -3 * DAY, max: 3 * DAY }), extended: fc.boolean() })
    .map(({ due, offset, extended }) => ({ due, at: due + offset, extended }));
  const anywhere = fc.record({ due: moment, at: moment, extended: fc.boolean() });
  return fc.sample(fc.oneof(near, anywhere), { numRuns: n, seed: 118_2025 });
}

/** Each pair as a `dossiers` row with just the fields the rule reads (a counted, top-level dossier). */
const asRows = (pairs: Pair[]) =>
  JSON.stringify(
    pairs.map((p) => ({
      responsible_agency_id: '00000000-0000-4000-8000-000000000001',
      procedure_id: '00000000-0000-4000-8000-000000000002',
      parent_dossier_id: null,
      due: new Date(p.due).toISOString(),
      result_at: new Date(p.at).toISOString(),
      state: { extensionCount: p.extended ? 1 : 0 },
    })),
  );

const kindOf = (r: { early: number; on_time: number; late: number }): Timeliness | string =>
  r.early + r.on_time + r.late !== 1
    ? `not exactly one kind: ${JSON.stringify(r)}`
    : r.early
      ? 'early'
      : r.on_time
        ? 'on_time'
        : 'late';

/** The trigger's classification (dossier_stat_contrib, migration 0007), one per pair. */
async function triggerKinds(pairs: Pair[]): Promise<(Timeliness | string)[]> {
  const { rows } = await sql<{ i: string; early: number; on_time: number; late: number }>`
    SELECT x.i, sum(c.finished_early)::int AS early, sum(c.finished_on_time)::int AS on_time,
           sum(c.finished_late)::int AS late
    FROM jsonb_array_elements(${asRows(pairs)}::jsonb) WITH ORDINALITY AS x(v, i)
    CROSS JOIN LATERAL jsonb_populate_record(NULL::dossiers, x.v) AS d
    CROSS JOIN LATERAL dossier_stat_contrib(d) AS c
    GROUP BY x.i ORDER BY x.i`.execute(db);
  expect(rows).toHaveLength(pairs.length);
  return rows.map(kindOf);
}

/** The service's SQL fragments (indicators.timeliness.ts), one per pair. */
async function fragmentKinds(pairs: Pair[]): Promise<(Timeliness | string)[]> {
  const { early, onTime, late } = TIMELINESS_SQL;
  const { rows } = await sql<{ early: number; on_time: number; late: number }>`
    SELECT coalesce(${early}, false)::int AS early, coalesce(${onTime}, false)::int AS on_time,
           coalesce(${late}, false)::int AS late
    FROM jsonb_array_elements(${asRows(pairs)}::jsonb) WITH ORDINALITY AS x(v, i)
    CROSS JOIN LATERAL jsonb_populate_record(NULL::dossiers, x.v) AS d
    ORDER BY x.i`.execute(db);
  return rows.map(kindOf);
}

const coreKinds = (pairs: Pair[]) => pairs.map((p) => classifyTimeliness(p.at, p.due, p.extended));

/** Pairs whose SQL answer differs from the core's, for a readable failure. */
function mismatches(pairs: Pair[], sqlKinds: (Timeliness | string)[]) {
  const core = coreKinds(pairs);
  return pairs
    .map((p, i) => ({
      due: new Date(p.due).toISOString(),
      at: new Date(p.at).toISOString(),
      extended: p.extended,
      core: core[i],
      sql: sqlKinds[i],
    }))
    .filter((m) => m.core !== m.sql);
}

describe('SQL early / on time / late = core classifyTimeliness', () => {
  it('boundaries: exactly at due, a millisecond around it, the same day earlier, the day before', async () => {
    const pairs = boundaryPairs();
    // The boundaries mean what the definition says (core), before comparing SQL with core.
    const due = vn('2026-12-10T17:00:00');
    expect(classifyTimeliness(due, due)).toBe('on_time');
    expect(classifyTimeliness(due + 1, due)).toBe('late');
    expect(classifyTimeliness(vn('2026-12-10T08:00:00'), due)).toBe('on_time');
    expect(classifyTimeliness(vn('2026-12-09T23:59:59.999'), due)).toBe('early');
    expect(new Set(coreKinds(pairs))).toEqual(new Set(['early', 'on_time', 'late']));
    expect(mismatches(pairs, await triggerKinds(pairs))).toEqual([]);
    expect(mismatches(pairs, await fragmentKinds(pairs))).toEqual([]);
  });

  it('4 000 generated (due, finished, extended) triples, near the appointment and anywhere', async () => {
    const pairs = generatedPairs(4000);
    const kinds = new Set(coreKinds(pairs));
    expect(kinds).toEqual(new Set(['early', 'on_time', 'late']));
    expect(mismatches(pairs, await triggerKinds(pairs))).toEqual([]);
    expect(mismatches(pairs, await fragmentKinds(pairs))).toEqual([]);
  });
});
