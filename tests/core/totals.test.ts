import { D } from '../../src/core/money';
import type { TaxCategory } from '../../src/core/model';
import { computeTotals, taxSummary, type Totals } from '../../src/core/totals';

const line = (net: string, taxCategory: TaxCategory = 'S', taxRate: string | number = 19, extra: { exemptionCode?: string; exemptionText?: string } = {}) => ({
  net: new D(net),
  taxCategory,
  taxRate: new D(taxRate),
  ...extra,
});

/** Totals as fixed strings with 2 decimals (or `dp`). */
const show = (t: Totals, dp = 2) => ({
  net: t.net.toFixed(dp),
  tax: t.tax.toFixed(dp),
  gross: t.gross.toFixed(dp),
  rounding: t.rounding.toFixed(dp),
  payable: t.payable.toFixed(dp),
  groups: t.groups.map((g) => `${g.category} ${g.rate.toString()}: ${g.taxable.toFixed(dp)} → ${g.tax.toFixed(dp)}`),
});

describe('computeTotals', () => {
  it('computes tax once per rate group from the sum of line nets (0.99 × 19 % = 0.19, not 3 × 0.06)', () => {
    const t = computeTotals([line('0.33'), line('0.33'), line('0.33')], { currency: 'EUR' });
    expect(show(t)).toEqual({ net: '0.99', tax: '0.19', gross: '1.18', rounding: '0.00', payable: '1.18', groups: ['S 19: 0.99 → 0.19'] });
  });

  it('groups by category and rate, sorted by category then rate', () => {
    const t = computeTotals([line('100.00', 'S', 19), line('50.00', 'S', 7), line('20.00', 'AE', 0, { exemptionCode: 'VATEX-EU-AE' }), line('0.50', 'S', '19.00'), line('10.00', 'Z', 0)], {
      currency: 'EUR',
    });
    expect(show(t)).toEqual({
      net: '180.50',
      tax: '22.60',
      gross: '203.10',
      rounding: '0.00',
      payable: '203.10',
      groups: ['AE 0: 20.00 → 0.00', 'S 7: 50.00 → 3.50', 'S 19: 100.50 → 19.10', 'Z 0: 10.00 → 0.00'],
    });
    expect(t.groups[0].exemptionCode).toBe('VATEX-EU-AE');
  });

  it('19 and 19.00 are one group; 7 and 7.5 are two', () => {
    const t = computeTotals([line('10.00', 'S', 19), line('10.00', 'S', '19.00'), line('10.00', 'S', 7), line('10.00', 'S', '7.5')], { currency: 'EUR' });
    expect(t.groups.map((g) => [g.rate.toString(), g.taxable.toFixed(2), g.tax.toFixed(2)])).toEqual([
      ['7', '10.00', '0.70'],
      ['7.5', '10.00', '0.75'],
      ['19', '20.00', '3.80'],
    ]);
  });

  it("takes the exemption code and text of the group's first line", () => {
    const t = computeTotals([line('1.00', 'G', 0, { exemptionCode: 'VATEX-EU-G', exemptionText: 'Export' }), line('2.00', 'G', 0)], { currency: 'EUR' });
    expect(t.groups).toHaveLength(1);
    expect([t.groups[0].exemptionCode, t.groups[0].exemptionText, t.groups[0].taxable.toFixed(2)]).toEqual(['VATEX-EU-G', 'Export', '3.00']);
  });

  it('rounds tax half away from zero by default and half to even when asked', () => {
    // 2.50 × 5 % = 0.125
    expect(computeTotals([line('2.50', 'S', 5)], { currency: 'EUR' }).tax.toFixed(2)).toBe('0.13');
    expect(computeTotals([line('2.50', 'S', 5)], { currency: 'EUR', mode: 'half-even' }).tax.toFixed(2)).toBe('0.12');
    expect(computeTotals([line('-2.50', 'S', 5)], { currency: 'EUR' }).tax.toFixed(2)).toBe('-0.13');
    expect(computeTotals([line('-2.50', 'S', 5)], { currency: 'EUR', mode: 'half-even' }).tax.toFixed(2)).toBe('-0.12');
  });

  it('CHF cash rounding to 0.05 is a separate amount on the payable total', () => {
    // 10.10 + 8.1 % (0.8181 → 0.82) = 10.92 → payable 10.90
    const t = computeTotals([line('10.10', 'S', '8.1')], { currency: 'CHF', cashIncrement: new D('0.05') });
    expect(show(t)).toEqual({ net: '10.10', tax: '0.82', gross: '10.92', rounding: '-0.02', payable: '10.90', groups: ['S 8.1: 10.10 → 0.82'] });
  });

  it('cash rounding goes up as well as down, and not at all on an exact multiple', () => {
    const up = computeTotals([line('10.13', 'S', 0)], { currency: 'CHF', cashIncrement: new D('0.05') });
    expect([up.rounding.toFixed(2), up.payable.toFixed(2)]).toEqual(['0.02', '10.15']);
    const half = computeTotals([line('10.125', 'S', 0)], { currency: 'CHF', cashIncrement: new D('0.05') });
    expect(half.payable.toFixed(2)).toBe('10.15');
    const exact = computeTotals([line('10.15', 'S', 0)], { currency: 'CHF', cashIncrement: new D('0.05') });
    expect([exact.rounding.toFixed(2), exact.payable.toFixed(2)]).toEqual(['0.00', '10.15']);
  });

  it('cash rounding follows the rounding mode at a half increment', () => {
    const opts = { currency: 'CHF', cashIncrement: new D('0.10') };
    expect(computeTotals([line('10.05', 'S', 0)], opts).payable.toFixed(2)).toBe('10.10');
    expect(computeTotals([line('10.05', 'S', 0)], { ...opts, mode: 'half-even' }).payable.toFixed(2)).toBe('10.00');
    expect(computeTotals([line('10.15', 'S', 0)], { ...opts, mode: 'half-even' }).payable.toFixed(2)).toBe('10.20');
  });

  it('no cash rounding without an increment or with 0', () => {
    for (const cashIncrement of [undefined, new D(0)]) {
      const t = computeTotals([line('10.10', 'S', '8.1')], { currency: 'CHF', cashIncrement });
      expect([t.rounding.toFixed(2), t.payable.toFixed(2)]).toEqual(['0.00', '10.92']);
    }
  });

  it('credit notes (negative lines) mirror the invoice exactly, including cash rounding', () => {
    const lines = [line('10.10', 'S', '8.1'), line('0.33', 'S', '2.6')];
    const inv = show(computeTotals(lines, { currency: 'CHF', cashIncrement: new D('0.05') }));
    const cn = show(
      computeTotals(
        lines.map((l) => ({ ...l, net: l.net.neg() })),
        { currency: 'CHF', cashIncrement: new D('0.05') },
      ),
    );
    const neg = (s: string) => (s.startsWith('-') ? s.slice(1) : s === '0.00' ? s : `-${s}`);
    expect(cn.net).toBe(neg(inv.net));
    expect(cn.tax).toBe(neg(inv.tax));
    expect(cn.gross).toBe(neg(inv.gross));
    expect(cn.rounding).toBe(neg(inv.rounding));
    expect(cn.payable).toBe(neg(inv.payable));
    expect(inv).toEqual({ net: '10.43', tax: '0.83', gross: '11.26', rounding: '-0.01', payable: '11.25', groups: ['S 2.6: 0.33 → 0.01', 'S 8.1: 10.10 → 0.82'] });
  });

  it('JPY tax is rounded to whole yen', () => {
    const t = computeTotals([line('1001', 'S', 10), line('333', 'S', 8)], { currency: 'JPY' });
    expect(show(t, 0)).toEqual({ net: '1334', tax: '127', gross: '1461', rounding: '0', payable: '1461', groups: ['S 8: 333 → 27', 'S 10: 1001 → 100'] });
  });

  it('no lines: all zero, no groups', () => {
    expect(show(computeTotals([], { currency: 'EUR', cashIncrement: new D('0.05') }))).toEqual({
      net: '0.00',
      tax: '0.00',
      gross: '0.00',
      rounding: '0.00',
      payable: '0.00',
      groups: [],
    });
  });

  it('does not change the lines it is given', () => {
    const lines = [line('1.00'), line('2.00')];
    computeTotals(lines, { currency: 'EUR' });
    expect(lines.map((l) => l.net.toFixed(2))).toEqual(['1.00', '2.00']);
  });
});

describe('taxSummary', () => {
  it("lists each group with taxable amount and tax in the currency's decimals", () => {
    const t = computeTotals([line('100', 'S', 19), line('50', 'AE', 0)], { currency: 'EUR' });
    expect(taxSummary(t.groups, 'EUR')).toBe('AE 0%: 50.00 → 0.00; S 19%: 100.00 → 19.00');
    const j = computeTotals([line('1001', 'S', 10)], { currency: 'JPY' });
    expect(taxSummary(j.groups, 'JPY')).toBe('S 10%: 1001 → 100');
    expect(taxSummary([], 'EUR')).toBe('');
  });
});
