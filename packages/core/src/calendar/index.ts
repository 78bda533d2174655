/** Public API of the working calendar (lịch làm việc) used for every legal deadline. */

export type { Moment } from './dates.ts';
export { atLocal, dateOfDayNo, dayNoFromParts, dayNoOf, LOCAL_OFFSET_MS, localDateOf, partsOfDayNo } from './dates.ts';
export type { DayCalendarOptions, DayOff, DayOffKind } from './day-calendar.ts';
export { DayCalendar, MAX_YEAR, MIN_YEAR } from './day-calendar.ts';
export type { CompensatoryDay, HolidayKey, NationalDayExtra, StatutoryHoliday, StatutoryOptions } from './holidays.ts';
export { DEFAULT_WEEKLY_REST_DAYS, defaultCompensatoryDays, statutoryHolidays } from './holidays.ts';
export type { LunarDate, SolarDate } from './lunar.ts';
export { lunarToSolar, solarToLunar } from './lunar.ts';
export type { AnnouncedSchedule, ScheduleEntry, ScheduleEntryKind } from './schedule.ts';
export { announcedSchedules } from './schedule.ts';
export type { Pause, Remaining, Session, TimeLimit, WorkCalendarOptions } from './working-time.ts';
export { createWorkCalendar, DEFAULT_SESSIONS, WorkCalendar } from './working-time.ts';
