import {
  addDays,
  addMonthsClamped,
  daysInMonth,
  daysInclusive,
  firstOfMonth,
  fromDayNumber,
  fromSerial,
  isIsoDate,
  iso,
  lastOfMonth,
  maxDate,
  minDate,
  monthDiff,
  monthRange,
  toDayNumber,
  toSerial,
} from '../../src/core/dates';

describe('isIsoDate', () => {
  it.each(['2026-01-01', '2026-12-31', '2028-02-29', '2000-02-29'])('accepts %s', (s) => expect(isIsoDate(s)).toBe(true));
  it.each(['2026-02-29', '2100-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-01', '2026-01-00', '2026-1-1', '26-01-01', '2026-01-01T00:00', ''])('rejects %p', (s) =>
    expect(isIsoDate(s)).toBe(false),
  );
});

describe('day arithmetic', () => {
  it('day numbers count from 1970-01-01 and round-trip', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('1970-01-02')).toBe(1);
    expect(fromDayNumber(toDayNumber('2026-11-30'))).toBe('2026-11-30');
    expect(fromDayNumber(-1)).toBe('1969-12-31');
  });

  it('addDays crosses months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-01-15', 0)).toBe('2026-01-15');
  });

  it('daysInclusive counts both ends', () => {
    expect(daysInclusive('2026-11-01', '2026-11-30')).toBe(30);
    expect(daysInclusive('2026-11-15', '2026-11-15')).toBe(1);
    expect(daysInclusive('2026-01-01', '2026-12-31')).toBe(365);
    expect(daysInclusive('2028-01-01', '2028-12-31')).toBe(366);
  });

  it('daysInMonth knows leap years (including the century rules)', () => {
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2026, 4)).toBe(30);
    expect(daysInMonth(2026, 12)).toBe(31);
  });

  it('iso pads fields', () => expect(iso(2026, 1, 5)).toBe('2026-01-05'));
});

describe('addMonthsClamped', () => {
  it('clamps a Jan 31 anchor to the month end and goes back to the 31st, never drifting', () => {
    const anchor = '2026-01-31';
    expect([0, 1, 2, 3, 4, 5, 6].map((k) => addMonthsClamped(anchor, k))).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31']);
  });

  it('gives Feb 29 in a leap year', () => {
    expect(addMonthsClamped('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonthsClamped('2028-01-31', 2)).toBe('2028-03-31');
    expect(addMonthsClamped('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonthsClamped('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonthsClamped('2028-02-29', 48)).toBe('2032-02-29');
  });

  it('crosses years forwards and backwards', () => {
    expect(addMonthsClamped('2026-11-15', 2)).toBe('2027-01-15');
    expect(addMonthsClamped('2026-01-15', -1)).toBe('2025-12-15');
    expect(addMonthsClamped('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonthsClamped('2026-01-31', -13)).toBe('2024-12-31');
    expect(addMonthsClamped('2026-05-10', 0)).toBe('2026-05-10');
  });
});

describe('month helpers', () => {
  it('monthDiff ignores days', () => {
    expect(monthDiff('2026-01-31', '2026-02-01')).toBe(1);
    expect(monthDiff('2026-11-01', '2026-11-30')).toBe(0);
    expect(monthDiff('2026-11-01', '2025-11-30')).toBe(-12);
  });

  it('first and last of month, min and max', () => {
    expect(firstOfMonth('2026-02-17')).toBe('2026-02-01');
    expect(lastOfMonth('2028-02-17')).toBe('2028-02-29');
    expect(lastOfMonth('2026-02-17')).toBe('2026-02-28');
    expect(minDate('2026-01-02', '2025-12-31')).toBe('2025-12-31');
    expect(maxDate('2026-01-02', '2025-12-31')).toBe('2026-01-02');
  });

  it('monthRange gives the whole month and rejects other text', () => {
    expect(monthRange('2026-11')).toEqual({ start: '2026-11-01', end: '2026-11-30' });
    expect(monthRange('2028-02')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(() => monthRange('2026-13')).toThrow('"2026-13" is not a month in the form YYYY-MM');
    expect(() => monthRange('Nov 2026')).toThrow(/not a month/);
  });
});

describe('Sheets serial numbers', () => {
  it('maps known serials', () => {
    expect(fromSerial(25569)).toBe('1970-01-01');
    expect(fromSerial(46022)).toBe('2025-12-31');
    expect(fromSerial(46023)).toBe('2026-01-01');
    expect(fromSerial(1)).toBe('1899-12-31');
    expect(fromSerial(61)).toBe('1900-03-01');
    expect(toSerial('2026-11-30')).toBe(46356);
  });

  it('drops the time of day, also for serials a hair below the next day from float error', () => {
    expect(fromSerial(46022.999)).toBe('2025-12-31');
    expect(fromSerial(46023 - 1e-12)).toBe('2026-01-01');
    expect(fromSerial(46022.5)).toBe('2025-12-31');
  });

  it('round-trips', () => {
    for (const d of ['2000-02-29', '2026-01-31', '2026-12-31', '2099-06-15']) expect(fromSerial(toSerial(d))).toBe(d);
  });
});
