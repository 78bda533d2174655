import { MAX_YEAR, MIN_YEAR, type TimeLimit, type WorkCalendar } from '@motcua/core';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../runtime.ts';
import { deploymentProvince, loadWorkCalendar, shippedWorkCalendar } from './calendar.service.ts';
import { formatLocalIso, parseMoment } from './calendar.time.ts';

const out = (m: string) => process.stdout.write(`${m}\n`);

type CalendarOptions = { offline?: boolean; province?: string };

/**
 * The calendar to answer with: the shipped data only with --offline, otherwise shipped + database
 * (DATABASE_URL or the embedded PostgreSQL, as every other command).
 */
async function withCalendar<T>(o: CalendarOptions, fn: (calendar: WorkCalendar) => T): Promise<T> {
  if (o.offline) return fn(shippedWorkCalendar(o.province ?? null));
  const opened = await openDatabase(loadConfig());
  try {
    let calendar: WorkCalendar;
    try {
      const province = o.province ?? (await deploymentProvince(opened.db));
      calendar = await loadWorkCalendar(opened.db, province);
    } catch (err) {
      if ((err as { code?: string }).code === '42P01') {
        throw new Error('the calendar tables are missing: run `motcua migrate` (or use --offline)');
      }
      throw err;
    }
    return fn(calendar);
  } finally {
    await opened.close();
  }
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

export function registerCalendarCommands(program: Command): void {
  const calendar = program
    .command('calendar')
    .description('working calendar (lịch làm việc): days off and due moments');

  calendar
    .command('holidays')
    .description('list the days off of a year (other than ordinary weekends) as `yyyy-mm-dd  name`')
    .argument('<year>', `a year ${MIN_YEAR}–${MAX_YEAR}`)
    .option('--offline', 'use the shipped data only, without the database')
    .option('--province <code>', 'province administrative unit code (default: the deployment’s province)')
    .action((yearArg: string, o: CalendarOptions) => {
      const year = Number(yearArg);
      if (!/^\d{4}$/.test(yearArg) || year < MIN_YEAR || year > MAX_YEAR) {
        throw new Error(`year must be ${MIN_YEAR}–${MAX_YEAR}`);
      }
      return withCalendar(o, (cal) => {
        for (const d of cal.holidaysOf(year)) out(`${d.date}  ${d.name_vi}`);
      });
    });

  calendar
    .command('due')
    .description(
      'the due moment of a time limit in working days, working hours or calendar days, as ISO 8601 with +07:00',
    )
    .requiredOption('--from <datetime>', 'receipt moment, e.g. 2026-02-13T16:30:00+07:00 (no offset: local time)')
    .option('--days <n>', 'limit in working days (fractions allowed)')
    .option('--hours <n>', 'limit in working hours')
    .option(
      '--calendar-days <n>',
      'limit in calendar days; a day off at the end moves it to the next working day’s close',
    )
    .option('--offline', 'use the shipped data only, without the database')
    .option('--province <code>', 'province administrative unit code (default: the deployment’s province)')
    .action((o: CalendarOptions & { from: string; days?: string; hours?: string; calendarDays?: string }) => {
      const from = parseMoment(o.from);
      if (from === null) throw new Error(`--from: not an ISO 8601 date-time: ${o.from}`);
      const days = number('--days', o.days);
      const hours = number('--hours', o.hours);
      const calendarDays = number('--calendar-days', o.calendarDays);
      if ([days, hours, calendarDays].filter((v) => v !== undefined).length !== 1) {
        throw new Error('give exactly one of --days, --hours or --calendar-days');
      }
      const limit: TimeLimit | null = days !== undefined ? { days } : hours !== undefined ? { hours } : null;
      return withCalendar(o, (cal) => {
        out(formatLocalIso(limit ? cal.dueAt(from, limit) : cal.dueAtCalendarDays(from, calendarDays!)));
      });
    });
}
