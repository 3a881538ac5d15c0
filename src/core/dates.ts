// Calendar dates as ISO strings ("2026-11-30"): comparable as strings, free of time zones,
// and identical in Apps Script and Node. Arithmetic goes through day numbers (days since 1970-01-01).

export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  if (!ISO.test(s)) return false;
  const [y, mo, d] = parts(s);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export function parts(date: IsoDate): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

export function iso(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return MONTH_DAYS[m - 1];
}

/** Days since 1970-01-01 (proleptic Gregorian), by integer arithmetic: no Date objects in hot loops. */
export function toDayNumber(date: IsoDate): number {
  const [y0, m, d] = parts(date);
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

export function fromDayNumber(n: number): IsoDate {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return iso(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Days from a to b inclusive (a ≤ b gives ≥ 1). */
export function daysInclusive(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a) + 1;
}

/**
 * The date `months` after `anchor`, on the anchor's day clamped to the month's last day.
 * Always computed from the anchor, never from a previous result, so Jan 31 → Feb 28 → Mar 31.
 */
export function addMonthsClamped(anchor: IsoDate, months: number): IsoDate {
  const [y, m, d] = parts(anchor);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = index - ny * 12 + 1;
  return iso(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** Whole months from a's month to b's month (ignores days). */
export function monthDiff(a: IsoDate, b: IsoDate): number {
  const [ay, am] = parts(a);
  const [by, bm] = parts(b);
  return (by - ay) * 12 + (bm - am);
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a < b ? a : b;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a > b ? a : b;
}

export function firstOfMonth(date: IsoDate): IsoDate {
  return date.slice(0, 8) + '01';
}

export function lastOfMonth(date: IsoDate): IsoDate {
  const [y, m] = parts(date);
  return iso(y, m, daysInMonth(y, m));
}

/** "2026-11" → first and last day of that month. */
export function monthRange(month: string): { start: IsoDate; end: IsoDate } {
  const start = `${month}-01`;
  if (!isIsoDate(start)) throw new Error(`"${month}" is not a month in the form YYYY-MM`);
  return { start, end: lastOfMonth(start) };
}

/** Sheets/Excel date serial (1 = 1899-12-31; 25569 = 1970-01-01) to an ISO date. */
export function fromSerial(serial: number): IsoDate {
  return fromDayNumber(Math.floor(serial + 1e-9) - 25569);
}

export function toSerial(date: IsoDate): number {
  return toDayNumber(date) + 25569;
}
