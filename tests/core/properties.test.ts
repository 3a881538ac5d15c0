import fc from 'fast-check';
import { addDays, addMonthsClamped, daysInclusive, fromDayNumber, toDayNumber, type IsoDate } from '../../src/core/dates';
import { parseCell, parseDecimal } from '../../src/core/cells';
import { D, ZERO, roundMoney, sum, type Decimal, type RoundingMode } from '../../src/core/money';
import type { TaxCategory } from '../../src/core/model';
import { duePieces, periodAt, periodIndex, type Piece, type PieceQuery } from '../../src/core/periods';
import { lineNet, priceComponents, type PriceComponent } from '../../src/core/pricing';
import { computeTotals } from '../../src/core/totals';

const RUNS = { numRuns: 300 };

// ---------- generators ----------

const dayFrom = toDayNumber('2020-01-01');
const dayTo = toDayNumber('2032-12-31');
const dateArb = (from = dayFrom, to = dayTo) => fc.integer({ min: from, max: to }).map(fromDayNumber);

const lineArb = fc
  .record({
    cents: fc.integer({ min: -10_000_000, max: 10_000_000 }),
    taxCategory: fc.constantFrom<TaxCategory>('S', 'Z', 'AE', 'E', 'G'),
    rate: fc.constantFrom('0', '2.6', '5.5', '7', '8.1', '19', '20', '25.5'),
  })
  .map((l) => ({ net: new D(l.cents).div(100), taxCategory: l.taxCategory, taxRate: new D(l.rate) }));

const modeArb = fc.constantFrom<RoundingMode>('half-up', 'half-even');
const cashArb = fc.option(fc.constantFrom('0.05', '0.10', '1'), { nil: undefined }).map((s) => (s ? new D(s) : undefined));

/** Valid tier text: increasing bounds written in either style, non-negative prices and fees. */
const tiersArb = fc
  .record({
    widths: fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 0, maxLength: 4 }),
    prices: fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 5, maxLength: 5 }),
    fees: fc.array(fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }), { minLength: 5, maxLength: 5 }),
    startAtOne: fc.boolean(),
    wholeUnitStyle: fc.boolean(),
  })
  .map(({ widths, prices, fees, startAtOne, wholeUnitStyle }) => {
    const parts: string[] = [];
    let from = startAtOne ? 1 : 0;
    let upTo = 0;
    const price = (i: number) => `${new D(prices[i]).div(100).toString()}${fees[i] !== undefined ? ` + ${new D(fees[i]!).div(100).toString()}` : ''}`;
    widths.forEach((w, i) => {
      upTo += w;
      parts.push(`${from}-${upTo}: ${price(i)}`);
      from = wholeUnitStyle ? upTo + 1 : upTo;
    });
    parts.push(`${from}+: ${price(widths.length)}`);
    return parts.join('; ');
  });

const quantityArb = fc.integer({ min: 0, max: 300_000 }).map((n) => new D(n).div(100));

/** Exact (unrounded) amount of price components. */
const amount = (cs: PriceComponent[]) => sum(cs.map((c) => c.quantity.times(c.unitPrice)));

const queryArb: fc.Arbitrary<PieceQuery> = fc
  .record({
    anchor: fc.oneof(fc.constant('2000-01-01'), dateArb(toDayNumber('2019-01-01'), toDayNumber('2027-12-31'))),
    months: fc.constantFrom(1, 3, 6, 12),
    timing: fc.constantFrom<'advance' | 'arrears'>('advance', 'arrears'),
    serviceStart: fc.option(dateArb(toDayNumber('2022-01-01'), toDayNumber('2027-12-31')), { nil: undefined }),
    serviceLength: fc.option(fc.integer({ min: 0, max: 1500 }), { nil: undefined }),
    billedOffset: fc.option(fc.integer({ min: -400, max: 900 }), { nil: undefined }),
    runStart: dateArb(toDayNumber('2024-01-01'), toDayNumber('2028-12-31')),
    runLength: fc.integer({ min: 0, max: 120 }),
    prorate: fc.boolean(),
  })
  .map((r) => {
    const base = r.serviceStart ?? r.runStart;
    return {
      anchor: r.anchor,
      months: r.months,
      timing: r.timing,
      serviceStart: r.serviceStart,
      serviceEnd: r.serviceLength === undefined ? undefined : addDays(base, r.serviceLength),
      billedUntil: r.billedOffset === undefined ? undefined : addDays(base, r.billedOffset),
      runStart: r.runStart,
      runEnd: addDays(r.runStart, r.runLength),
      prorate: r.prorate,
    };
  });

// ---------- cells ----------

describe('cell properties', () => {
  /** Intl locale → the sheet Number Locale that reads it. */
  const LOCALES: [string, 'de' | 'en'][] = [
    ['de-DE', 'de'],
    ['de-AT', 'de'],
    ['fr-FR', 'de'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['de-CH', 'en'],
  ];

  it('numbers as spreadsheet apps display them (grouping, currency, accounting negatives) read back exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(...LOCALES),
        fc.constantFrom('decimal', 'currency'),
        fc.boolean(),
        (n, fd, [intl, locale], style, grouping) => {
          const value = new D(n).div(10 ** fd);
          const fmt = new Intl.NumberFormat(intl, {
            minimumFractionDigits: fd,
            maximumFractionDigits: fd,
            useGrouping: grouping,
            ...(style === 'currency' ? { style: 'currency', currency: intl === 'de-CH' ? 'CHF' : 'EUR', currencySign: 'accounting' } : {}),
          });
          const text = fmt.format(value.toNumber());
          const got = parseDecimal(text, locale);
          expect(got?.toString()).toBe(value.toString());
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a number cell reads as exactly the number JavaScript prints', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(parseDecimal(x, 'de')!.eq(new D(String(x)))).toBe(true);
        expect(parseDecimal(x, 'en')!.toNumber()).toBe(x === 0 ? 0 : x);
      }),
      RUNS,
    );
  });

  it('a percent cell reads "p %" text as p and a fraction-formatted number cell as ×100', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9999, max: 9999 }), (n) => {
        const p = new D(n).div(100);
        const col = { key: 'k', header: 'K', type: 'percent' as const, note: '' };
        const text = parseCell(`${p.toString()} %`, col, { locale: 'en' });
        expect(text.ok && (text.value as Decimal).eq(p)).toBe(true);
        const fraction = p.div(100);
        const cell = parseCell(fraction.toNumber(), col, { locale: 'en' });
        const want = fraction.abs().lt(1) && !fraction.isZero() ? p : fraction;
        expect(cell.ok && (cell.value as Decimal).eq(want)).toBe(true);
      }),
      RUNS,
    );
  });
});

// ---------- totals ----------

describe('totals properties', () => {
  it('net = Σ line nets, tax = Σ group taxes, gross = net + tax, payable = gross + rounding', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 30 }), modeArb, cashArb, (lines, mode, cashIncrement) => {
        const t = computeTotals(lines, { currency: 'EUR', mode, cashIncrement });
        expect(t.net.eq(sum(lines.map((l) => l.net)))).toBe(true);
        expect(t.tax.eq(sum(t.groups.map((g) => g.tax)))).toBe(true);
        expect(t.gross.eq(t.net.plus(t.tax))).toBe(true);
        expect(t.payable.eq(t.gross.plus(t.rounding))).toBe(true);
        expect(sum(t.groups.map((g) => g.taxable)).eq(t.net)).toBe(true);
        for (const g of t.groups) {
          const members = lines.filter((l) => l.taxCategory === g.category && l.taxRate.eq(g.rate));
          expect(g.taxable.eq(sum(members.map((l) => l.net)))).toBe(true);
          expect(g.tax.eq(roundMoney(g.taxable.times(g.rate).div(100), 'EUR', mode))).toBe(true);
          expect(g.tax.decimalPlaces()).toBeLessThanOrEqual(2);
        }
        const keys = t.groups.map((g) => `${g.category}|${g.rate.toString()}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(t.groups.length).toBe(new Set(lines.map((l) => `${l.taxCategory}|${l.taxRate.toString()}`)).size);
        if (cashIncrement) {
          expect(t.payable.mod(cashIncrement).isZero()).toBe(true);
          expect(t.rounding.abs().lte(cashIncrement.div(2))).toBe(true);
        } else expect(t.rounding.isZero()).toBe(true);
      }),
      RUNS,
    );
  });

  it('the totals of negated lines are the exact negation (a credit note mirrors its invoice)', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 30 }), modeArb, cashArb, (lines, mode, cashIncrement) => {
        const o = { currency: 'EUR', mode, cashIncrement };
        const inv = computeTotals(lines, o);
        const cn = computeTotals(
          lines.map((l) => ({ ...l, net: l.net.neg() })),
          o,
        );
        for (const k of ['net', 'tax', 'gross', 'rounding', 'payable'] as const) {
          expect(cn[k].eq(inv[k].neg())).toBe(true);
          expect(cn[k].toFixed(2)).toBe(inv[k].isZero() ? '0.00' : inv[k].neg().toFixed(2));
        }
        expect(cn.groups.map((g) => [g.category, g.rate.toString(), g.taxable.neg().toFixed(2), g.tax.neg().toFixed(2)])).toEqual(
          inv.groups.map((g) => [g.category, g.rate.toString(), g.taxable.toFixed(2), g.tax.toFixed(2)]),
        );
      }),
      RUNS,
    );
  });

  it('the order of the lines does not matter', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), modeArb, (lines, mode) => {
        const a = computeTotals(lines, { currency: 'EUR', mode });
        const b = computeTotals(lines.slice().reverse(), { currency: 'EUR', mode });
        expect([b.net.toFixed(2), b.tax.toFixed(2), b.groups.map((g) => g.tax.toFixed(2))]).toEqual([a.net.toFixed(2), a.tax.toFixed(2), a.groups.map((g) => g.tax.toFixed(2))]);
      }),
      RUNS,
    );
  });
});

// ---------- pricing ----------

describe('pricing properties', () => {
  it('graduated price is monotonic non-decreasing in the quantity', () => {
    fc.assert(
      fc.property(tiersArb, quantityArb, quantityArb, (tiers, a, b) => {
        const [q1, q2] = a.lte(b) ? [a, b] : [b, a];
        const p1 = amount(priceComponents({ model: 'graduated', price: ZERO, tiers }, q1));
        const p2 = amount(priceComponents({ model: 'graduated', price: ZERO, tiers }, q2));
        expect(p1.lte(p2)).toBe(true);
      }),
      RUNS,
    );
  });

  it('graduated units add up to the quantity, each tier within its bounds', () => {
    fc.assert(
      fc.property(tiersArb, quantityArb, (tiers, q) => {
        const cs = priceComponents({ model: 'graduated', price: ZERO, tiers }, q);
        const units = cs.filter((c) => !c.label!.endsWith(' fee'));
        expect(sum(units.map((c) => c.quantity)).eq(q)).toBe(true);
        for (const c of cs) expect(c.quantity.gt(0)).toBe(true);
      }),
      RUNS,
    );
  });

  it('volume bills every unit at one price', () => {
    fc.assert(
      fc.property(
        tiersArb,
        quantityArb.filter((q) => q.gt(0)),
        (tiers, q) => {
          const units = priceComponents({ model: 'volume', price: ZERO, tiers }, q).filter((c) => !c.label!.endsWith(' fee'));
          expect(units).toHaveLength(1);
          expect(units[0].quantity.eq(q)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('volume and graduated agree when there is one tier', () => {
    const oneTier = fc
      .record({ from: fc.constantFrom(0, 1), price: fc.integer({ min: 0, max: 100_000 }), fee: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }) })
      .map((t) => `${t.from}+: ${new D(t.price).div(1000).toString()}${t.fee !== undefined ? ` + ${new D(t.fee).div(100).toString()}` : ''}`);
    fc.assert(
      fc.property(oneTier, quantityArb, (tiers, q) => {
        const g = amount(priceComponents({ model: 'graduated', price: ZERO, tiers }, q));
        const v = amount(priceComponents({ model: 'volume', price: ZERO, tiers }, q));
        expect(g.toString()).toBe(v.toString());
      }),
      RUNS,
    );
  });

  it('both tier styles ("1-100; 101-…" and "0-100; 100-…") give the same graduated and volume prices', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 0, max: 2000 }),
        (widths, prices, q) => {
          const styles = [true, false].map((whole) => {
            let from = whole ? 1 : 0;
            let upTo = 0;
            const parts = widths.map((w, i) => {
              upTo += w;
              const s = `${from}-${upTo}: ${prices[i] / 100}`;
              from = whole ? upTo + 1 : upTo;
              return s;
            });
            return [...parts, `${from}+: ${prices[widths.length] / 100}`].join('; ');
          });
          for (const model of ['graduated', 'volume'] as const) {
            const [a, b] = styles.map((tiers) => amount(priceComponents({ model, price: ZERO, tiers }, new D(q))).toString());
            expect(a).toBe(b);
          }
        },
      ),
      RUNS,
    );
  });

  it('lineNet rounds once, symmetric for negatives, within half a cent of the exact value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        modeArb,
        (qMilli, priceMilli, factorMicro, discountBp, mode) => {
          const q = new D(qMilli).div(1000);
          const price = new D(priceMilli).div(1000);
          const factor = new D(factorMicro).div(1_000_000);
          const discountPercent = new D(discountBp).div(100);
          const exact = q.times(price).times(factor).times(new D(100).minus(discountPercent)).div(100);
          const net = lineNet(q, price, { factor, discountPercent, currency: 'EUR', mode });
          expect(net.decimalPlaces()).toBeLessThanOrEqual(2);
          expect(net.minus(exact).abs().lte('0.005')).toBe(true);
          expect(net.eq(roundMoney(exact, 'EUR', mode))).toBe(true);
          expect(lineNet(q.neg(), price, { factor, discountPercent, currency: 'EUR', mode }).eq(net.neg())).toBe(true);
        },
      ),
      RUNS,
    );
  });
});

// ---------- periods ----------

describe('period properties', () => {
  it('addMonthsClamped never drifts: month k from the anchor is the anchor day clamped to that month', () => {
    fc.assert(
      fc.property(dateArb(), fc.integer({ min: -120, max: 240 }), (anchor, k) => {
        const got = addMonthsClamped(anchor, k);
        const [y, m, d] = anchor.split('-').map(Number);
        const idx = y * 12 + (m - 1) + k;
        const ny = Math.floor(idx / 12);
        const nm = idx - ny * 12 + 1;
        const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
        expect(got).toBe(`${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`);
      }),
      RUNS,
    );
  });

  it('periodIndex finds the period containing any date', () => {
    fc.assert(
      fc.property(dateArb(), fc.constantFrom(1, 3, 6, 12), dateArb(), (anchor, months, date) => {
        const p = periodAt(anchor, months, periodIndex(anchor, months, date));
        expect(p.start <= date && date <= p.end).toBe(true);
      }),
      RUNS,
    );
  });

  it('proration factors of consecutive pieces covering a whole period sum to 1 (within 1e-5)', () => {
    const arb = fc.record({
      anchor: dateArb(),
      months: fc.constantFrom(1, 3, 6, 12),
      k: fc.integer({ min: 0, max: 40 }),
      cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
      timing: fc.constantFrom<'advance' | 'arrears'>('advance', 'arrears'),
    });
    fc.assert(
      fc.property(arb, ({ anchor, months, k, cuts, timing }) => {
        const period = periodAt(anchor, months, k);
        const days = daysInclusive(period.start, period.end);
        // Split points: the last day of each stretch but the final one.
        const ends = [...new Set(cuts.map((c) => Math.floor(c * (days - 1))))].sort((a, b) => a - b).map((n) => addDays(period.start, n));
        const pieces: Piece[] = [];
        let billedUntil: IsoDate | undefined;
        for (const serviceEnd of [...ends, undefined]) {
          const got = duePieces({
            anchor,
            months,
            timing,
            serviceStart: period.start,
            serviceEnd,
            billedUntil,
            prorate: true,
            runStart: period.start,
            runEnd: period.end,
          }).filter((p) => p.period.start === period.start);
          pieces.push(...got);
          billedUntil = got.length ? got[got.length - 1].end : billedUntil;
        }
        expect(pieces[0].start).toBe(period.start);
        expect(pieces[pieces.length - 1].end).toBe(period.end);
        for (let i = 1; i < pieces.length; i++) expect(pieces[i].start).toBe(addDays(pieces[i - 1].end, 1));
        const total = sum(pieces.map((p) => p.factor));
        expect(total.minus(1).abs().lte('0.00001')).toBe(true);
      }),
      RUNS,
    );
  });

  it('duePieces: ordered, not overlapping, after billed-until, inside service and run rules, deterministic', () => {
    fc.assert(
      fc.property(queryArb, (q) => {
        const pieces = duePieces(q);
        expect(duePieces({ ...q })).toEqual(pieces);
        expect(pieces.length).toBeLessThanOrEqual(240);
        pieces.forEach((p, i) => {
          expect(p.start <= p.end).toBe(true);
          if (i > 0) expect(p.start > pieces[i - 1].end).toBe(true);
          if (q.billedUntil) expect(p.start > q.billedUntil).toBe(true);
          if (q.serviceStart) expect(p.start >= q.serviceStart).toBe(true);
          if (q.serviceEnd) expect(p.end <= q.serviceEnd).toBe(true);
          if (q.timing === 'advance') expect(p.start <= q.runEnd).toBe(true);
          else expect(p.end <= q.runEnd).toBe(true);
          expect(p.period).toEqual(periodAt(q.anchor, q.months, periodIndex(q.anchor, q.months, p.start)));
          expect(p.period.start <= p.start && p.end <= p.period.end).toBe(true);
          expect(p.factor.gt(0) && p.factor.lte(1)).toBe(true);
          const whole = p.start === p.period.start && p.end === p.period.end;
          if (!q.prorate || whole) expect(p.factor.toString()).toBe('1');
          else expect(p.factor.toFixed(6)).toBe(new D(daysInclusive(p.start, p.end)).div(daysInclusive(p.period.start, p.period.end)).toFixed(6));
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('billing the pieces and running again returns nothing already billed; splitting a run changes nothing', () => {
    const arb = queryArb.filter((q) => q.serviceStart !== undefined).chain((q) => fc.integer({ min: 0, max: daysInclusive(q.runStart, q.runEnd) - 1 }).map((cut) => ({ q, cut })));
    fc.assert(
      fc.property(arb, ({ q, cut }) => {
        const whole = duePieces(q);
        const firstEnd = addDays(q.runStart, cut);
        const first = duePieces({ ...q, runEnd: firstEnd });
        const billed = first.length ? first[first.length - 1].end : q.billedUntil;
        const again = duePieces({ ...q, runEnd: firstEnd, billedUntil: billed });
        expect(again).toEqual([]);
        const second = firstEnd < q.runEnd ? duePieces({ ...q, runStart: addDays(firstEnd, 1), billedUntil: billed }) : [];
        expect([...first, ...second]).toEqual(whole);
      }),
      { numRuns: 1000 },
    );
  });
});
