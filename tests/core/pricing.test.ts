import { BillingError } from '../../src/core/errors';
import { D, type Decimal, sum } from '../../src/core/money';
import { lineNet, parseTiers, priceComponents, type PriceComponent, type PriceSpec } from '../../src/core/pricing';

const TIERS = '1-100: 0.10; 101-500: 0.08 + 5; 501+: 0.05';
const d = (v: Decimal.Value) => new D(v);

/** Components as [label, quantity, unit price] with exact strings. */
const show = (cs: PriceComponent[]) => cs.map((c) => [c.label, c.quantity.toString(), c.unitPrice.toString()]);
/** Exact total of the components (each line rounded to cents, as invoices do). */
const total = (cs: PriceComponent[]) => sum(cs.map((c) => lineNet(c.quantity, c.unitPrice, { currency: 'EUR' }))).toFixed(2);
const price = (spec: Partial<PriceSpec> & Pick<PriceSpec, 'model'>, q: Decimal.Value) => total(priceComponents({ price: d(0), ...spec }, d(q)));

function tierError(text: string, locale: 'de' | 'en' = 'en'): string {
  try {
    parseTiers(text, locale);
  } catch (e) {
    expect(e).toBeInstanceOf(BillingError);
    return (e as Error).message;
  }
  throw new Error(`"${text}" parsed without an error`);
}

describe('parseTiers', () => {
  it('reads "from-to: price + flat" tiers with an open-ended last tier', () => {
    const tiers = parseTiers(TIERS);
    expect(tiers.map((t) => [t.from.toString(), t.upTo?.toString(), t.price.toString(), t.flat.toString()])).toEqual([
      ['1', '100', '0.1', '0'],
      ['101', '500', '0.08', '5'],
      ['501', undefined, '0.05', '0'],
    ]);
  });

  it('accepts the "0-100; 100-500; 500+" style where each tier starts at the previous bound', () => {
    const tiers = parseTiers('0-100: 0.10; 100-500: 0.08; 500+: 0.05');
    expect(tiers.map((t) => [t.from.toString(), t.upTo?.toString()])).toEqual([
      ['0', '100'],
      ['100', '500'],
      ['500', undefined],
    ]);
  });

  it('accepts newlines and | as separators, spaces anywhere, and a single open tier', () => {
    expect(parseTiers('1 - 10 : 2\n11 + : 1 + 0.50').map((t) => [t.from.toString(), t.upTo?.toString(), t.price.toString(), t.flat.toString()])).toEqual([
      ['1', '10', '2', '0'],
      ['11', undefined, '1', '0.5'],
    ]);
    expect(parseTiers('0-5: 1 | 5+: 0').length).toBe(2);
    expect(parseTiers('0+: 3').map((t) => t.price.toString())).toEqual(['3']);
  });

  it('reads prices and bounds in the sheet locale', () => {
    const de = parseTiers('1-1.000: 0,10; 1.001+: 0,05 + 2,50', 'de');
    expect(de.map((t) => [t.from.toString(), t.upTo?.toString(), t.price.toString(), t.flat.toString()])).toEqual([
      ['1', '1000', '0.1', '0'],
      ['1001', undefined, '0.05', '2.5'],
    ]);
    const en = parseTiers('1-1,000: 0.10; 1,001-1,000,000: 0.05; 1,000,001+: 0.01', 'en');
    expect(en.map((t) => [t.from.toString(), t.upTo?.toString()])).toEqual([
      ['1', '1000'],
      ['1001', '1000000'],
      ['1000001', undefined],
    ]);
  });

  it('accepts decimal bounds in both locales', () => {
    expect(parseTiers('0-10,5: 1; 10,5+: 2', 'de')[0].upTo!.toString()).toBe('10.5');
    expect(parseTiers('0-10.5: 1; 10.5+: 2', 'en')[0].upTo!.toString()).toBe('10.5');
  });

  it('rejects a gap', () => {
    expect(tierError('1-100: 1; 102+: 2')).toBe('gap between 100 and 102 before tier 2');
    expect(tierError('0-100: 1; 101-200: 2; 250+: 3')).toBe('gap between 200 and 250 before tier 3');
  });

  it('rejects an overlap', () => {
    expect(tierError('1-100: 1; 50-200: 2; 201+: 1')).toBe('tier 2 starts at 50, overlapping the previous tier that ends at 100');
  });

  it('rejects an open-ended tier that is not the last', () => {
    expect(tierError('1+: 1; 2-10: 2; 11+: 3')).toBe('tier 1 is open-ended but is not the last tier');
  });

  it('rejects a last tier that is not open-ended, suggesting the fix', () => {
    expect(tierError('1-100: 1')).toBe('the last tier must be open-ended, e.g. "101+: price"');
    expect(tierError('1-100: 1; 101-500: 0.5')).toBe('the last tier must be open-ended, e.g. "501+: price"');
  });

  it('rejects a first tier that does not start at 0 or 1', () => {
    expect(tierError('5-100: 1; 101+: 2')).toBe('tier 1 must start at 0 or 1, not 5');
    expect(tierError('2+: 1')).toBe('tier 1 must start at 0 or 1, not 2');
  });

  it('rejects a tier that ends before it starts', () => {
    expect(tierError('1-100: 1; 101-50: 2; 51+: 1')).toBe('tier 2 ends at 50 before it starts at 101');
  });

  it('rejects malformed text, empty text, bad and negative prices', () => {
    expect(tierError('')).toBe('tiers are empty');
    expect(tierError(' ; ')).toBe('tiers are empty');
    expect(tierError('1 to 100 = 5')).toBe('tier "1 to 100 = 5" is not "from-to: price" or "from+: price" (optionally "+ flat fee")');
    expect(tierError('1-100 0.10; 101+: 1')).toMatch(/^tier "1-100 0.10" is not "from-to: price"/);
    expect(tierError('1+: abc')).toBe('tier "1+: abc": price "abc" is not a non-negative number');
    expect(tierError('1+: -5')).toBe('tier "1+: -5": price "-5" is not a non-negative number');
    expect(tierError('1+: 1 + x')).toBe('tier "1+: 1 + x": flat fee "x" is not a non-negative number');
    expect(tierError('1-1.2.3: 1; 2+: 1')).toBe('tier "1-1.2.3: 1": bound "1.2.3" is not a non-negative number');
  });
});

describe('priceComponents', () => {
  it('per_unit: quantity × price', () => {
    expect(show(priceComponents({ model: 'per_unit', price: d('9.99') }, d(3)))).toEqual([[undefined, '3', '9.99']]);
    expect(price({ model: 'per_unit', price: d('9.99') }, 3)).toBe('29.97');
    expect(price({ model: 'per_unit', price: d('9.99') }, 0)).toBe('0.00');
  });

  it('flat: one fee whatever the quantity', () => {
    expect(show(priceComponents({ model: 'flat', price: d(49) }, d(7)))).toEqual([[undefined, '1', '49']]);
    expect(price({ model: 'flat', price: d(49) }, 0)).toBe('49.00');
  });

  it('graduated: each tier at its own price plus the flat fee of each tier reached', () => {
    expect(show(priceComponents({ model: 'graduated', price: d(0), tiers: TIERS }, d(600)))).toEqual([
      ['1–100', '100', '0.1'],
      ['101–500', '400', '0.08'],
      ['101–500 fee', '1', '5'],
      ['501+', '100', '0.05'],
    ]);
    expect(price({ model: 'graduated', tiers: TIERS }, 600)).toBe('52.00');
    expect(price({ model: 'graduated', tiers: TIERS }, 250)).toBe('27.00');
    expect(price({ model: 'graduated', tiers: TIERS }, 100)).toBe('10.00');
    expect(price({ model: 'graduated', tiers: TIERS }, 101)).toBe('15.08');
    expect(price({ model: 'graduated', tiers: TIERS }, 50)).toBe('5.00');
  });

  it("volume: every unit at the price of the tier the total falls in, plus that tier's fee", () => {
    expect(show(priceComponents({ model: 'volume', price: d(0), tiers: TIERS }, d(250)))).toEqual([
      ['101–500', '250', '0.08'],
      ['101–500 fee', '1', '5'],
    ]);
    expect(price({ model: 'volume', tiers: TIERS }, 600)).toBe('30.00');
    expect(price({ model: 'volume', tiers: TIERS }, 250)).toBe('25.00');
    expect(price({ model: 'volume', tiers: TIERS }, 100)).toBe('10.00');
    expect(price({ model: 'volume', tiers: TIERS }, 101)).toBe('13.08');
    expect(price({ model: 'volume', tiers: TIERS }, 500)).toBe('45.00');
    expect(price({ model: 'volume', tiers: TIERS }, 501)).toBe('25.05');
  });

  it('upper bounds are inclusive; fractional quantities above a bound belong to the next tier', () => {
    expect(show(priceComponents({ model: 'volume', price: d(0), tiers: TIERS }, d('100.5')))[0]).toEqual(['101–500', '100.5', '0.08']);
    expect(show(priceComponents({ model: 'graduated', price: d(0), tiers: TIERS }, d('100.5')))).toEqual([
      ['1–100', '100', '0.1'],
      ['101–500', '0.5', '0.08'],
      ['101–500 fee', '1', '5'],
    ]);
  });

  it('the "0-100; 100-500" style prices exactly like the "1-100; 101-500" style', () => {
    const a = '1-100: 0.10; 101-500: 0.08; 501+: 0.05';
    const b = '0-100: 0.10; 100-500: 0.08; 500+: 0.05';
    for (const q of [1, 99, 100, 101, 499, 500, 501, 1234]) {
      expect(price({ model: 'graduated', tiers: b }, q)).toBe(price({ model: 'graduated', tiers: a }, q));
      expect(price({ model: 'volume', tiers: b }, q)).toBe(price({ model: 'volume', tiers: a }, q));
    }
  });

  it('zero or negative quantity gives no tier components (and no tier fees)', () => {
    expect(priceComponents({ model: 'graduated', price: d(0), tiers: '1-10: 1 + 3; 11+: 0.5' }, d(0))).toEqual([]);
    expect(priceComponents({ model: 'volume', price: d(0), tiers: '1-10: 1 + 3; 11+: 0.5' }, d(0))).toEqual([]);
    expect(priceComponents({ model: 'graduated', price: d(0), tiers: TIERS }, d(-5))).toEqual([]);
  });

  it("the first tier's fee is charged as soon as any unit is used", () => {
    expect(price({ model: 'graduated', tiers: '1-10: 1 + 3; 11+: 0.5' }, 1)).toBe('4.00');
    expect(price({ model: 'volume', tiers: '1-10: 1 + 3; 11+: 0.5' }, 1)).toBe('4.00');
    expect(price({ model: 'volume', tiers: '1-10: 1 + 3; 11+: 0.5' }, 11)).toBe('5.50');
    expect(price({ model: 'graduated', tiers: '1-10: 1 + 3; 11+: 0.5' }, 11)).toBe('13.50');
  });

  it('graduated and volume need tiers and reject bad ones', () => {
    expect(() => priceComponents({ model: 'graduated', price: d(1) }, d(1))).toThrow('price model graduated needs tiers');
    expect(() => priceComponents({ model: 'volume', price: d(1) }, d(1))).toThrow('price model volume needs tiers');
    expect(() => priceComponents({ model: 'volume', price: d(1), tiers: '1-100: 1' }, d(1))).toThrow(BillingError);
  });

  it('package: ceil((quantity − free units) / size) packages', () => {
    const spec = { model: 'package' as const, price: d(25), packageSize: d(10), freeUnits: d(5) };
    expect(priceComponents(spec, d(0))).toEqual([]);
    expect(priceComponents(spec, d(5))).toEqual([]);
    expect(show(priceComponents(spec, d(6)))).toEqual([['1 × 10', '1', '25']]);
    expect(show(priceComponents(spec, d(15)))).toEqual([['1 × 10', '1', '25']]);
    expect(show(priceComponents(spec, d(16)))).toEqual([['2 × 10', '2', '25']]);
    expect(total(priceComponents(spec, d(27)))).toBe('75.00');
    expect(total(priceComponents({ ...spec, freeUnits: undefined }, d('0.1')))).toBe('25.00');
    expect(total(priceComponents({ ...spec, freeUnits: undefined }, d(10)))).toBe('25.00');
    expect(total(priceComponents({ ...spec, freeUnits: undefined }, d(11)))).toBe('50.00');
  });

  it('package needs a size above 0', () => {
    expect(() => priceComponents({ model: 'package', price: d(1) }, d(1))).toThrow('price model package needs a Package Size above 0');
    expect(() => priceComponents({ model: 'package', price: d(1), packageSize: d(0) }, d(1))).toThrow(BillingError);
  });

  it('reads tiers in the given locale', () => {
    expect(total(priceComponents({ model: 'graduated', price: d(0), tiers: '1-1.000: 0,10; 1.001+: 0,05' }, d(1500), 'de'))).toBe('125.00');
    expect(total(priceComponents({ model: 'graduated', price: d(0), tiers: '1-1,000: 0.10; 1,001+: 0.05' }, d(1500), 'en'))).toBe('125.00');
  });
});

describe('lineNet', () => {
  it('quantity × price', () => expect(lineNet(d(3), d('9.99'), { currency: 'EUR' }).toFixed(2)).toBe('29.97'));

  it('rounds halves away from zero by default, exactly (no float error)', () => {
    expect(lineNet(d(1), d('2.675'), { currency: 'EUR' }).toFixed(2)).toBe('2.68');
    expect(lineNet(d(1), d('-2.675'), { currency: 'EUR' }).toFixed(2)).toBe('-2.68');
    expect(lineNet(d(-1), d('2.675'), { currency: 'EUR' }).toFixed(2)).toBe('-2.68');
    expect(lineNet(d(1), d('1.005'), { currency: 'EUR' }).toFixed(2)).toBe('1.01');
    expect(lineNet(d(1), d('2.674999'), { currency: 'EUR' }).toFixed(2)).toBe('2.67');
  });

  it('half-even rounds halves to the even cent', () => {
    expect(lineNet(d(1), d('2.675'), { currency: 'EUR', mode: 'half-even' }).toFixed(2)).toBe('2.68');
    expect(lineNet(d(1), d('2.665'), { currency: 'EUR', mode: 'half-even' }).toFixed(2)).toBe('2.66');
    expect(lineNet(d(1), d('-2.665'), { currency: 'EUR', mode: 'half-even' }).toFixed(2)).toBe('-2.66');
  });

  it('multiplies by the period factor before the discount and rounds once at the end', () => {
    // 3 × 9.99 × 0.533333 = 15.98399001; less 10 % = 14.385591009 → 14.39
    // (rounding after the factor would give 15.98 × 0.9 = 14.382 → 14.38).
    expect(lineNet(d(3), d('9.99'), { factor: d('0.533333'), discountPercent: d(10), currency: 'EUR' }).toFixed(2)).toBe('14.39');
  });

  it('applies a percentage discount', () => {
    expect(lineNet(d(1), d(100), { discountPercent: d('12.5'), currency: 'EUR' }).toFixed(2)).toBe('87.50');
    expect(lineNet(d(1), d(100), { discountPercent: d(100), currency: 'EUR' }).toFixed(2)).toBe('0.00');
    expect(lineNet(d(1), d('33.33'), { discountPercent: d(0), currency: 'EUR' }).toFixed(2)).toBe('33.33');
  });

  it("uses the currency's minor unit: JPY has none, KWD three", () => {
    expect(lineNet(d(3), d('333.5'), { currency: 'JPY' }).toString()).toBe('1001');
    expect(lineNet(d(1), d('1234.5'), { currency: 'JPY' }).toString()).toBe('1235');
    expect(lineNet(d(1), d('1234.5'), { currency: 'JPY', mode: 'half-even' }).toString()).toBe('1234');
    expect(lineNet(d(1), d('1.2345'), { currency: 'KWD' }).toFixed(3)).toBe('1.235');
  });

  it('keeps full precision of long factors before rounding', () => {
    // 1 × 0.005 × 1.000001 = 0.005000005 → 0.01 (a 6-digit factor must not be rounded away first).
    expect(lineNet(d(1), d('0.005'), { factor: d('1.000001'), currency: 'EUR' }).toFixed(2)).toBe('0.01');
    expect(lineNet(d(1), d('0.005'), { factor: d('0.999999'), currency: 'EUR' }).toFixed(2)).toBe('0.00');
  });
});
