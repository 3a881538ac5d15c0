// Service periods: computed from an anchor (period k starts at anchor + k × length months,
// clamped to month end), never by stepping from the previous period's end.
import { D, type Decimal } from './money';
import { addDays, addMonthsClamped, daysInclusive, maxDate, minDate, monthDiff, type IsoDate } from './dates';
import type { BillingPeriod } from './model';

export const PERIOD_MONTHS: Record<BillingPeriod, number> = { monthly: 1, quarterly: 3, semiannual: 6, annual: 12 };

/** Calendar alignment: periods start on the 1st of January and every `months` after it. */
export const CALENDAR_ANCHOR = '2000-01-01';

export interface Period {
  start: IsoDate;
  end: IsoDate;
}

export function periodAt(anchor: IsoDate, months: number, k: number): Period {
  const key = `${anchor}|${months}|${k}`;
  let p = periodCache.get(key);
  if (!p) {
    p = Object.freeze({ start: addMonthsClamped(anchor, k * months), end: addDays(addMonthsClamped(anchor, (k + 1) * months), -1) });
    if (periodCache.size >= 50000) periodCache.clear();
    periodCache.set(key, p);
  }
  return p;
}

/** Periods are asked for again and again (every calendar-aligned item shares them). */
const periodCache = new Map<string, Period>();

/** Index of the period that contains `date`. */
export function periodIndex(anchor: IsoDate, months: number, date: IsoDate): number {
  let k = Math.floor(monthDiff(anchor, date) / months);
  while (periodAt(anchor, months, k).start > date) k--;
  while (periodAt(anchor, months, k).end < date) k++;
  return k;
}

/** A stretch of service to bill: inside one period, with its share of that whole period. */
export interface Piece {
  start: IsoDate;
  end: IsoDate;
  period: Period;
  /** Days served / days of the whole period, 6 decimals, as shown on the line (1 for a full period or without proration). */
  factor: Decimal;
  /** The same ratio unrounded: what the net is computed with (16/30 of 30000.00 is 16000.00, not 15999.99). */
  exact: Decimal;
}

export interface PieceQuery {
  anchor: IsoDate;
  months: number;
  timing: 'advance' | 'arrears';
  /** First day of service (item start, else subscription start); undefined = open. */
  serviceStart?: IsoDate;
  /** Last day of service; undefined = open-ended. */
  serviceEnd?: IsoDate;
  /** Last day already billed on a finalized invoice. */
  billedUntil?: IsoDate;
  runStart: IsoDate;
  runEnd: IsoDate;
  prorate: boolean;
}

/** Periods beyond this in one run mean a data problem (e.g. a start date decades ago). */
const MAX_PERIODS = 240;

export const FACTOR_DECIMALS = 6;

export function prorationFactor(start: IsoDate, end: IsoDate, period: Period): Decimal {
  return exactFactor(start, end, period).toDecimalPlaces(FACTOR_DECIMALS);
}

function exactFactor(start: IsoDate, end: IsoDate, period: Period): Decimal {
  if (start === period.start && end === period.end) return ONE;
  return new D(daysInclusive(start, end)).div(daysInclusive(period.start, period.end));
}

const ONE = new D(1);

/**
 * The not-yet-billed pieces due in a run.
 * In advance: a piece is due once its period has started by the run's end (and the piece itself
 * starts by then). In arrears: once the piece has ended by the run's end. Earlier periods not yet
 * billed are caught up. Without any start date only the periods due in the run itself are billed.
 */
export function duePieces(q: PieceQuery): Piece[] {
  let lower = q.billedUntil ? addDays(q.billedUntil, 1) : q.serviceStart;
  if (lower && q.serviceStart && lower < q.serviceStart) lower = q.serviceStart;
  let k: number;
  if (lower) k = periodIndex(q.anchor, q.months, lower);
  else {
    k = periodIndex(q.anchor, q.months, q.runStart);
    if (q.timing === 'advance' && periodAt(q.anchor, q.months, k).start < q.runStart) k++;
  }
  const out: Piece[] = [];
  for (let n = 0; n < MAX_PERIODS; n++, k++) {
    const period = periodAt(q.anchor, q.months, k);
    if (period.start > q.runEnd) break;
    if (q.serviceEnd && period.start > q.serviceEnd) break;
    const start = lower ? maxDate(period.start, lower) : period.start;
    const end = q.serviceEnd ? minDate(period.end, q.serviceEnd) : period.end;
    if (start > end) continue;
    if (q.timing === 'advance' ? start > q.runEnd : end > q.runEnd) break;
    const exact = q.prorate ? exactFactor(start, end, period) : ONE;
    out.push({ start, end, period, factor: new D(exact.toDecimalPlaces(FACTOR_DECIMALS)), exact });
  }
  return out;
}
