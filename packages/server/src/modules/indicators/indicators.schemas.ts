import { COUNT_KEYS } from '@motcua/core';
import { z } from 'zod';

/** Response shapes of the indicator routes (OpenAPI, and the web app's generated types). */
const Text = z.object({ vi: z.string(), en: z.string() });
const PeriodSchema = z.object({ from: z.string(), to: z.string() });

export const CountsSchema = z.object(
  Object.fromEntries(COUNT_KEYS.map((k) => [k, z.number().int()])) as Record<(typeof COUNT_KEYS)[number], z.ZodNumber>,
);

const ComponentSchema = z.object({
  key: z.string(),
  label: Text,
  maxPoints: z.number(),
  available: z.boolean(),
  ratio: z.number().nullable(),
  points: z.number().nullable(),
  note: Text.optional(),
});

export const IndicatorReportSchema = z.object({
  agency: z.object({ id: z.string(), code: z.string().nullable(), name: z.string() }),
  period: PeriodSchema.extend({ kind: z.enum(['day', 'week', 'month', 'quarter', 'year', 'custom']) }),
  previousPeriod: PeriodSchema,
  counts: CountsSchema,
  previousCounts: CountsSchema,
  finished: z.number().int(),
  previousFinished: z.number().int(),
  /** Core `onTimeRate`: null when nothing was settled in the period. */
  onTimeRate: z.number().nullable(),
  previousOnTimeRate: z.number().nullable(),
  inProgressNow: z.object({ total: z.number().int(), onTime: z.number().int(), overdue: z.number().int() }),
  pendingAtEnd: z.object({ pending: z.number().int(), onTime: z.number().int(), overdue: z.number().int() }),
  catalog: z.object({
    procedures: z.number().int(),
    proceduresOnline: z.number().int(),
    proceduresComplete: z.number().int(),
    receivedOfOnlineProcedures: z.number().int(),
    receivedOnlineOfOnlineProcedures: z.number().int(),
  }),
  score: z.object({
    groups: z.array(
      z.object({
        key: z.string(),
        label: Text,
        maxPoints: z.number(),
        points: z.number(),
        availableMaxPoints: z.number(),
        components: z.array(ComponentSchema),
      }),
    ),
    points: z.number(),
    availableMaxPoints: z.number(),
    maxPoints: z.number(),
  }),
});

const rate = z.number().nullable();
export const BreakdownSchema = z.object({
  period: PeriodSchema,
  by: z.enum(['agency', 'field', 'procedure']),
  items: z.array(
    z.object({
      rank: z.number().int(),
      key: z.string(),
      code: z.string().nullable(),
      name: z.string(),
      received: z.number().int(),
      receivedOnline: z.number().int(),
      finished: z.number().int(),
      finishedEarly: z.number().int(),
      finishedOnTime: z.number().int(),
      finishedLate: z.number().int(),
      returned: z.number().int(),
      refused: z.number().int(),
      withdrawn: z.number().int(),
      onTimeRate: rate,
      onlineRate: rate,
      satisfactionRate: rate,
    }),
  ),
});

export const SeriesSchema = z.object({
  period: PeriodSchema,
  granularity: z.enum(['day', 'month']),
  items: z.array(
    z.object({
      bucket: z.string(),
      received: z.number().int(),
      receivedOnline: z.number().int(),
      finishedOnTime: z.number().int(),
      finishedLate: z.number().int(),
      returned: z.number().int(),
    }),
  ),
});

export const DrillSchema = z.object({
  period: PeriodSchema,
  metric: z.string(),
  total: z.number().int(),
  items: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      procedureName: z.string(),
      applicantName: z.string(),
      agencyName: z.string().nullable(),
      status: z.string(),
      channel: z.string(),
      receivedAt: z.string().nullable(),
      due: z.string().nullable(),
      resultAt: z.string().nullable(),
      returnedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
    }),
  ),
});
