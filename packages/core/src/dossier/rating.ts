/**
 * The applicant's rating (đánh giá), each criterion of Decree 118/2025 art. 33(a)–(i) asked on its
 * own scale, and the points every answer gives on the scale of Circular 01/2018/TT-VPCP arts. 13–14
 * (2 satisfied, 1 acceptable, 0 not satisfied), which the Decision 766/QĐ-TTg satisfaction
 * indicator and the reports count (docs/indicators.md: `rated_satisfied` = no criterion at 0).
 * The answer is stored beside its points, so a report can show what the applicant said.
 */

import type { RatingCriterion, RatingScore } from './commands.ts';

export type RatingOption = { value: string; score: RatingScore; label_vi: string; label_en: string };

/** Five-level satisfaction, the scale of the national portal's rating form; two top levels are satisfied. */
const SATISFACTION: readonly RatingOption[] = [
  { value: 'very_satisfied', score: 2, label_vi: 'Rất hài lòng', label_en: 'Very satisfied' },
  { value: 'satisfied', score: 2, label_vi: 'Hài lòng', label_en: 'Satisfied' },
  { value: 'neutral', score: 1, label_vi: 'Bình thường', label_en: 'Neither satisfied nor dissatisfied' },
  { value: 'dissatisfied', score: 0, label_vi: 'Không hài lòng', label_en: 'Dissatisfied' },
  { value: 'very_dissatisfied', score: 0, label_vi: 'Rất không hài lòng', label_en: 'Very dissatisfied' },
];

export const RATING_SCALES: Readonly<Record<RatingCriterion, readonly RatingOption[]>> = {
  // (a) time to the result against the appointment; Circular 01/2018: early 2, on time 1, late 0.
  time_vs_limit: [
    { value: 'early', score: 2, label_vi: 'Sớm hơn ngày hẹn', label_en: 'Before the appointment' },
    { value: 'on_time', score: 1, label_vi: 'Đúng ngày hẹn', label_en: 'On the appointment day' },
    { value: 'late', score: 0, label_vi: 'Trễ hơn ngày hẹn', label_en: 'After the appointment' },
  ],
  // (b) agencies the applicant had to deal with: only the one-stop unit 2, two 1, more 0.
  agencies_contacted: [
    {
      value: 'one',
      score: 2,
      label_vi: '1 cơ quan (chỉ Bộ phận Một cửa)',
      label_en: '1 agency (the one-stop unit only)',
    },
    { value: 'two', score: 1, label_vi: '2 cơ quan', label_en: '2 agencies' },
    { value: 'three_or_more', score: 0, label_vi: 'Từ 3 cơ quan trở lên', label_en: '3 agencies or more' },
  ],
  // (c) contacts needed to complete the dossier, the submission itself counted as the first:
  // no further contact 2, one more 1, more 0 (Circular 01/2018 art. 13: 0 → 2, 1 → 1, more → 0).
  contacts_needed: [
    { value: 'one', score: 2, label_vi: '1 lần (chỉ khi nộp hồ sơ)', label_en: 'Once (only to submit)' },
    { value: 'two', score: 1, label_vi: '2 lần', label_en: 'Twice' },
    { value: 'three_or_more', score: 0, label_vi: 'Từ 3 lần trở lên', label_en: '3 times or more' },
  ],
  // (d) the published information about the procedure.
  information_accuracy: [
    { value: 'complete', score: 2, label_vi: 'Đầy đủ, chính xác', label_en: 'Complete and accurate' },
    { value: 'incomplete', score: 1, label_vi: 'Chưa đầy đủ', label_en: 'Incomplete' },
    { value: 'inaccurate', score: 0, label_vi: 'Không chính xác', label_en: 'Inaccurate' },
  ],
  // (đ) staff attitude.
  staff_attitude: SATISFACTION,
  // (e) the result and its cost as the law prescribes: a yes / no question.
  result_legality_and_cost: [
    {
      value: 'as_prescribed',
      score: 2,
      label_vi: 'Đúng quy định, không phát sinh chi phí ngoài quy định',
      label_en: 'As the law prescribes, no cost beyond the prescribed fees',
    },
    {
      value: 'not_as_prescribed',
      score: 0,
      label_vi: 'Có sai sót hoặc phát sinh chi phí ngoài quy định',
      label_en: 'Errors, or costs beyond the prescribed fees',
    },
  ],
  // (g) how well requests and answers were explained.
  explanation_quality: SATISFACTION,
  // (h) the online service, for dossiers submitted online.
  online_service_quality: SATISFACTION,
  // (i) anything else: overall satisfaction, with the comment.
  other: SATISFACTION,
};

export type RatingAnswers = Partial<Record<RatingCriterion, string>>;

/**
 * The points of each answer, or null when an answer is not on its criterion's scale (or a
 * criterion is unknown, or nothing was answered).
 */
export function scoreRatingAnswers(answers: unknown): Partial<Record<RatingCriterion, RatingScore>> | null {
  if (answers === null || typeof answers !== 'object' || Array.isArray(answers)) return null;
  const entries = Object.entries(answers as Record<string, unknown>);
  if (entries.length === 0) return null;
  const scores: Partial<Record<RatingCriterion, RatingScore>> = {};
  for (const [k, v] of entries) {
    if (!Object.hasOwn(RATING_SCALES, k)) return null;
    const option = RATING_SCALES[k as RatingCriterion].find((o) => o.value === v);
    if (!option) return null;
    scores[k as RatingCriterion] = option.score;
  }
  return scores;
}
