import vm from 'node:vm';
import { asPlainText, isBlank, parseCell, parseDecimal, toCell, type Cell, type ParseContext } from '../../src/core/cells';
import { toSerial } from '../../src/core/dates';
import { D, Decimal } from '../../src/core/money';
import type { ColumnDef, ColumnType } from '../../src/core/schema';
import { column } from '../../src/core/schema';

const en: ParseContext = { locale: 'en' };
const de: ParseContext = { locale: 'de' };
const col = (type: ColumnType, values?: string[]): ColumnDef => ({ key: 'k', header: 'K', type, note: '', values });

/** The decimal as an exact string, or undefined. */
const num = (v: Cell, locale: 'de' | 'en') => parseDecimal(v, locale)?.toString();

function value(v: Cell, c: ColumnDef, ctx: ParseContext = en): unknown {
  const p = parseCell(v, c, ctx);
  if (!p.ok) throw new Error(`expected ok, got: ${p.message}`);
  return p.value;
}

function message(v: Cell, c: ColumnDef, ctx: ParseContext = en): string {
  const p = parseCell(v, c, ctx);
  if (p.ok) throw new Error(`expected an error, got ${String(p.value)}`);
  return p.message;
}

describe('isBlank', () => {
  it.each<[Cell, boolean]>([
    [null, true],
    [undefined, true],
    ['', true],
    ['  \t', true],
    [0, false],
    [false, false],
    ['0', false],
    [' x ', false],
    [new Date(0), false],
  ])('%p → %p', (v, want) => expect(isBlank(v)).toBe(want));
});

describe('parseDecimal', () => {
  it('takes numbers exactly as JavaScript prints them (no float noise added)', () => {
    expect(num(12.34, 'en')).toBe('12.34');
    expect(num(0.1, 'de')).toBe('0.1');
    expect(num(-5, 'en')).toBe('-5');
    expect(num(0, 'en')).toBe('0');
  });

  it('rejects non-finite numbers and non-numeric cell types', () => {
    expect(parseDecimal(NaN, 'en')).toBeUndefined();
    expect(parseDecimal(Infinity, 'en')).toBeUndefined();
    expect(parseDecimal(true, 'en')).toBeUndefined();
    expect(parseDecimal(new Date(), 'en')).toBeUndefined();
    expect(parseDecimal(null, 'en')).toBeUndefined();
  });

  it('reads German grouping and decimal comma', () => {
    expect(num('1.234,50', 'de')).toBe('1234.5');
    expect(num('1.234.567,89', 'de')).toBe('1234567.89');
    expect(num('1.500', 'de')).toBe('1500');
    expect(num('12,5', 'de')).toBe('12.5');
    expect(num('-0,75', 'de')).toBe('-0.75');
  });

  it('reads English grouping and decimal point', () => {
    expect(num('1,234.50', 'en')).toBe('1234.5');
    expect(num('1,234,567.89', 'en')).toBe('1234567.89');
    expect(num('1,500', 'en')).toBe('1500');
    expect(num('12.5', 'en')).toBe('12.5');
    expect(num('.5', 'en')).toBe('0.5');
    expect(num('+7', 'en')).toBe('7');
  });

  it('the same text means different numbers in de and en when grouping is unambiguous', () => {
    expect(num('1.234', 'de')).toBe('1234');
    expect(num('1.234', 'en')).toBe('1.234');
    expect(num('1,234', 'en')).toBe('1234');
    expect(num('1,234', 'de')).toBe('1.234');
  });

  it('accepts the other decimal separator when it cannot be a grouping separator', () => {
    expect(num('1.5', 'de')).toBe('1.5');
    expect(num('19.99', 'de')).toBe('19.99');
    expect(num('0.12345', 'de')).toBe('0.12345');
    expect(num('1,5', 'en')).toBe('1.5');
    expect(num('19,99', 'en')).toBe('19.99');
  });

  it('reads accounting negatives in parentheses', () => {
    expect(num('(5)', 'en')).toBe('-5');
    expect(num('(1,234.50)', 'en')).toBe('-1234.5');
    expect(num('(1.234,50)', 'de')).toBe('-1234.5');
    expect(num('( 5 )', 'en')).toBe('-5');
  });

  it('drops currency marks, spaces, no-break spaces and Swiss apostrophes', () => {
    expect(num('€ 12,50', 'de')).toBe('12.5');
    expect(num('12,50 €', 'de')).toBe('12.5');
    expect(num('$1,234.56', 'en')).toBe('1234.56');
    expect(num("CHF 1'234.50", 'en')).toBe('1234.5');
    expect(num('1\u00a0234,50\u00a0EUR', 'de')).toBe('1234.5');
    expect(num('1\u202f234.5 USD', 'en')).toBe('1234.5');
    expect(num('£-3', 'en')).toBe('-3');
    expect(num('¥500', 'en')).toBe('500');
    expect(num('(€ 5)', 'de')).toBe('-5');
  });

  it.each(['', ' ', 'abc', '-', '+', '.', '12a', '1.2.3', '1,2,3', '1e5', '--5', '5-', '1,23,456.00', '()'])('rejects %p', (s) => {
    expect(parseDecimal(s, 'en')).toBeUndefined();
    expect(parseDecimal(s, 'de')).toBeUndefined();
  });

  it('rejects text that mixes both separators the wrong way round for the locale', () => {
    expect(parseDecimal('1.234,50', 'en')).toBeUndefined();
    expect(parseDecimal('1,234.50', 'de')).toBeUndefined();
  });

  it('returns Decimals of our own constructor (40 digits), exact for long decimals', () => {
    const d = parseDecimal('123456789012345678901234567890.123456789', 'en')!;
    expect(d.toFixed()).toBe('123456789012345678901234567890.123456789');
    expect(d).toBeInstanceOf(D);
  });
});

describe('parseCell: numbers', () => {
  it('number and money columns give Decimals', () => {
    const v = value('1.234,50', col('money'), de) as Decimal;
    expect(Decimal.isDecimal(v)).toBe(true);
    expect(v.toFixed(2)).toBe('1234.50');
    expect((value(3, col('number')) as Decimal).toString()).toBe('3');
  });

  it('names the bad value in the message', () => {
    expect(message('abc', col('money'))).toBe('"abc" is not a number');
    expect(message('12 apples', col('number'))).toBe('"12 apples" is not a number');
    expect(message(true, col('number'))).toBe('"true" is not a number');
  });

  it('integer columns give plain numbers and reject fractions', () => {
    expect(value('14', col('integer'))).toBe(14);
    expect(value(30, col('integer'))).toBe(30);
    expect(value('1.000', col('integer'), de)).toBe(1000);
    expect(value('3.0', col('integer'))).toBe(3);
    expect(message('2.5', col('integer'))).toBe('"2.5" is not a whole number');
    expect(message(2.5, col('integer'))).toBe('"2.5" is not a whole number');
    expect(message('x', col('integer'))).toBe('"x" is not a whole number');
  });
});

describe('parseCell: percent', () => {
  const pct = (v: Cell, ctx: ParseContext = en) => (value(v, col('percent'), ctx) as Decimal).toString();

  it('reads "19 %" and "19%" as 19', () => {
    expect(pct('19 %')).toBe('19');
    expect(pct('19%')).toBe('19');
    expect(pct(' 7,5 % ', de)).toBe('7.5');
    expect(pct('8.1%')).toBe('8.1');
  });

  it('reads a percent-formatted number cell (a fraction) as percent: 0.19 → 19', () => {
    expect(pct(0.19)).toBe('19');
    expect(pct(0.07)).toBe('7');
    expect(pct(0.081)).toBe('8.1');
    expect(pct(0.055)).toBe('5.5');
    expect(pct(-0.1)).toBe('-10');
  });

  it('keeps whole numbers and zero as they are', () => {
    expect(pct(19)).toBe('19');
    expect(pct(0)).toBe('0');
    expect(pct('19')).toBe('19');
    expect(pct(100)).toBe('100');
  });

  it('does not scale fractions typed as text (the user wrote the percent number)', () => {
    expect(pct('0.5')).toBe('0.5');
    expect(pct('0,5', de)).toBe('0.5');
  });

  it('rejects non-numbers with a message', () => {
    expect(message('abc %', col('percent'))).toBe('"abc %" is not a percentage');
    expect(message('%', col('percent'))).toBe('"%" is not a percentage');
    expect(message('high', col('percent'))).toBe('"high" is not a percentage');
  });
});

describe('parseCell: dates', () => {
  const date = (v: Cell, ctx: ParseContext = en) => value(v, col('date'), ctx);

  it('reads Date objects by their UTC fields by default', () => {
    expect(date(new Date(Date.UTC(2026, 11, 31)))).toBe('2026-12-31');
    expect(date(new Date(Date.UTC(2026, 1, 28, 23, 59)))).toBe('2026-02-28');
  });

  it('uses the host dateOf for Date objects when given', () => {
    const seen: Date[] = [];
    const ctx: ParseContext = {
      locale: 'en',
      dateOf: (d) => {
        seen.push(d);
        return '2030-01-02';
      },
    };
    const d = new Date(Date.UTC(2026, 0, 1));
    expect(date(d, ctx)).toBe('2030-01-02');
    expect(seen).toEqual([d]);
  });

  it('reads a Date made in another script context (Apps Script realms)', () => {
    const foreign = vm.runInNewContext('new Date(Date.UTC(2026, 10, 30))') as Date;
    expect(foreign instanceof Date).toBe(false);
    expect(date(foreign)).toBe('2026-11-30');
  });

  it('rejects an invalid Date object', () => {
    expect(message(new Date('nope'), col('date'))).toMatch(/is not a date/);
  });

  it('reads ISO strings, with or without time and zero padding', () => {
    expect(date('2026-11-30')).toBe('2026-11-30');
    expect(date(' 2026-1-5 ')).toBe('2026-01-05');
    expect(date('2026-11-30T10:00:00Z')).toBe('2026-11-30');
    expect(date('2026-11-30 23:59')).toBe('2026-11-30');
  });

  it('reads German dd.mm.yyyy', () => {
    expect(date('31.12.2026')).toBe('2026-12-31');
    expect(date('1.2.2026')).toBe('2026-02-01');
  });

  it('reads slashed dates day first unless only month first is possible', () => {
    expect(date('31/12/2026')).toBe('2026-12-31');
    expect(date('12/31/2026')).toBe('2026-12-31');
    expect(date('05/04/2026')).toBe('2026-04-05');
  });

  it('reads Sheets/Excel serial numbers (fractions are times of day)', () => {
    expect(date(46022)).toBe('2025-12-31');
    expect(date(46023)).toBe('2026-01-01');
    expect(date(toSerial('2026-02-28'))).toBe('2026-02-28');
    expect(date(toSerial('2028-02-29') + 0.75)).toBe('2028-02-29');
    expect(toSerial('2025-12-31')).toBe(46022);
  });

  it.each<Cell>(['2026-02-30', '2026-13-01', '2026-00-10', '31.02.2026', '29.02.2027', '32/01/2026', '13/13/2026', '2026/01/01', 'tomorrow', '31.12.26', 0, -5, 3e6, true])('rejects %p', (v) => {
    expect(message(v, col('date'))).toBe(`"${String(v)}" is not a date (use YYYY-MM-DD or DD.MM.YYYY)`);
  });

  it('accepts Feb 29 only in leap years', () => {
    expect(date('2028-02-29')).toBe('2028-02-29');
    expect(date('29.02.2000')).toBe('2000-02-29');
    expect(parseCell('2100-02-29', col('date'), en).ok).toBe(false);
  });
});

describe('parseCell: text, ref, datetime', () => {
  it('trims text and stringifies numbers', () => {
    expect(value('  Acme  ', col('text'))).toBe('Acme');
    expect(value(10115, col('text'))).toBe('10115');
    expect(value(' A1 ', col('ref'))).toBe('A1');
  });

  it('a Date in a text column becomes its ISO date', () => {
    expect(value(new Date(Date.UTC(2026, 4, 1)), col('text'))).toBe('2026-05-01');
  });

  it('datetime keeps Date objects as ISO timestamps and text as written', () => {
    expect(value(new Date(Date.UTC(2026, 4, 1, 12, 30)), col('datetime'))).toBe('2026-05-01T12:30:00.000Z');
    expect(value('2026-05-01 12:30', col('datetime'))).toBe('2026-05-01 12:30');
  });

  it('an invalid Date in a datetime column is a cell error, not a crash', () => {
    expect(message(new Date('garbage'), col('datetime'))).toMatch(/not a date/);
  });
});

describe('parseCell: enum', () => {
  const status = column('Accounts', 'status');
  const model = column('Products', 'priceModel');
  const rounding = column('Settings', 'roundingMode');

  it('matches case-insensitively and returns the schema spelling', () => {
    expect(value('active', status)).toBe('Active');
    expect(value(' INACTIVE ', status)).toBe('Inactive');
    expect(value('Per_Unit', model)).toBe('per_unit');
  });

  it('treats spaces and hyphens like underscores', () => {
    expect(value('per unit', model)).toBe('per_unit');
    expect(value('per-unit', model)).toBe('per_unit');
    expect(value('Half Up', rounding)).toBe('half-up');
    expect(value('half_even', rounding)).toBe('half-even');
  });

  it('lists the allowed values when nothing matches', () => {
    expect(message('Enabled', status)).toBe('"Enabled" is not one of Active, Inactive');
    expect(message('tiered', model)).toBe('"tiered" is not one of per_unit, flat, graduated, volume, package');
  });
});

describe('parseCell: boolean', () => {
  const b = col('boolean');
  it.each<[Cell, boolean]>([
    [true, true],
    [false, false],
    ['TRUE', true],
    ['false', false],
    ['Ja', true],
    ['nein', false],
    ['yes', true],
    ['No', false],
    ['x', true],
    ['1', true],
    ['0', false],
    [1, true],
    [0, false],
    ['WAHR', true],
    ['FALSCH', false],
    ['oui', true],
    ['non', false],
    [' y ', true],
    ['N', false],
  ])('%p → %p', (v, want) => expect(value(v, b)).toBe(want));

  it('rejects anything else', () => {
    expect(message('maybe', b)).toBe('"maybe" is not TRUE or FALSE');
    expect(message(2, b)).toBe('"2" is not TRUE or FALSE');
  });
});

describe('toCell and asPlainText', () => {
  it('turns Decimals into numbers and blanks into empty strings', () => {
    expect(toCell(new D('12.50'))).toBe(12.5);
    expect(toCell(undefined)).toBe('');
    expect(toCell(null)).toBe('');
    expect(toCell(false)).toBe(false);
    expect(toCell(3)).toBe(3);
    expect(toCell('2026-01-01')).toBe('2026-01-01');
  });

  it('protects text that Sheets would read as a formula', () => {
    expect(asPlainText('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(asPlainText('+49 30 1234')).toBe("'+49 30 1234");
    expect(asPlainText('-5')).toBe("'-5");
    expect(asPlainText('@home')).toBe("'@home");
    expect(asPlainText('plain')).toBe('plain');
    expect(asPlainText(-5)).toBe(-5);
    expect(asPlainText(true)).toBe(true);
  });
});
