/**
 * Vietnamese lunar calendar (âm lịch), Hồ Ngọc Đức's astronomical algorithm
 * (new moons and solar terms after Jean Meeus, "Astronomical Algorithms").
 *
 * Computed at UTC+7, not the Chinese UTC+8: the two calendars differ when a new
 * moon or solar term falls between 23:00 and 24:00 Beijing time, e.g. Tết 1985
 * (VN 1985-01-21, CN 1985-02-20) and Tết 2007 (VN 2007-02-17, CN 2007-02-18).
 * Verified by tests for 1900–2100.
 */

/** Asia/Ho_Chi_Minh offset in hours. */
const TIME_ZONE = 7;
const PI = Math.PI;
const INT = Math.floor;

export interface LunarDate {
  year: number;
  month: number;
  day: number;
  /** true in a leap month (tháng nhuận). */
  leap: boolean;
}

export interface SolarDate {
  year: number;
  month: number;
  day: number;
}

/** Julian day number of a Gregorian (Julian before 1582-10-15) date. */
export function jdFromDate(dd: number, mm: number, yy: number): number {
  const a = INT((14 - mm) / 12);
  const y = yy + 4800 - a;
  const m = mm + 12 * a - 3;
  let jd = dd + INT((153 * m + 2) / 5) + 365 * y + INT(y / 4) - INT(y / 100) + INT(y / 400) - 32045;
  if (jd < 2299161) jd = dd + INT((153 * m + 2) / 5) + 365 * y + INT(y / 4) - 32083;
  return jd;
}

export function jdToDate(jd: number): SolarDate {
  let b: number;
  let c: number;
  if (jd > 2299160) {
    const a = jd + 32044;
    b = INT((4 * a + 3) / 146097);
    c = a - INT((b * 146097) / 4);
  } else {
    b = 0;
    c = jd + 32082;
  }
  const d = INT((4 * c + 3) / 1461);
  const e = c - INT((1461 * d) / 4);
  const m = INT((5 * e + 2) / 153);
  return {
    day: e - INT((153 * m + 2) / 5) + 1,
    month: m + 3 - 12 * INT(m / 10),
    year: b * 100 + d - 4800 + INT(m / 10),
  };
}

/** Julian date (fractional, UT) of the k-th new moon after 1900-01-01 (Meeus ch. 49, shortened). */
function newMoon(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  const dr = PI / 180;
  let jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd1 += 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3;
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3;
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3;
  let c1 = (0.1734 - 0.000393 * T) * Math.sin(M * dr) + 0.0021 * Math.sin(2 * dr * M);
  c1 = c1 - 0.4068 * Math.sin(Mpr * dr) + 0.0161 * Math.sin(dr * 2 * Mpr);
  c1 = c1 - 0.0004 * Math.sin(dr * 3 * Mpr);
  c1 = c1 + 0.0104 * Math.sin(dr * 2 * F) - 0.0051 * Math.sin(dr * (M + Mpr));
  c1 = c1 - 0.0074 * Math.sin(dr * (M - Mpr)) + 0.0004 * Math.sin(dr * (2 * F + M));
  c1 = c1 - 0.0004 * Math.sin(dr * (2 * F - M)) - 0.0006 * Math.sin(dr * (2 * F + Mpr));
  c1 = c1 + 0.001 * Math.sin(dr * (2 * F - Mpr)) + 0.0005 * Math.sin(dr * (2 * Mpr + M));
  const deltaT =
    T < -11
      ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3
      : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd1 + c1 - deltaT;
}

/** Sun's apparent longitude in radians, 0..2π, at Julian date jdn (UT). */
function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525;
  const T2 = T * T;
  const dr = PI / 180;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
  let DL = (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(dr * M);
  DL += (0.019993 - 0.000101 * T) * Math.sin(dr * 2 * M) + 0.00029 * Math.sin(dr * 3 * M);
  let L = (L0 + DL) * dr;
  L -= PI * 2 * INT(L / (PI * 2));
  return L;
}

/** Local day number (JDN) of the k-th new moon. */
export function getNewMoonDay(k: number, timeZone = TIME_ZONE): number {
  return INT(newMoon(k) + 0.5 + timeZone / 24);
}

/** Solar-term sector 0..11 (30° each) of the sun at local midnight starting day jdn. */
export function getSunLongitude(jdn: number, timeZone = TIME_ZONE): number {
  return INT((sunLongitude(jdn - 0.5 - timeZone / 24) / PI) * 6);
}

/** JDN of the first day of lunar month 11 (the month containing the winter solstice) of year yy. */
export function getLunarMonth11(yy: number, timeZone = TIME_ZONE): number {
  const off = jdFromDate(31, 12, yy) - 2415021;
  const k = INT(off / 29.530588853);
  let nm = getNewMoonDay(k, timeZone);
  if (getSunLongitude(nm, timeZone) >= 9) nm = getNewMoonDay(k - 1, timeZone);
  return nm;
}

/** Offset (from month 11 at a11) of the leap month: the first month without a major solar term. */
export function getLeapMonthOffset(a11: number, timeZone = TIME_ZONE): number {
  const k = INT((a11 - 2415021.076998695) / 29.530588853 + 0.5);
  let last: number;
  let i = 1;
  let arc = getSunLongitude(getNewMoonDay(k + i, timeZone), timeZone);
  do {
    last = arc;
    i++;
    arc = getSunLongitude(getNewMoonDay(k + i, timeZone), timeZone);
  } while (arc !== last && i < 14);
  return i - 1;
}

export function convertSolar2Lunar(dd: number, mm: number, yy: number, timeZone = TIME_ZONE): LunarDate {
  const dayNumber = jdFromDate(dd, mm, yy);
  let k = INT((dayNumber - 2415021.076998695) / 29.530588853) + 1;
  let monthStart = getNewMoonDay(k, timeZone);
  // The published code steps back once; twice is needed when the mean-lunation
  // estimate overshoots (2054-05-07 and 2062-04-09 would otherwise be day 0).
  while (monthStart > dayNumber) monthStart = getNewMoonDay(--k, timeZone);
  let a11 = getLunarMonth11(yy, timeZone);
  let b11 = a11;
  let lunarYear: number;
  if (a11 >= monthStart) {
    lunarYear = yy;
    a11 = getLunarMonth11(yy - 1, timeZone);
  } else {
    lunarYear = yy + 1;
    b11 = getLunarMonth11(yy + 1, timeZone);
  }
  const lunarDay = dayNumber - monthStart + 1;
  const diff = INT((monthStart - a11) / 29);
  let leap = false;
  let lunarMonth = diff + 11;
  if (b11 - a11 > 365) {
    const leapMonthDiff = getLeapMonthOffset(a11, timeZone);
    if (diff >= leapMonthDiff) {
      lunarMonth = diff + 10;
      if (diff === leapMonthDiff) leap = true;
    }
  }
  if (lunarMonth > 12) lunarMonth -= 12;
  if (lunarMonth >= 11 && diff < 4) lunarYear -= 1;
  return { year: lunarYear, month: lunarMonth, day: lunarDay, leap };
}

/** Returns null when the leap flag names a month that is not the leap month of that year. */
export function convertLunar2Solar(
  lunarDay: number,
  lunarMonth: number,
  lunarYear: number,
  leap: boolean,
  timeZone = TIME_ZONE,
): SolarDate | null {
  let a11: number;
  let b11: number;
  if (lunarMonth < 11) {
    a11 = getLunarMonth11(lunarYear - 1, timeZone);
    b11 = getLunarMonth11(lunarYear, timeZone);
  } else {
    a11 = getLunarMonth11(lunarYear, timeZone);
    b11 = getLunarMonth11(lunarYear + 1, timeZone);
  }
  let off = lunarMonth - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const leapOff = getLeapMonthOffset(a11, timeZone);
    let leapMonth = leapOff - 2;
    if (leapMonth < 0) leapMonth += 12;
    if (leap && lunarMonth !== leapMonth) return null;
    if (leap || off >= leapOff) off += 1;
  } else if (leap) {
    return null;
  }
  const k = INT(0.5 + (a11 - 2415021.076998695) / 29.530588853);
  const monthStart = getNewMoonDay(k + off, timeZone);
  return jdToDate(monthStart + lunarDay - 1);
}

/** Lunar date (UTC+7) of a Gregorian date. */
export function solarToLunar(year: number, month: number, day: number): LunarDate {
  return convertSolar2Lunar(day, month, year, TIME_ZONE);
}

/**
 * Gregorian date of a lunar date. Throws RangeError when the lunar date does not
 * exist (day 30 of a 29-day month, or a leap flag on a non-leap month): the raw
 * algorithm would silently roll over into the next month.
 */
export function lunarToSolar(lunarYear: number, lunarMonth: number, lunarDay: number, leap = false): SolarDate {
  if (
    !Number.isInteger(lunarMonth) ||
    lunarMonth < 1 ||
    lunarMonth > 12 ||
    !Number.isInteger(lunarDay) ||
    lunarDay < 1 ||
    lunarDay > 30
  ) {
    throw new RangeError(`Invalid lunar date ${lunarDay}/${lunarMonth}/${lunarYear}`);
  }
  const solar = convertLunar2Solar(lunarDay, lunarMonth, lunarYear, leap, TIME_ZONE);
  if (solar) {
    const back = solarToLunar(solar.year, solar.month, solar.day);
    if (back.year === lunarYear && back.month === lunarMonth && back.day === lunarDay && back.leap === leap)
      return solar;
  }
  throw new RangeError(`Lunar date ${lunarDay}/${lunarMonth}${leap ? ' (leap)' : ''}/${lunarYear} does not exist`);
}
