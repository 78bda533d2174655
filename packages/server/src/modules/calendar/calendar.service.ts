/**
 * The working calendar of a province: the pure @motcua/core calendar fed with the shipped
 * announced schedules and what administrators stored in the database (docs/calendar.md,
 * "Administration: API and CLI").
 *
 * - Database schedules REPLACE the shipped schedule of their year: for province P and year Y the
 *   schedule is P's database row for Y if any, else the national (province NULL) database row for
 *   Y, else the shipped `announcedSchedules` of Y, else the statute alone.
 * - Calendars are cached per process and database handle. Every calendar write bumps the one-row
 *   `calendar_revision` in its transaction, which bumps the calendar's row of `cache_revisions`
 *   (migration 0019); each `loadWorkCalendar` reads the revisions (one small query, or the ones its
 *   caller just read) and rebuilds when it moved, so other processes see an edit on their next call.
 */
import {
  type Actor,
  type AnnouncedSchedule,
  announcedSchedules,
  createWorkCalendar,
  DEFAULT_SESSIONS,
  isProvinceAdministrator,
  type ScheduleEntry,
  type Session,
  WorkCalendar,
} from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { type FieldError, fieldError, Problem } from '../../shared/problem.ts';
import { type Revisions, readRevisions } from '../../shared/revisions.ts';
import { agenciesById, rootAgency } from '../agencies/agencies.queries.ts';
import { actorUserId, auditFields, recordAudit } from '../audit/audit.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import type {
  ImportInput,
  ScheduleEntryInput,
  WorkingHoursViewT,
  YearScheduleInput,
  YearScheduleViewT,
} from './calendar.schemas.ts';

// ---------------------------------------------------------------- reading

type StoredSchedule = AnnouncedSchedule & { updatedAt: Date };

/** Database schedules that apply to `province` (its own and the national ones), with their entries. */
async function readSchedules(ex: Executor, province: string | null, year?: number): Promise<StoredSchedule[]> {
  let q = ex
    .selectFrom('calendar_schedules')
    .select(['id', 'province', 'year', 'complete', 'national_day_extra', 'source', 'updated_at'])
    .where((eb) =>
      province === null
        ? eb('province', 'is', null)
        : eb.or([eb('province', 'is', null), eb('province', '=', province)]),
    );
  if (year !== undefined) q = q.where('year', '=', year);
  const rows = await q.orderBy('year').execute();
  if (rows.length === 0) return [];
  const entries = await ex
    .selectFrom('calendar_schedule_entries')
    .select([
      'schedule_id',
      sql<string>`to_char(date, 'YYYY-MM-DD')`.as('date'),
      'kind',
      'name_vi',
      'name_en',
      'source',
      'confirmed',
    ])
    .where(
      'schedule_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('date')
    .execute();
  const byId = new Map<string, ScheduleEntry[]>(rows.map((r) => [r.id, []]));
  for (const e of entries) {
    byId.get(e.schedule_id)?.push({
      date: e.date,
      kind: e.kind,
      name_vi: e.name_vi,
      name_en: e.name_en,
      source: e.source,
      confirmed: e.confirmed,
    });
  }
  return rows.map((r) => ({
    province: r.province,
    year: r.year,
    complete: r.complete,
    ...(r.national_day_extra ? { nationalDayExtra: r.national_day_extra } : {}),
    source: r.source ?? 'database',
    entries: byId.get(r.id) ?? [],
    updatedAt: r.updated_at,
  }));
}

async function readSessions(ex: Executor, province: string | null): Promise<Session[] | null> {
  if (province === null) return null;
  const row = await ex
    .selectFrom('calendar_working_hours')
    .select('sessions')
    .where('province', '=', province)
    .executeTakeFirst();
  return row ? row.sessions.map((s) => ({ start: s.start, end: s.end })) : null;
}

/** The schedules core should use: shipped ones, minus every year the database replaces. */
export function effectiveSchedules(province: string | null, stored: readonly AnnouncedSchedule[]): AnnouncedSchedule[] {
  const own = stored.filter((s) => province !== null && s.province === province);
  const ownYears = new Set(own.map((s) => s.year));
  const national = stored.filter((s) => s.province === null && !ownYears.has(s.year));
  const replaced = new Set([...ownYears, ...national.map((s) => s.year)]);
  const shipped = announcedSchedules.filter(
    (s) => (s.province === null || s.province === province) && !replaced.has(s.year),
  );
  return [...shipped, ...national, ...own];
}

export function buildWorkCalendar(
  province: string | null,
  stored: readonly AnnouncedSchedule[],
  sessions: readonly Session[] | null,
): WorkCalendar {
  return createWorkCalendar({
    province,
    schedules: effectiveSchedules(province, stored),
    sessions: sessions ?? DEFAULT_SESSIONS,
  });
}

/** A calendar from the shipped data only (no database): `motcua calendar … --offline`. */
export function shippedWorkCalendar(province: string | null = null): WorkCalendar {
  return buildWorkCalendar(province, [], null);
}

async function currentRevision(ex: Executor): Promise<string> {
  return (await readRevisions(ex)).calendar;
}

const cache = new WeakMap<Db, Map<string, { revision: string; calendar: WorkCalendar }>>();

/**
 * The WorkCalendar of a province (null: national only) from the shipped and the database data.
 * Cached per process; a changed calendar revision (any process's edit; `cache_revisions`, bumped
 * with `calendar_revision`) triggers a rebuild.
 */
export async function loadWorkCalendar(
  db: Db,
  provinceCode: string | null,
  /** The revisions the caller just read (shared/revisions.ts), to spare a query. */
  revisions?: Revisions,
): Promise<WorkCalendar> {
  // Read the revision BEFORE the data: an edit committing in between leaves a stale revision in the
  // cache, so the next call rebuilds — never the other way round.
  const revision = revisions?.calendar ?? (await currentRevision(db));
  let perDb = cache.get(db);
  if (!perDb) {
    perDb = new Map();
    cache.set(db, perDb);
  }
  const key = provinceCode ?? '';
  const hit = perDb.get(key);
  if (hit && hit.revision === revision) return hit.calendar;
  const [stored, sessions] = await Promise.all([readSchedules(db, provinceCode), readSessions(db, provinceCode)]);
  const calendar = buildWorkCalendar(provinceCode, stored, sessions);
  perDb.set(key, { revision, calendar });
  return calendar;
}

/** Drop this process's cached calendars of `db` (the revision check makes this an optimisation). */
export function invalidateCalendarCache(db: Db): void {
  cache.delete(db);
}

// ---------------------------------------------------------------- provinces

/** The deployment's province: the admin unit code of the root agency (null when there is none). */
export async function deploymentProvince(ex: Executor): Promise<string | null> {
  return (await rootAgency(ex))?.admin_unit_code ?? null;
}

/** The root agency of the actor's agency tree. */
async function rootAgencyOf(ex: Executor, actor: Actor) {
  if (actor.kind !== 'officer') return undefined;
  const rootId = actor.agencyPath.split('/').find((p) => p !== '');
  if (!rootId) return undefined;
  return (await agenciesById(ex, [rootId]))[0];
}

const noProvinceCode = () =>
  new Problem('not_found', {
    detail: {
      vi: 'Cơ quan cấp tỉnh chưa có mã đơn vị hành chính',
      en: 'The province agency has no administrative unit code',
    },
  });

/** Province whose calendar an administrator reads: the root of their agency tree. */
export async function provinceOfActor(ex: Executor, actor: Actor): Promise<string> {
  const root = await rootAgencyOf(ex, actor);
  if (!root) throw new Problem('forbidden');
  if (!root.admin_unit_code) throw noProvinceCode();
  return root.admin_unit_code;
}

/** Only an administrator of the province agency itself edits the province's calendar. */
export async function requireProvinceAdmin(ex: Executor, actor: Actor): Promise<string> {
  const root = await rootAgencyOf(ex, actor);
  // Core's one test (the root agency is the province: migration 0001's CHECK on agencies).
  if (!root || !isProvinceAdministrator(actor)) {
    throw new Problem('forbidden', {
      detail: {
        vi: 'Chỉ quản trị viên cấp tỉnh được sửa lịch làm việc',
        en: 'Only a province administrator may edit the working calendar',
      },
    });
  }
  if (!root.admin_unit_code) throw noProvinceCode();
  return root.admin_unit_code;
}

// ---------------------------------------------------------------- views

function entryView(e: ScheduleEntry) {
  return { date: e.date, kind: e.kind, nameVi: e.name_vi, nameEn: e.name_en, source: e.source, confirmed: e.confirmed };
}

/** The schedule in force for `year` in `province`, and where it comes from. */
export async function getYearSchedule(ex: Executor, province: string, year: number): Promise<YearScheduleViewT> {
  const stored = await readSchedules(ex, province, year);
  const own = stored.find((s) => s.province === province);
  const national = stored.find((s) => s.province === null);
  const db = own ?? national;
  if (db) {
    return {
      province,
      year,
      origin: own ? 'province' : 'national',
      complete: db.complete,
      nationalDayExtra: db.nationalDayExtra ?? null,
      source: db.source,
      entries: db.entries.map(entryView),
      updatedAt: db.updatedAt.toISOString(),
    };
  }
  const shipped = announcedSchedules.filter((s) => s.year === year && (s.province === null || s.province === province));
  if (shipped.length === 0) {
    return {
      province,
      year,
      origin: 'none',
      complete: false,
      nationalDayExtra: null,
      source: null,
      entries: [],
      updatedAt: null,
    };
  }
  // Several shipped schedules of a year merge as core merges them: later ones win on a date.
  const byDate = new Map<string, ScheduleEntry>();
  for (const s of [...shipped.filter((s) => s.province === null), ...shipped.filter((s) => s.province !== null)]) {
    for (const e of s.entries) byDate.set(e.date, e);
  }
  let nationalDayExtra: 'before' | 'after' | null = null;
  for (const s of shipped) nationalDayExtra = s.nationalDayExtra ?? nationalDayExtra;
  return {
    province,
    year,
    origin: 'shipped',
    complete: shipped.some((s) => s.complete),
    nationalDayExtra,
    source: shipped.map((s) => s.source).join('; '),
    entries: [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date)).map(entryView),
    updatedAt: null,
  };
}

export async function getWorkingHours(ex: Executor, province: string | null): Promise<WorkingHoursViewT> {
  const stored = await readSessions(ex, province);
  const sessions = stored ?? DEFAULT_SESSIONS.map((s) => ({ ...s }));
  return {
    province,
    origin: stored ? 'database' : 'default',
    sessions,
    workingDayMinutes: new WorkCalendar({ sessions }).workingDayMs / 60_000,
  };
}

// ---------------------------------------------------------------- commands

/** Checks zod cannot make without the year: every date inside the year, one entry per date. */
function scheduleErrors(
  year: number,
  entries: readonly ScheduleEntryInput[],
  at: string,
  lang: 'vi' | 'en',
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (Number(e.date.slice(0, 4)) !== year) {
      errors.push(
        fieldError(`${at}.entries.${i}.date`, 'custom', lang, {
          vi: `Ngày phải thuộc năm ${year}`,
          en: `The date must lie in ${year}`,
        }),
      );
    }
    if (seen.has(e.date)) {
      errors.push(
        fieldError(`${at}.entries.${i}.date`, 'custom', lang, {
          vi: 'Trùng ngày với một mục khác',
          en: 'Another entry has the same date',
        }),
      );
    }
    seen.add(e.date);
  });
  return errors;
}

function invalid(errors: FieldError[]): Problem {
  return new Problem('validation_failed', { errors });
}

/** Serialises calendar writes (row lock until commit) and tells every process its cache is stale. */
async function bumpRevision(tx: Tx): Promise<string> {
  const row = await tx
    .updateTable('calendar_revision')
    .set({ revision: sql`revision + 1` })
    .where('id', '=', 1)
    .returning('revision')
    .executeTakeFirstOrThrow();
  return row.revision;
}

async function writeYear(
  tx: Tx,
  province: string,
  year: number,
  input: YearScheduleInput,
  by: string | null,
): Promise<void> {
  const existing = await tx
    .selectFrom('calendar_schedules')
    .select('id')
    .where('province', '=', province)
    .where('year', '=', year)
    .executeTakeFirst();
  const values = {
    complete: input.complete,
    national_day_extra: input.nationalDayExtra ?? null,
    source: input.source ?? null,
    updated_by: by,
  };
  let id: string;
  if (existing) {
    id = existing.id;
    await tx
      .updateTable('calendar_schedules')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await tx.deleteFrom('calendar_schedule_entries').where('schedule_id', '=', id).execute();
  } else {
    ({ id } = await tx
      .insertInto('calendar_schedules')
      .values({ province, year, ...values })
      .returning('id')
      .executeTakeFirstOrThrow());
  }
  if (input.entries.length > 0) {
    await tx
      .insertInto('calendar_schedule_entries')
      .values(
        input.entries.map((e) => ({
          schedule_id: id,
          date: e.date,
          kind: e.kind,
          name_vi: e.nameVi,
          name_en: e.nameEn,
          source: e.source,
          confirmed: e.confirmed,
        })),
      )
      .execute();
  }
}

async function recordCalendarChange(
  tx: Tx,
  ctx: CommandContext,
  action: string,
  province: string,
  revision: string,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(tx, {
    ...auditFields(ctx),
    action,
    targetType: 'calendar',
    targetId: province,
    result: 'ok',
    details: { ...details, revision },
  });
  await enqueue(tx, {
    topic: 'calendar.changed',
    aggregateType: 'calendar',
    aggregateId: province,
    payload: { province, action, revision, ...details },
  });
}

/** PUT /calendar/schedules/:year — the province's schedule for the year, replaced as a whole. */
export async function replaceYearSchedule(
  db: Db,
  year: number,
  input: YearScheduleInput,
  ctx: CommandContext,
  lang: 'vi' | 'en' = 'vi',
): Promise<YearScheduleViewT> {
  const view = await db.transaction().execute(async (tx) => {
    const province = await requireProvinceAdmin(tx, ctx.actor);
    const errors = scheduleErrors(year, input.entries, 'body', lang);
    if (errors.length) throw invalid(errors);
    const revision = await bumpRevision(tx);
    await writeYear(tx, province, year, input, actorUserId(ctx.actor));
    await recordCalendarChange(tx, ctx, 'calendar.schedule.replace', province, revision, {
      years: [year],
      complete: input.complete,
      entries: input.entries.length,
    });
    return getYearSchedule(tx, province, year);
  });
  invalidateCalendarCache(db);
  return view;
}

/** POST /calendar/schedules/import — several years at once, each replaced as a whole; all or nothing. */
export async function importSchedules(
  db: Db,
  input: ImportInput,
  ctx: CommandContext,
  lang: 'vi' | 'en' = 'vi',
): Promise<YearScheduleViewT[]> {
  const views = await db.transaction().execute(async (tx) => {
    const province = await requireProvinceAdmin(tx, ctx.actor);
    const errors: FieldError[] = [];
    const years = new Set<number>();
    input.forEach((s, i) => {
      if (years.has(s.year)) {
        errors.push(fieldError(`body.${i}.year`, 'custom', lang, { vi: 'Năm bị lặp lại', en: 'Year given twice' }));
      }
      years.add(s.year);
      errors.push(...scheduleErrors(s.year, s.entries, `body.${i}`, lang));
    });
    if (errors.length) throw invalid(errors);
    const revision = await bumpRevision(tx);
    for (const s of input) await writeYear(tx, province, s.year, s, actorUserId(ctx.actor));
    const sorted = [...years].sort((a, b) => a - b);
    await recordCalendarChange(tx, ctx, 'calendar.schedule.import', province, revision, {
      years: sorted,
      entries: input.reduce((n, s) => n + s.entries.length, 0),
    });
    return Promise.all(sorted.map((y) => getYearSchedule(tx, province, y)));
  });
  invalidateCalendarCache(db);
  return views;
}

/** DELETE /calendar/schedules/:year — drop the province's rows: the shipped schedule applies again. */
export async function revertYearSchedule(db: Db, year: number, ctx: CommandContext): Promise<YearScheduleViewT> {
  const view = await db.transaction().execute(async (tx) => {
    const province = await requireProvinceAdmin(tx, ctx.actor);
    const revision = await bumpRevision(tx);
    const gone = await tx
      .deleteFrom('calendar_schedules')
      .where('province', '=', province)
      .where('year', '=', year)
      .returning('id')
      .executeTakeFirst();
    if (!gone) {
      throw new Problem('not_found', {
        detail: { vi: `Tỉnh chưa có lịch riêng cho năm ${year}`, en: `The province has no own schedule for ${year}` },
      });
    }
    await recordCalendarChange(tx, ctx, 'calendar.schedule.revert', province, revision, { years: [year] });
    return getYearSchedule(tx, province, year);
  });
  invalidateCalendarCache(db);
  return view;
}

/** PUT /calendar/working-hours — the province's office sessions. */
export async function setWorkingHours(db: Db, sessions: Session[], ctx: CommandContext): Promise<WorkingHoursViewT> {
  try {
    new WorkCalendar({ sessions });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new Problem('validation_failed', {
      detail: {
        vi: 'Các ca làm việc phải có giờ bắt đầu trước giờ kết thúc, theo thứ tự và không chồng nhau',
        en: 'Sessions must start before they end, be sorted and not overlap',
      },
    });
  }
  const view = await db.transaction().execute(async (tx) => {
    const province = await requireProvinceAdmin(tx, ctx.actor);
    const revision = await bumpRevision(tx);
    const value = JSON.stringify(sessions.map((s) => ({ start: s.start, end: s.end })));
    await tx
      .insertInto('calendar_working_hours')
      .values({ province, sessions: value, updated_by: actorUserId(ctx.actor) })
      .onConflict((oc) =>
        oc
          .column('province')
          .doUpdateSet({ sessions: value, updated_at: new Date(), updated_by: actorUserId(ctx.actor) }),
      )
      .execute();
    await recordCalendarChange(tx, ctx, 'calendar.working_hours.set', province, revision, { sessions });
    return getWorkingHours(tx, province);
  });
  invalidateCalendarCache(db);
  return view;
}
