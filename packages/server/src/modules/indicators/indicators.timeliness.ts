import { sql } from 'kysely';

/**
 * Early / on time / late in SQL, over a dossier row aliased `d`: the core rule
 * `classifyTimeliness(result_at, due, extensionCount > 0)` (packages/core/src/indicators/
 * timeliness.ts, Decree 118/2025/NĐ-CP art. 19(6)) for the drill-down lists and the naive
 * baseline. The aggregate trigger of migration 0007 (`dossier_stat_contrib`) writes the same
 * rule; test/timeliness-sql.test.ts checks both against the core function over generated
 * (due, finished) pairs. Change the rule in core first, then here and in a new migration.
 */
const LATE = sql`(d.result_at > d.due OR coalesce((d.state->>'extensionCount')::int, 0) > 0)`;

export const TIMELINESS_SQL = {
  late: LATE,
  early: sql`(NOT ${LATE} AND local_day(d.result_at) < local_day(d.due))`,
  onTime: sql`(NOT ${LATE} AND local_day(d.result_at) >= local_day(d.due))`,
  /** Early or on time: what the on-time rate and the cohort count as on time. */
  notLate: sql`(NOT ${LATE})`,
};
