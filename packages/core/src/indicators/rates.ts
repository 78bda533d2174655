/**
 * Rates shown on the dashboard, the breakdown ranking and the periodic report: one rule.
 *
 * A rate with nothing to measure is **null** ("—" on screen), never 100 % nor 0 %. Decision
 * 766/QĐ-TTg measures "processing progress" as on-time dossiers ÷ dossiers (RULES.md §4): with no
 * finished dossier the ratio is 0 ÷ 0, undefined — a unit that settled nothing must not read as
 * 100 % on time (the old monthly-report convention of OpenCPS, RULES.md §9), nor as 0 %. How a
 * missing ratio is *scored* in the 766 points is a separate rule (`scoreIndicators`, with a note).
 */

/** `part ÷ whole`, or null when the whole is zero (nothing to measure). */
export function rateOf(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/**
 * Share of the settled dossiers settled on time: (early + on time) ÷ (early + on time + late),
 * the periodic report's "tỷ lệ đúng hạn" (Decision 766/QĐ-TTg, processing progress; the early /
 * on time / late classification is `classifyTimeliness`, Decree 118/2025 art. 19(6)). Null when
 * nothing was settled.
 */
export function onTimeRate(c: {
  finished_early: number;
  finished_on_time: number;
  finished_late: number;
}): number | null {
  return rateOf(c.finished_early + c.finished_on_time, c.finished_early + c.finished_on_time + c.finished_late);
}
