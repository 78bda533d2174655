import type { TimeLimit, WorkCalendar } from '@motcua/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { commandContext } from '../../shared/command-context.ts';
import { fieldError, Problem } from '../../shared/problem.ts';
import {
  DueQuery,
  DueView,
  HolidaysQuery,
  HolidaysView,
  ImportBody,
  WorkingHoursBody,
  WorkingHoursView,
  YearParams,
  YearScheduleBody,
  YearScheduleView,
} from './calendar.schemas.ts';
import {
  deploymentProvince,
  getWorkingHours,
  getYearSchedule,
  importSchedules,
  loadWorkCalendar,
  provinceOfActor,
  replaceYearSchedule,
  revertYearSchedule,
  setWorkingHours,
} from './calendar.service.ts';
import { formatLocalIso, localYearOf, parseMoment } from './calendar.time.ts';

const ADMINS = ['admin'] as const;

/** A computation that leaves the supported years (1900–2100) is the caller's input problem. */
function outOfRange<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) {
      throw new Problem('validation_failed', {
        detail: { vi: 'Ngoài phạm vi năm được hỗ trợ (1900–2100)', en: `Outside the supported years: ${err.message}` },
      });
    }
    throw err;
  }
}

export function holidaysOf(calendar: WorkCalendar, year: number) {
  return {
    daysOff: calendar.holidaysOf(year).map((d) => ({
      date: d.date,
      nameVi: d.name_vi,
      nameEn: d.name_en,
      kind: d.kind,
      onWeekend: d.onWeekend,
      source: d.source ?? null,
      confirmed: d.confirmed ?? null,
    })),
    workingDays: calendar.announcedWorkingDays(year).map((e) => ({
      date: e.date,
      kind: e.kind,
      nameVi: e.name_vi,
      nameEn: e.name_en,
      source: e.source,
      confirmed: e.confirmed,
    })),
  };
}

export async function calendarRoutes(base: FastifyInstance, opts: { db: Db }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = opts;

  app.get(
    '/calendar/holidays',
    {
      config: { access: 'public' },
      schema: {
        tags: ['calendar'],
        summary: 'Ngày nghỉ lễ, tết và ngày làm bù trong năm / Days off and announced working days of a year',
        querystring: HolidaysQuery,
        response: { 200: HolidaysView },
      },
    },
    async (req) => {
      const year = req.query.year ?? localYearOf(Date.now());
      const province = await deploymentProvince(db);
      const calendar = await loadWorkCalendar(db, province);
      return {
        province,
        year,
        ...outOfRange(() => holidaysOf(calendar, year)),
        sessions: calendar.sessions.map((s) => ({ start: s.start, end: s.end })),
      };
    },
  );

  app.get(
    '/calendar/due',
    {
      config: { access: 'public' },
      schema: {
        tags: ['calendar'],
        summary:
          'Hạn giải quyết theo ngày/giờ làm việc hoặc ngày (lịch) / Due moment of a limit in working days, working hours or calendar days',
        querystring: DueQuery,
        response: { 200: DueView },
      },
    },
    async (req) => {
      const { from, days, hours, calendarDays } = req.query;
      const errors = [];
      const at = parseMoment(from);
      if (at === null) {
        errors.push(
          fieldError('querystring.from', 'invalid_format', req.lang, {
            vi: 'Thời điểm theo ISO 8601, ví dụ 2026-02-13T16:30:00+07:00',
            en: 'An ISO 8601 date-time, e.g. 2026-02-13T16:30:00+07:00',
          }),
        );
      }
      if ([days, hours, calendarDays].filter((v) => v !== undefined).length !== 1) {
        errors.push(
          fieldError('querystring.days', 'custom', req.lang, {
            vi: 'Cần đúng một trong các tham số days, hours hoặc calendarDays',
            en: 'Give exactly one of days, hours or calendarDays',
          }),
        );
      }
      if (errors.length || at === null) throw new Problem('validation_failed', { errors });
      const limit: TimeLimit | { calendarDays: number } =
        days !== undefined ? { days } : hours !== undefined ? { hours } : { calendarDays: calendarDays! };
      const province = await deploymentProvince(db);
      const calendar = await loadWorkCalendar(db, province);
      const { clockStart, due } = outOfRange(() => ({
        clockStart: calendar.clockStart(at),
        due: 'calendarDays' in limit ? calendar.dueAtCalendarDays(at, limit.calendarDays) : calendar.dueAt(at, limit),
      }));
      return { province, clockStart: formatLocalIso(clockStart), due: formatLocalIso(due), limit };
    },
  );

  app.get(
    '/calendar/working-hours',
    {
      config: { access: 'public' },
      schema: {
        tags: ['calendar'],
        summary: 'Giờ làm việc / Office hours',
        response: { 200: WorkingHoursView },
      },
    },
    async () => getWorkingHours(db, await deploymentProvince(db)),
  );

  app.get(
    '/calendar/schedules/:year',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['calendar'],
        summary: 'Lịch nghỉ đang áp dụng cho năm (và nguồn) / The schedule in force for a year, and its origin',
        params: YearParams,
        response: { 200: YearScheduleView },
      },
    },
    async (req) => getYearSchedule(db, await provinceOfActor(db, req.actor), req.params.year),
  );

  app.put(
    '/calendar/schedules/:year',
    {
      config: { access: ADMINS, auditAction: 'calendar.schedule.replace' },
      schema: {
        tags: ['calendar'],
        summary: 'Thay lịch nghỉ của tỉnh cho năm (thay cho lịch có sẵn) / Replace the province’s schedule of a year',
        params: YearParams,
        body: YearScheduleBody,
        response: { 200: YearScheduleView },
      },
    },
    async (req) => {
      const view = await replaceYearSchedule(db, req.params.year, req.body, commandContext(req), req.lang);
      req.auditRecorded = true;
      return view;
    },
  );

  app.delete(
    '/calendar/schedules/:year',
    {
      config: { access: ADMINS, auditAction: 'calendar.schedule.revert' },
      schema: {
        tags: ['calendar'],
        summary: 'Bỏ lịch riêng của tỉnh cho năm, trở về lịch có sẵn / Drop the province’s own schedule of a year',
        params: YearParams,
        response: { 200: YearScheduleView },
      },
    },
    async (req) => {
      const view = await revertYearSchedule(db, req.params.year, commandContext(req));
      req.auditRecorded = true;
      return view;
    },
  );

  app.post(
    '/calendar/schedules/import',
    {
      config: { access: ADMINS, auditAction: 'calendar.schedule.import' },
      schema: {
        tags: ['calendar'],
        summary: 'Nhập lịch nghỉ nhiều năm (mỗi năm thay toàn bộ) / Import schedules of several years',
        body: ImportBody,
        response: { 200: z.object({ items: z.array(YearScheduleView) }) },
      },
    },
    async (req) => {
      const items = await importSchedules(db, req.body, commandContext(req), req.lang);
      req.auditRecorded = true;
      return { items };
    },
  );

  app.put(
    '/calendar/working-hours',
    {
      config: { access: ADMINS, auditAction: 'calendar.working_hours.set' },
      schema: {
        tags: ['calendar'],
        summary: 'Đặt giờ làm việc của tỉnh / Set the province’s office hours',
        body: WorkingHoursBody,
        response: { 200: WorkingHoursView },
      },
    },
    async (req) => {
      const view = await setWorkingHours(db, req.body.sessions, commandContext(req));
      req.auditRecorded = true;
      return view;
    },
  );
}
