import { CALENDAR_ANCHOR, PERIOD_MONTHS, duePieces, periodAt, periodIndex, prorationFactor, type Piece, type PieceQuery } from '../../src/core/periods';

const CAL = CALENDAR_ANCHOR;
/** Pieces as compact [start, end, factor] triples. */
const show = (pieces: Piece[]) => pieces.map((p) => [p.start, p.end, p.factor.toFixed(6)]);
const due = (q: Partial<PieceQuery> & Pick<PieceQuery, 'runStart' | 'runEnd'>) => duePieces({ anchor: CAL, months: 1, timing: 'advance', prorate: true, ...q });

describe('PERIOD_MONTHS', () => {
  it('maps billing periods to months', () => {
    expect(PERIOD_MONTHS).toEqual({ monthly: 1, quarterly: 3, semiannual: 6, annual: 12 });
  });
});

describe('periodAt and periodIndex', () => {
  it('calendar anchor: months, quarters, halves and years start on the 1st', () => {
    const k = periodIndex(CAL, 1, '2026-02-14');
    expect(periodAt(CAL, 1, k)).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(periodAt(CAL, 3, periodIndex(CAL, 3, '2026-11-15'))).toEqual({ start: '2026-10-01', end: '2026-12-31' });
    expect(periodAt(CAL, 6, periodIndex(CAL, 6, '2026-11-15'))).toEqual({ start: '2026-07-01', end: '2026-12-31' });
    expect(periodAt(CAL, 12, periodIndex(CAL, 12, '2028-02-29'))).toEqual({ start: '2028-01-01', end: '2028-12-31' });
  });

  it('a start anchor on the 31st clamps to month ends and returns to the 31st', () => {
    const a = '2026-01-31';
    expect([0, 1, 2, 3].map((k) => periodAt(a, 1, k))).toEqual([
      { start: '2026-01-31', end: '2026-02-27' },
      { start: '2026-02-28', end: '2026-03-30' },
      { start: '2026-03-31', end: '2026-04-29' },
      { start: '2026-04-30', end: '2026-05-30' },
    ]);
    expect(periodAt('2028-01-31', 1, 1)).toEqual({ start: '2028-02-29', end: '2028-03-30' });
    expect(periodAt(a, 3, 1)).toEqual({ start: '2026-04-30', end: '2026-07-30' });
    expect(periodAt(a, 1, -1)).toEqual({ start: '2025-12-31', end: '2026-01-30' });
  });

  it('periodIndex finds the period containing a date, at its first and last day', () => {
    const a = '2026-01-31';
    expect(periodIndex(a, 1, '2026-01-31')).toBe(0);
    expect(periodIndex(a, 1, '2026-02-27')).toBe(0);
    expect(periodIndex(a, 1, '2026-02-28')).toBe(1);
    expect(periodIndex(a, 1, '2026-03-30')).toBe(1);
    expect(periodIndex(a, 1, '2026-03-31')).toBe(2);
    expect(periodIndex(a, 1, '2026-01-30')).toBe(-1);
    expect(periodIndex(a, 12, '2027-01-30')).toBe(0);
    expect(periodIndex(a, 12, '2027-01-31')).toBe(1);
  });

  it('periods of any anchor tile the calendar: each starts the day after the previous ends', () => {
    for (const anchor of ['2026-01-31', '2026-02-28', '2026-03-30', CAL, '2024-02-29']) {
      for (const months of [1, 3, 6, 12]) {
        for (let k = -3; k < 30; k++) {
          const p = periodAt(anchor, months, k);
          const next = periodAt(anchor, months, k + 1);
          expect(p.start <= p.end).toBe(true);
          const dayAfter = new Date(Date.parse(p.end) + 86400000).toISOString().slice(0, 10);
          expect(next.start).toBe(dayAfter);
          expect(periodIndex(anchor, months, p.start)).toBe(k);
          expect(periodIndex(anchor, months, p.end)).toBe(k);
        }
      }
    }
  });
});

describe('prorationFactor', () => {
  it('is exactly 1 for a whole period', () => {
    expect(prorationFactor('2026-02-01', '2026-02-28', { start: '2026-02-01', end: '2026-02-28' }).toString()).toBe('1');
  });

  it('divides by the days of the whole period, rounded to 6 decimals', () => {
    const nov = { start: '2026-11-01', end: '2026-11-30' };
    expect(prorationFactor('2026-11-15', '2026-11-30', nov).toFixed(6)).toBe('0.533333');
    expect(prorationFactor('2026-11-01', '2026-11-20', nov).toFixed(6)).toBe('0.666667');
    expect(prorationFactor('2026-11-30', '2026-11-30', nov).toFixed(6)).toBe('0.033333');
    const feb = { start: '2028-02-01', end: '2028-02-29' };
    expect(prorationFactor('2028-02-15', '2028-02-29', feb).toFixed(6)).toBe('0.517241');
  });
});

describe('duePieces: advance vs arrears', () => {
  it('advance bills the month that starts in the run', () => {
    expect(show(due({ serviceStart: '2026-11-01', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-01', '2026-11-30', '1.000000']]);
  });

  it('advance quarterly bills the whole quarter when it starts, nothing in its later months', () => {
    const q = { months: 3, serviceStart: '2026-01-01', billedUntil: '2026-09-30' };
    expect(show(due({ ...q, runStart: '2026-10-01', runEnd: '2026-10-31' }))).toEqual([['2026-10-01', '2026-12-31', '1.000000']]);
    expect(due({ ...q, billedUntil: '2026-12-31', runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
  });

  it('arrears bills a period only once it has ended by the run end', () => {
    const q = { months: 3, timing: 'arrears' as const, serviceStart: '2026-01-01', billedUntil: '2026-09-30' };
    expect(due({ ...q, runStart: '2026-10-01', runEnd: '2026-10-31' })).toEqual([]);
    expect(due({ ...q, runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
    expect(show(due({ ...q, runStart: '2026-12-01', runEnd: '2026-12-31' }))).toEqual([['2026-10-01', '2026-12-31', '1.000000']]);
  });

  it('monthly arrears bills the month ending in the run', () => {
    expect(show(due({ timing: 'arrears', serviceStart: '2026-10-01', billedUntil: '2026-10-31', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-01', '2026-11-30', '1.000000']]);
  });

  it('semiannual and annual periods', () => {
    expect(show(due({ months: 6, serviceStart: '2026-07-01', runStart: '2026-07-01', runEnd: '2026-07-31' }))).toEqual([['2026-07-01', '2026-12-31', '1.000000']]);
    expect(show(due({ months: 12, serviceStart: '2026-01-01', runStart: '2026-01-01', runEnd: '2026-01-31' }))).toEqual([['2026-01-01', '2026-12-31', '1.000000']]);
  });
});

describe('duePieces: proration', () => {
  it('a mid-month start is prorated by days served / days of the whole month', () => {
    expect(show(due({ serviceStart: '2026-11-15', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-15', '2026-11-30', '0.533333']]);
    expect(show(due({ timing: 'arrears', serviceStart: '2026-11-15', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-15', '2026-11-30', '0.533333']]);
  });

  it('a mid-quarter start divides by the whole quarter, not the remaining days', () => {
    // Oct 1 – Dec 31 has 92 days; Nov 15 – Dec 31 is 47 of them.
    expect(show(due({ months: 3, serviceStart: '2026-11-15', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-15', '2026-12-31', '0.510870']]);
  });

  it('a mid-year start on an annual calendar plan', () => {
    // 2026-03-01 .. 2026-12-31 = 306 of 365 days.
    expect(show(due({ months: 12, serviceStart: '2026-03-01', runStart: '2026-03-01', runEnd: '2026-03-31' }))).toEqual([['2026-03-01', '2026-12-31', '0.838356']]);
  });

  it('a mid-period end is prorated and nothing after it is billed', () => {
    const q = { serviceStart: '2026-01-01', serviceEnd: '2026-11-10', billedUntil: '2026-10-31' };
    expect(show(due({ ...q, runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-01', '2026-11-10', '0.333333']]);
    expect(due({ ...q, billedUntil: '2026-11-10', runStart: '2026-12-01', runEnd: '2026-12-31' })).toEqual([]);
  });

  it('start and end inside the same period', () => {
    expect(show(due({ serviceStart: '2026-11-11', serviceEnd: '2026-11-20', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-11', '2026-11-20', '0.333333']]);
  });

  it('an arrears piece that ends early is due as soon as its end has passed', () => {
    const q = { months: 3, timing: 'arrears' as const, serviceStart: '2026-10-01', serviceEnd: '2026-11-15' };
    expect(show(due({ ...q, runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-10-01', '2026-11-15', '0.500000']]);
    expect(due({ ...q, runStart: '2026-10-01', runEnd: '2026-10-31' })).toEqual([]);
  });

  it('prorate = false bills partial periods at factor 1', () => {
    const pieces = due({ prorate: false, serviceStart: '2026-11-15', runStart: '2026-11-01', runEnd: '2026-11-30' });
    expect(show(pieces)).toEqual([['2026-11-15', '2026-11-30', '1.000000']]);
    expect(pieces[0].period).toEqual({ start: '2026-11-01', end: '2026-11-30' });
  });

  it('each piece carries its whole period', () => {
    const [p] = due({ months: 3, serviceStart: '2026-11-15', runStart: '2026-11-01', runEnd: '2026-11-30' });
    expect(p.period).toEqual({ start: '2026-10-01', end: '2026-12-31' });
  });
});

describe('duePieces: start anchors', () => {
  it('a contract starting on the 31st bills Jan 31 – Feb 27, Feb 28 – Mar 30, Mar 31 – Apr 29', () => {
    const a = '2026-01-31';
    expect(show(due({ anchor: a, serviceStart: a, runStart: '2026-01-01', runEnd: '2026-03-31' }))).toEqual([
      ['2026-01-31', '2026-02-27', '1.000000'],
      ['2026-02-28', '2026-03-30', '1.000000'],
      ['2026-03-31', '2026-04-29', '1.000000'],
    ]);
  });

  it('in a leap year the Feb period starts on the 29th', () => {
    const a = '2028-01-31';
    expect(show(due({ anchor: a, serviceStart: a, billedUntil: '2028-02-28', runStart: '2028-02-01', runEnd: '2028-02-29' }))).toEqual([['2028-02-29', '2028-03-30', '1.000000']]);
  });

  it('a start-anchored annual contract bills a year from its start day', () => {
    expect(show(due({ anchor: '2026-03-15', months: 12, serviceStart: '2026-03-15', runStart: '2026-03-01', runEnd: '2026-03-31' }))).toEqual([['2026-03-15', '2027-03-14', '1.000000']]);
  });
});

describe('duePieces: billed until and catch-up', () => {
  it('catches up earlier unbilled periods from the service start', () => {
    expect(show(due({ serviceStart: '2026-08-01', runStart: '2026-11-01', runEnd: '2026-11-30' })).map((p) => p[0])).toEqual(['2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01']);
  });

  it('skips what a finalized invoice already billed', () => {
    expect(show(due({ serviceStart: '2026-08-01', billedUntil: '2026-10-31', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-01', '2026-11-30', '1.000000']]);
    expect(due({ serviceStart: '2026-08-01', billedUntil: '2026-11-30', runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
    expect(due({ serviceStart: '2026-08-01', billedUntil: '2027-03-31', runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
  });

  it('billed until in the middle of a period bills the rest of that period, prorated', () => {
    expect(show(due({ serviceStart: '2026-01-01', billedUntil: '2026-11-15', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-16', '2026-11-30', '0.500000']]);
  });

  it('a billed-until before the service start is ignored', () => {
    expect(show(due({ serviceStart: '2026-11-01', billedUntil: '2026-06-30', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-01', '2026-11-30', '1.000000']]);
  });

  it('nothing when the service ended before what was already billed', () => {
    expect(due({ serviceStart: '2026-01-01', serviceEnd: '2026-09-30', billedUntil: '2026-10-31', runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
  });

  it('nothing when the service starts after the run', () => {
    expect(due({ serviceStart: '2026-12-01', runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
    expect(due({ timing: 'arrears', serviceStart: '2026-12-01', runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
  });

  it('advance bills a future period that starts inside a long run', () => {
    expect(show(due({ serviceStart: '2026-11-01', runStart: '2026-11-01', runEnd: '2026-12-01' })).map((p) => p[0])).toEqual(['2026-11-01', '2026-12-01']);
    expect(show(due({ timing: 'arrears', serviceStart: '2026-11-01', runStart: '2026-11-01', runEnd: '2026-12-01' })).map((p) => p[0])).toEqual(['2026-11-01']);
  });

  it('stops at 240 periods in one run (a start date decades ago is a data problem)', () => {
    const pieces = due({ serviceStart: '1990-01-01', runStart: '2026-11-01', runEnd: '2026-11-30' });
    expect(pieces).toHaveLength(240);
    expect(pieces[0].start).toBe('1990-01-01');
    expect(pieces[239].start).toBe('2009-12-01');
  });
});

describe('duePieces: without a start date', () => {
  it('bills only the period due in the run itself (advance)', () => {
    expect(show(due({ runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-01', '2026-11-30', '1.000000']]);
  });

  it('advance quarterly: a quarter that started before the run is not billed again mid-quarter', () => {
    expect(due({ months: 3, runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
    expect(show(due({ months: 3, runStart: '2026-10-01', runEnd: '2026-10-31' }))).toEqual([['2026-10-01', '2026-12-31', '1.000000']]);
  });

  it('arrears quarterly: the quarter that ends in the run, in full', () => {
    expect(due({ months: 3, timing: 'arrears', runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
    expect(show(due({ months: 3, timing: 'arrears', runStart: '2026-12-01', runEnd: '2026-12-31' }))).toEqual([['2026-10-01', '2026-12-31', '1.000000']]);
  });

  it('respects an end date', () => {
    expect(show(due({ serviceEnd: '2026-11-20', runStart: '2026-11-01', runEnd: '2026-11-30' }))).toEqual([['2026-11-01', '2026-11-20', '0.666667']]);
    expect(due({ serviceEnd: '2026-10-20', runStart: '2026-11-01', runEnd: '2026-11-30' })).toEqual([]);
  });
});
