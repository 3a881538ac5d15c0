// Calendar dates as ISO strings ("2026-11-30"): comparable as strings, free of time zones,
// and identical in Apps Script and Node. Arithmetic goes through day numbers (days since 1970-01-01).

export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  const m = ISO.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
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

export function toDayNumber(date: IsoDate): number {
  const [y, m, d] = parts(date);
  return Math.round(Date.UTC(y, m - 1, d) / 86400000);
}

export function fromDayNumber(n: number): IsoDate {
  const dt = new Date(n * 86400000);
  return iso(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
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
