import { type Kysely, sql } from 'kysely';

/**
 * Working calendar data edited by administrators (docs/calendar.md, "Administration").
 *
 * - calendar_schedules: one row per (province, year) whose announced schedule is kept in the
 *   database. It REPLACES the shipped schedule (`announcedSchedules` of @motcua/core) for that year;
 *   `complete` and `national_day_extra` have core's AnnouncedSchedule meaning. province is the
 *   province's mã đơn vị hành chính (agencies.admin_unit_code), NULL for a national schedule.
 * - calendar_schedule_entries: the schedule's days off / make-up working days.
 * - calendar_working_hours: office sessions per province (default 07:30–11:30, 13:30–17:00).
 * - calendar_revision: one row, bumped by every calendar write; processes compare it to decide
 *   whether their cached calendars are stale.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE calendar_schedules (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      province text,
      year integer NOT NULL CHECK (year BETWEEN 1900 AND 2100),
      complete boolean NOT NULL,
      national_day_extra text CHECK (national_day_extra IN ('before','after')),
      source text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid
    )`.execute(db);
  // One schedule per (province, year); NULL (national) counts as one value.
  await sql`CREATE UNIQUE INDEX calendar_schedules_key ON calendar_schedules (coalesce(province, ''), year)`.execute(
    db,
  );

  await sql`
    CREATE TABLE calendar_schedule_entries (
      schedule_id bigint NOT NULL REFERENCES calendar_schedules(id) ON DELETE CASCADE,
      date date NOT NULL,
      kind text NOT NULL CHECK (kind IN ('day_off','working_day')),
      name_vi text NOT NULL,
      name_en text NOT NULL,
      source text NOT NULL,
      confirmed boolean NOT NULL,
      PRIMARY KEY (schedule_id, date)
    )`.execute(db);

  await sql`
    CREATE TABLE calendar_working_hours (
      province text PRIMARY KEY,
      sessions jsonb NOT NULL CHECK (jsonb_typeof(sessions) = 'array' AND jsonb_array_length(sessions) > 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid
    )`.execute(db);

  await sql`
    CREATE TABLE calendar_revision (
      id integer PRIMARY KEY CHECK (id = 1),
      revision bigint NOT NULL
    )`.execute(db);
  await sql`INSERT INTO calendar_revision (id, revision) VALUES (1, 0)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
