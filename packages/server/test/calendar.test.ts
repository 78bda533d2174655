import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/database.ts';
import { loadWorkCalendar } from '../src/modules/calendar/calendar.service.ts';
import { formatLocalIso, parseMoment } from '../src/modules/calendar/calendar.time.ts';
import { count, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
let url: string;
beforeAll(async () => {
  ({ app, db, url } = await startTestApp());
});

const PROVINCE = '48'; // the demo province's administrative unit code

type DayOff = { date: string; nameVi: string; kind: string; source: string | null; confirmed: boolean | null };

async function holidays(year: number) {
  const r = await app.inject({ url: `/api/v1/calendar/holidays?year=${year}` });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { province: string; daysOff: DayOff[]; workingDays: { date: string; confirmed: boolean }[] };
}

async function due(from: string, limit: string) {
  const r = await app.inject({ url: `/api/v1/calendar/due?from=${encodeURIComponent(from)}&${limit}` });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { clockStart: string; due: string; limit: unknown };
}

async function calendarRows() {
  const s = await db
    .selectFrom('calendar_schedules')
    .select(db.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const e = await db
    .selectFrom('calendar_schedule_entries')
    .select(db.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const h = await db
    .selectFrom('calendar_working_hours')
    .select(db.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const r = await db.selectFrom('calendar_revision').select('revision').executeTakeFirstOrThrow();
  return {
    schedules: Number(s.n),
    entries: Number(e.n),
    hours: Number(h.n),
    revision: r.revision,
    outbox: await count(db, 'outbox'),
  };
}

const entry = (date: string, kind: 'day_off' | 'working_day', nameVi: string) => ({
  date,
  kind,
  nameVi,
  nameEn: `${nameVi} (en)`,
  source: 'Thông báo thử nghiệm',
  confirmed: true,
});

describe('+07:00 moments', () => {
  it('formats and parses with the fixed offset', () => {
    expect(formatLocalIso(Date.UTC(2026, 1, 23, 9, 30))).toBe('2026-02-23T16:30:00+07:00');
    expect(formatLocalIso(Date.UTC(2026, 1, 23, 17, 0, 0, 250))).toBe('2026-02-24T00:00:00.250+07:00');
    expect(parseMoment('2026-02-13T16:30:00+07:00')).toBe(Date.UTC(2026, 1, 13, 9, 30));
    expect(parseMoment('2026-02-13T09:30:00Z')).toBe(Date.UTC(2026, 1, 13, 9, 30));
    expect(parseMoment('2026-02-13T16:30')).toBe(Date.UTC(2026, 1, 13, 9, 30)); // no offset: local time
    expect(parseMoment('2026-02-13T16:30:00 07:00')).toBe(Date.UTC(2026, 1, 13, 9, 30)); // '+' eaten by a query string
    expect(parseMoment('2026-02-30T10:00:00+07:00')).toBeNull();
    expect(parseMoment('2026-02-13T24:30')).toBeNull();
    expect(parseMoment('yesterday')).toBeNull();
  });
});

describe('public calendar', () => {
  it('lists the 2026 days off: Tết 16/02–20/02, the announced nghỉ bù and the make-up Saturday', async () => {
    const h = await holidays(2026);
    expect(h.province).toBe(PROVINCE);
    const tet = h.daysOff.filter((d) => d.date >= '2026-02-16' && d.date <= '2026-02-20');
    expect(tet.map((d) => d.date)).toEqual(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']);
    expect(tet.every((d) => d.kind === 'statutory' && d.nameVi.startsWith('Tết Nguyên Đán'))).toBe(true);
    expect(h.daysOff.find((d) => d.date === '2026-04-27')).toMatchObject({ kind: 'announced', confirmed: true });
    expect(h.daysOff.find((d) => d.date === '2026-04-27')?.source).toContain('9441');
    expect(h.workingDays).toEqual([
      expect.objectContaining({ date: '2026-08-22', kind: 'working_day', confirmed: false }),
    ]);
  });

  it('computes due moments in working time, skipping weekends and Tết', async () => {
    expect(await due('2026-03-06T16:30:00+07:00', 'days=3')).toEqual({
      province: PROVINCE,
      clockStart: '2026-03-06T16:30:00+07:00',
      due: '2026-03-11T16:30:00+07:00',
      limit: { days: 3 },
    });
    // Friday before Tết, 16:30, 3 days → Wednesday 25/02 16:30.
    expect((await due('2026-02-13T16:30:00+07:00', 'days=3')).due).toBe('2026-02-25T16:30:00+07:00');
    // Lunch-time receipt: the clock starts at 13:30.
    expect(await due('2026-03-02T05:15:00Z', 'hours=4')).toMatchObject({
      clockStart: '2026-03-02T13:30:00+07:00',
      due: '2026-03-03T08:00:00+07:00',
      limit: { hours: 4 },
    });
    // An unencoded '+' arrives as a space and is still understood.
    const raw = await app.inject({ url: '/api/v1/calendar/due?from=2026-03-06T16:30:00+07:00&days=3' });
    expect(raw.json().due).toBe('2026-03-11T16:30:00+07:00');
  });

  it('rejects bad due queries with 400', async () => {
    for (const q of [
      'from=2026-02-30T10:00:00%2B07:00&days=1',
      'from=2026-03-02T10:00:00%2B07:00',
      'from=2026-03-02T10:00:00%2B07:00&days=1&hours=2',
      'from=2026-03-02T10:00:00%2B07:00&days=-1',
      'from=2100-12-31T10:00:00%2B07:00&days=100',
      'days=1',
      'from=2026-03-02&days=1&extra=1',
    ]) {
      const r = await app.inject({ url: `/api/v1/calendar/due?${q}` });
      expect(r.statusCode, q).toBe(400);
      expect(r.json().code, q).toBe('validation_failed');
    }
    const y = await app.inject({ url: '/api/v1/calendar/holidays?year=1800' });
    expect(y.statusCode).toBe(400);
  });

  it('serves the default office hours', async () => {
    const r = await app.inject({ url: '/api/v1/calendar/working-hours' });
    expect(r.json()).toEqual({
      province: PROVINCE,
      origin: 'default',
      sessions: [
        { start: '07:30', end: '11:30' },
        { start: '13:30', end: '17:00' },
      ],
      workingDayMinutes: 450,
    });
  });
});

describe('administrators edit the province calendar', () => {
  it('shows the schedule in force and its origin', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    const s2026 = await app.inject({ url: '/api/v1/calendar/schedules/2026', headers: admin.headers });
    expect(s2026.statusCode).toBe(200);
    expect(s2026.json()).toMatchObject({
      province: PROVINCE,
      year: 2026,
      origin: 'shipped',
      complete: true,
      nationalDayExtra: 'before',
    });
    expect(s2026.json().entries.map((e: { date: string }) => e.date)).toEqual([
      '2026-04-27',
      '2026-08-22',
      '2026-08-31',
    ]);
    const s2027 = await app.inject({ url: '/api/v1/calendar/schedules/2027', headers: admin.headers });
    expect(s2027.json()).toMatchObject({ origin: 'none', complete: false, entries: [] });
    // A commune administrator may read the province's schedule.
    const commune = await sessionFor(db, DEMO.communeAdmin);
    const read = await app.inject({ url: '/api/v1/calendar/schedules/2026', headers: commune.headers });
    expect(read.statusCode).toBe(200);
  });

  it('replacing 2027 changes holidays and due dates, with audit and outbox rows', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    // Statute + default nghỉ bù: Tết Fri 05/02–Tue 09/02/2027, nghỉ bù Wed 10/02 and Thu 11/02.
    const before = await holidays(2027);
    expect(before.daysOff.filter((d) => d.date.startsWith('2027-02')).map((d) => d.date)).toEqual([
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
    ]);
    expect((await due('2027-02-04T16:30:00+07:00', 'days=1')).due).toBe('2027-02-12T16:30:00+07:00');

    const rows = await calendarRows();
    const audit = await count(db, 'audit_log');
    // The announced arrangement (illustrative): nghỉ bù on Wed 10/02 and Fri 12/02, Thu 11/02 worked.
    const body = {
      complete: true,
      source: 'Thông báo thử nghiệm 2027',
      entries: [
        entry('2027-02-12', 'day_off', 'Nghỉ bù Tết Nguyên Đán (mùng 2)'),
        entry('2027-02-10', 'day_off', 'Nghỉ bù Tết Nguyên Đán (mùng 1)'),
        entry('2027-02-20', 'working_day', 'Làm bù cho ngày nghỉ 12/02/2027'),
      ],
    };
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/schedules/2027',
      headers: admin.headers,
      payload: body,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      province: PROVINCE,
      year: 2027,
      origin: 'province',
      complete: true,
      source: body.source,
    });
    expect(put.json().entries.map((e: { date: string }) => e.date)).toEqual(['2027-02-10', '2027-02-12', '2027-02-20']);

    const after = await holidays(2027);
    const feb = after.daysOff.filter((d) => d.date.startsWith('2027-02'));
    expect(feb.map((d) => d.date)).toEqual([
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-12',
    ]);
    expect(feb.find((d) => d.date === '2027-02-12')).toMatchObject({
      kind: 'announced',
      source: 'Thông báo thử nghiệm',
      confirmed: true,
    });
    // complete: the computed nghỉ bù for 1/5 (Sat) is gone too — the schedule states every one itself.
    expect(after.daysOff.some((d) => d.date === '2027-05-03')).toBe(false);
    expect(after.workingDays.map((d) => d.date)).toEqual(['2027-02-20']);
    // Thu 11/02 is now a working day; Sat 20/02 as well.
    expect((await due('2027-02-04T16:30:00+07:00', 'days=1')).due).toBe('2027-02-11T16:30:00+07:00');
    expect((await due('2027-02-19T16:30:00+07:00', 'days=1')).due).toBe('2027-02-20T16:30:00+07:00');

    const now = await calendarRows();
    expect(now).toMatchObject({ schedules: rows.schedules + 1, entries: rows.entries + 3, outbox: rows.outbox + 1 });
    expect(BigInt(now.revision)).toBe(BigInt(rows.revision) + 1n);
    expect(await count(db, 'audit_log')).toBe(audit + 1);
    const a = await db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(a).toMatchObject({
      action: 'calendar.schedule.replace',
      result: 'ok',
      target_type: 'calendar',
      target_id: PROVINCE,
    });
    const o = await db.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(o).toMatchObject({ topic: 'calendar.changed', aggregate_type: 'calendar', aggregate_id: PROVINCE });

    // Replacing again keeps one schedule row for the year.
    const again = await app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/schedules/2027',
      headers: admin.headers,
      payload: { complete: false, entries: [] },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ origin: 'province', complete: false, entries: [] });
    expect((await calendarRows()).schedules).toBe(rows.schedules + 1);
    expect((await due('2027-02-04T16:30:00+07:00', 'days=1')).due).toBe('2027-02-12T16:30:00+07:00');
  });

  it('a province schedule replaces the shipped one of its year, and DELETE reverts to it', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    // 2026 without the unconfirmed National Day swap: 31/08 is a working day, 22/08 is not.
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/schedules/2026',
      headers: admin.headers,
      payload: {
        complete: true,
        nationalDayExtra: 'before',
        entries: [entry('2026-04-27', 'day_off', 'Nghỉ bù Giỗ Tổ Hùng Vương')],
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    const h = await holidays(2026);
    expect(h.daysOff.some((d) => d.date === '2026-08-31')).toBe(false);
    expect(h.workingDays).toEqual([]);
    expect((await due('2026-08-21T09:00:00+07:00', 'days=1')).due).toBe('2026-08-24T09:00:00+07:00');

    const del = await app.inject({ method: 'DELETE', url: '/api/v1/calendar/schedules/2026', headers: admin.headers });
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json()).toMatchObject({ origin: 'shipped' });
    expect((await due('2026-08-21T09:00:00+07:00', 'days=1')).due).toBe('2026-08-22T09:00:00+07:00');
    const none = await app.inject({ method: 'DELETE', url: '/api/v1/calendar/schedules/2026', headers: admin.headers });
    expect(none.statusCode).toBe(404);
  });

  it('a commune administrator gets 403 and nothing is written', async () => {
    const commune = await sessionFor(db, DEMO.communeAdmin);
    const rows = await calendarRows();
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/schedules/2028',
      headers: commune.headers,
      payload: { complete: false, entries: [entry('2028-01-02', 'day_off', 'Nghỉ riêng của phường')] },
    });
    expect(put.statusCode).toBe(403);
    const imp = await app.inject({
      method: 'POST',
      url: '/api/v1/calendar/schedules/import',
      headers: commune.headers,
      payload: [{ year: 2028, complete: false, entries: [] }],
    });
    expect(imp.statusCode).toBe(403);
    const hours = await app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/working-hours',
      headers: commune.headers,
      payload: { sessions: [{ start: '08:00', end: '12:00' }] },
    });
    expect(hours.statusCode).toBe(403);
    const del = await app.inject({
      method: 'DELETE',
      url: '/api/v1/calendar/schedules/2027',
      headers: commune.headers,
    });
    expect(del.statusCode).toBe(403);
    expect(await calendarRows()).toEqual(rows);
    // Officers without the admin role are refused by the route's declaration.
    const officer = await sessionFor(db, DEMO.deptOfficer);
    const get = await app.inject({ url: '/api/v1/calendar/schedules/2026', headers: officer.headers });
    expect(get.statusCode).toBe(403);
  });

  it('rejects bad input with 400 and writes nothing', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    const rows = await calendarRows();
    const put = (year: string, payload: unknown) =>
      app.inject({
        method: 'PUT',
        url: `/api/v1/calendar/schedules/${year}`,
        headers: admin.headers,
        payload: payload as object,
      });
    const cases: [string, unknown][] = [
      ['2028', { complete: true, entries: [entry('2029-01-01', 'day_off', 'Sai năm')] }],
      [
        '2028',
        { complete: true, entries: [entry('2028-05-02', 'day_off', 'A'), entry('2028-05-02', 'working_day', 'B')] },
      ],
      ['2028', { complete: true, entries: [{ ...entry('2028-05-02', 'day_off', 'A'), kind: 'holiday' }] }],
      ['2028', { complete: true, entries: [entry('2028-02-30', 'day_off', 'Ngày không có')] }],
      ['2028', { complete: true, entries: [{ ...entry('2028-05-02', 'day_off', 'A'), extra: 1 }] }],
      ['2028', { complete: true, entries: [{ ...entry('2028-05-02', 'day_off', 'A'), source: '' }] }],
      ['2028', { complete: true, nationalDayExtra: 'sometime', entries: [] }],
      ['2028', { entries: [] }],
      ['1899', { complete: true, entries: [] }],
      ['abc', { complete: true, entries: [] }],
    ];
    for (const [year, payload] of cases) {
      const r = await put(year, payload);
      expect(r.statusCode, `${year} ${JSON.stringify(payload)} → ${r.body}`).toBe(400);
      expect(r.json().code).toBe('validation_failed');
    }
    const outside = await put('2028', { complete: true, entries: [entry('2029-01-01', 'day_off', 'Sai năm')] });
    expect(outside.json().errors[0]).toMatchObject({ path: 'body.entries.0.date' });

    const badImports: unknown[] = [
      [],
      { year: 2028, complete: true, entries: [] },
      [
        { year: 2028, complete: true, entries: [] },
        { year: 2028, complete: false, entries: [] },
      ],
      [
        { year: 2028, complete: true, entries: [] },
        { year: 2029, complete: true, entries: [entry('2028-12-31', 'day_off', 'Sai năm')] },
      ],
    ];
    for (const payload of badImports) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/calendar/schedules/import',
        headers: admin.headers,
        payload: payload as object,
      });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
    }
    for (const sessions of [
      [],
      [
        { start: '13:30', end: '17:00' },
        { start: '07:30', end: '11:30' },
      ],
      [
        { start: '07:30', end: '12:00' },
        { start: '11:30', end: '17:00' },
      ],
      [{ start: '17:00', end: '08:00' }],
      [{ start: '7:30', end: '11:30' }],
    ]) {
      const r = await app.inject({
        method: 'PUT',
        url: '/api/v1/calendar/working-hours',
        headers: admin.headers,
        payload: { sessions },
      });
      expect(r.statusCode, JSON.stringify(sessions)).toBe(400);
    }
    expect(await calendarRows()).toEqual(rows);
  });

  it('imports several years in one command', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    const rows = await calendarRows();
    const audit = await count(db, 'audit_log');
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/calendar/schedules/import',
      headers: admin.headers,
      payload: [
        { year: 2029, complete: false, entries: [entry('2029-01-02', 'day_off', 'Nghỉ thêm sau Tết Dương lịch')] },
        { year: 2028, complete: false, nationalDayExtra: 'after', entries: [] },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items.map((s: { year: number; origin: string }) => [s.year, s.origin])).toEqual([
      [2028, 'province'],
      [2029, 'province'],
    ]);
    expect((await holidays(2029)).daysOff.find((d) => d.date === '2029-01-02')).toMatchObject({ kind: 'announced' });
    // nationalDayExtra 'after': 2/9 and 3/9/2028 instead of 1/9 and 2/9.
    const sep = (await holidays(2028)).daysOff.filter((d) => d.date.startsWith('2028-09')).map((d) => d.date);
    expect(sep).toContain('2028-09-03');
    expect(sep).not.toContain('2028-09-01');
    const now = await calendarRows();
    expect(now).toMatchObject({ schedules: rows.schedules + 2, entries: rows.entries + 1, outbox: rows.outbox + 1 });
    expect(await count(db, 'audit_log')).toBe(audit + 1);
  });

  it('sets office hours; due moments follow', async () => {
    const admin = await sessionFor(db, DEMO.admin);
    const sessions = [
      { start: '07:00', end: '11:00' },
      { start: '13:00', end: '17:00' },
    ];
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/working-hours',
      headers: admin.headers,
      payload: { sessions },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ province: PROVINCE, origin: 'database', sessions, workingDayMinutes: 480 });
    // 8 h days: Mon 02/03/2026 12:15 → clock 13:00 → 4 h that afternoon + 4 h → Tue 03/03 11:00.
    expect(await due('2026-03-02T12:15:00+07:00', 'days=1')).toMatchObject({
      clockStart: '2026-03-02T13:00:00+07:00',
      due: '2026-03-03T11:00:00+07:00',
    });
    expect((await app.inject({ url: '/api/v1/calendar/holidays?year=2026' })).json().sessions).toEqual(sessions);
  });

  it('another process notices an edit through calendar_revision', async () => {
    const other = createDb(url, 2); // a second pool stands for a second server process
    try {
      const admin = await sessionFor(db, DEMO.admin);
      const before = await loadWorkCalendar(other, PROVINCE);
      expect(await loadWorkCalendar(other, PROVINCE)).toBe(before); // cached while nothing changes
      expect(before.isWorkingDay('2030-03-04')).toBe(true);
      const put = await app.inject({
        method: 'PUT',
        url: '/api/v1/calendar/schedules/2030',
        headers: admin.headers,
        payload: { complete: false, entries: [entry('2030-03-04', 'day_off', 'Nghỉ đột xuất')] },
      });
      expect(put.statusCode).toBe(200);
      const after = await loadWorkCalendar(other, PROVINCE);
      expect(after).not.toBe(before);
      expect(after.isWorkingDay('2030-03-04')).toBe(false);
    } finally {
      await other.destroy();
    }
  });
});
