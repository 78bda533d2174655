/** Public API of the working calendar (lịch làm việc) used for every legal deadline. */
export { atLocal, localDateOf, LOCAL_OFFSET_MS } from './dates.ts';
export type { Moment } from './dates.ts';
export { solarToLunar, lunarToSolar } from './lunar.ts';
export type { LunarDate, SolarDate } from './lunar.ts';
export { statutoryHolidays, defaultCompensatoryDays, DEFAULT_WEEKLY_REST_DAYS } from './holidays.ts';
export type { HolidayKey, StatutoryHoliday, StatutoryOptions, NationalDayExtra, CompensatoryDay } from './holidays.ts';
export { announcedSchedules } from './schedule.ts';
export type { AnnouncedSchedule, ScheduleEntry, ScheduleEntryKind } from './schedule.ts';
export { DayCalendar, MIN_YEAR, MAX_YEAR } from './day-calendar.ts';
export type { DayCalendarOptions, DayOff, DayOffKind } from './day-calendar.ts';
export { WorkCalendar, createWorkCalendar, DEFAULT_SESSIONS } from './working-time.ts';
export type { Session, TimeLimit, Pause, Remaining, WorkCalendarOptions } from './working-time.ts';
