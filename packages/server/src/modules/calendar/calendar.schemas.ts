import { MAX_YEAR, MIN_YEAR } from '@motcua/core';
import { z } from 'zod';
import { isValidDate } from './calendar.time.ts';

export const YearSchema = z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR);
export const YearParams = z.strictObject({ year: YearSchema });

const DateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-mm-dd')
  .refine(isValidDate, 'Ngày không tồn tại / No such date');

export const EntryKindSchema = z.enum(['day_off', 'working_day']);
export const NationalDayExtraSchema = z.enum(['before', 'after']);

export const ScheduleEntryBody = z.strictObject({
  date: DateString,
  kind: EntryKindSchema,
  nameVi: z.string().trim().min(1).max(300),
  nameEn: z.string().trim().min(1).max(300),
  /** Where the entry comes from (notice number, decision…). */
  source: z.string().trim().min(1).max(500),
  /** false while not checked against the official text. */
  confirmed: z.boolean(),
});

export const YearScheduleBody = z.strictObject({
  /** true: the entries are the whole arrangement, the art. 111(3) default nghỉ bù is not computed. */
  complete: z.boolean(),
  nationalDayExtra: NationalDayExtraSchema.nullable().optional(),
  source: z.string().trim().max(500).nullable().optional(),
  entries: z.array(ScheduleEntryBody).max(366),
});

export const ImportBody = z
  .array(YearScheduleBody.extend({ year: z.int().min(MIN_YEAR).max(MAX_YEAR) }))
  .min(1)
  .max(50);

const TimeString = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'HH:mm');
export const SessionSchema = z.strictObject({ start: TimeString, end: TimeString });
export const WorkingHoursBody = z.strictObject({ sessions: z.array(SessionSchema).min(1).max(6) });

export const HolidaysQuery = z.strictObject({ year: YearSchema.optional() });
export const DueQuery = z.strictObject({
  from: z.string().max(40),
  days: z.coerce.number().min(0).max(3650).optional(),
  hours: z.coerce
    .number()
    .min(0)
    .max(3650 * 24)
    .optional(),
  /** A limit in calendar days ("n ngày"): a day off at the end moves it (Civil Code 2015 art. 148(5)). */
  calendarDays: z.coerce.number().int().min(0).max(3650).optional(),
});

// ---- views ----

export const ScheduleEntryView = z.object({
  date: z.string(),
  kind: EntryKindSchema,
  nameVi: z.string(),
  nameEn: z.string(),
  source: z.string(),
  confirmed: z.boolean(),
});

export const YearScheduleView = z.object({
  province: z.string().nullable(),
  year: z.int(),
  /** province: this province's database rows; national: national database rows; shipped: @motcua/core data; none: statute only. */
  origin: z.enum(['province', 'national', 'shipped', 'none']),
  complete: z.boolean(),
  nationalDayExtra: NationalDayExtraSchema.nullable(),
  source: z.string().nullable(),
  entries: z.array(ScheduleEntryView),
  updatedAt: z.string().nullable(),
});

export const WorkingHoursView = z.object({
  province: z.string().nullable(),
  origin: z.enum(['database', 'default']),
  sessions: z.array(z.object({ start: z.string(), end: z.string() })),
  workingDayMinutes: z.number(),
});

export const HolidaysView = z.object({
  province: z.string().nullable(),
  year: z.int(),
  daysOff: z.array(
    z.object({
      date: z.string(),
      nameVi: z.string(),
      nameEn: z.string(),
      kind: z.enum(['statutory', 'compensatory', 'announced']),
      onWeekend: z.boolean(),
      source: z.string().nullable(),
      confirmed: z.boolean().nullable(),
    }),
  ),
  workingDays: z.array(ScheduleEntryView),
  sessions: z.array(z.object({ start: z.string(), end: z.string() })),
});

export const DueView = z.object({
  province: z.string().nullable(),
  clockStart: z.string(),
  due: z.string(),
  limit: z.union([
    z.object({ days: z.number() }),
    z.object({ hours: z.number() }),
    z.object({ calendarDays: z.number() }),
  ]),
});

export type ScheduleEntryInput = z.infer<typeof ScheduleEntryBody>;
export type YearScheduleInput = z.infer<typeof YearScheduleBody>;
export type ImportInput = z.infer<typeof ImportBody>;
export type YearScheduleViewT = z.infer<typeof YearScheduleView>;
export type WorkingHoursViewT = z.infer<typeof WorkingHoursView>;
