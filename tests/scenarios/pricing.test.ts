// Price models, discounts, price increases and rounding, end to end through a run.
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { DE_TENANT, DEC, NOV, OCT, account, amt, item, linesOf, ports, product, subscription, totalsOf } from './helpers';

const TIERS = '1-100: 0.10; 101-500: 0.08 + 5; 501+: 0.05';
const tx = (id: string, sub: string, prod: string, date: string, quantity: number) => ({ transactionId: id, subscriptionId: sub, productId: prod, date, quantity });

describe('pricing', () => {
  it('6 tiered graduated vs volume on the same usage', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('PG', 0, { priceModel: 'graduated', tiers: TIERS, unit: 'E34' }), product('PV', 0, { priceModel: 'volume', tiers: TIERS, unit: 'E34' })],
      Subscriptions: [subscription('S1', 'A1')],
      Transactions: [tx('T1', 'S1', 'PG', '2026-11-03', 250), tx('T2', 'S1', 'PG', '2026-11-20', 350), tx('T3', 'S1', 'PV', '2026-11-03', 250), tx('T4', 'S1', 'PV', '2026-11-20', 350)],
    });
    const run = runInvoicing(p, NOV);
    expect(run.failed).toEqual([]);
    const lines = linesOf(p, run.drafts[0].invoiceId).map((l) => [l['Product ID'], l['Description'], String(l['Quantity']), amt(l['Unit Price']), amt(l['Net'])]);
    // 600 units each. Graduated: 100 × 0.10 = 10.00; 400 × 0.08 = 32.00 + fee 5.00; 100 × 0.05 = 5.00 → 52.00
    // Volume: 600 falls in 501+: 600 × 0.05 = 30.00
    expect(lines).toEqual([
      ['PG', 'Product PG (1–100)', '100', '0.10', '10.00'],
      ['PG', 'Product PG (101–500)', '400', '0.08', '32.00'],
      ['PG', 'Product PG (101–500 fee)', '1', '5.00', '5.00'],
      ['PG', 'Product PG (501+)', '100', '0.05', '5.00'],
      ['PV', 'Product PV (501+)', '600', '0.05', '30.00'],
    ]);
    // 52.00 + 30.00 = 82.00; 19% = 15.58; gross 97.58
    expect(totalsOf(p, run.drafts[0].invoiceId)).toEqual(['82.00', '15.58', '97.58', '0.00', '97.58']);
  });

  it('tier bounds are inclusive: 500 units stay in 101-500 (volume)', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('PV', 0, { priceModel: 'volume', tiers: TIERS })],
      Subscriptions: [subscription('S1', 'A1')],
      Transactions: [tx('T1', 'S1', 'PV', '2026-11-03', 500)],
    });
    const run = runInvoicing(p, NOV);
    // 500 × 0.08 = 40.00 + tier fee 5.00 = 45.00
    expect(run.drafts[0].net).toBe('45.00');
  });

  it('tiers with a gap are an error of the Products row (Tiers column, product id); the subscription using it waits, naming that row', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('PX', 0, { priceModel: 'graduated', tiers: '1-100: 0.10; 201+: 0.05' }), product('P1', '10.00')],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A1')],
      Items: [item('I1', 'S1', 'PX', { quantity: 150 }), item('I2', 'S2', 'P1')],
    });
    const run = runInvoicing(p, NOV);
    expect(run.rowErrors.map((e) => [e.sheet, e.row, e.column, e.value, e.message])).toEqual([
      ['Products', 2, 'Tiers', '1-100: 0.10; 201+: 0.05', 'product PX: gap between 100 and 201 before tier 2'],
      ['Items', 2, 'Product ID', 'PX', 'product "PX" cannot be billed: its Products row 2 has an error in Tiers'],
    ]);
    expect(run.failed.map((f) => f.subscriptionId)).toEqual(['S1']);
    expect(run.drafts.map((d) => [d.subscriptionId, d.net])).toEqual([['S2', '10.00']]);
  });

  it('overlapping tiers ("1-100: …; 50+: …") are an error of the Products row; a tier starting at the previous upper bound ("1-100; 100+") means above it', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('PO', 0, { priceModel: 'graduated', tiers: '1-100: 0.10; 50+: 0.05' }), product('PB', 0, { priceModel: 'graduated', tiers: '1-100: 0.10; 100+: 0.05' })],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'PB', { quantity: 101 })],
    });
    const run = runInvoicing(p, NOV);
    expect(run.rowErrors.map((e) => [e.sheet, e.row, e.column, e.message])).toEqual([['Products', 2, 'Tiers', 'product PO: tier 2 starts at 50, overlapping the previous tier that ends at 100']]);
    // 100 × 0.10 + 1 × 0.05: unit 101 is the first above the bound 100.
    expect(run.drafts.map((d) => d.net)).toEqual(['10.05']);
  });

  it('a tiered product needs no Price (it is ignored); per_unit, flat and package products without one are errors of their row', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('PT', '', { priceModel: 'volume', tiers: '1-10: 2; 11+: 1' }), product('PU', ''), product('PG', '', { priceModel: 'graduated' })],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'PT', { quantity: 3 })],
    });
    const run = runInvoicing(p, NOV);
    expect(run.rowErrors.map((e) => [e.sheet, e.row, e.column, e.message])).toEqual([
      ['Products', 3, 'Price', 'product PU: Price is required for price model per_unit (only graduated and volume take their prices from Tiers)'],
      ['Products', 4, 'Tiers', 'product PG: Tiers are required for price model graduated, e.g. "1-100: 0.10; 101+: 0.08"'],
    ]);
    expect(run.drafts.map((d) => d.net)).toEqual(['6.00']);
  });

  it('7 package pricing (per started block, free units)', () => {
    const pk = product('PK', '10.00', { priceModel: 'package', packageSize: 100, freeUnits: 50 });
    const p = ports({
      Accounts: [account('A1')],
      Products: [pk],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A1'), subscription('S3', 'A1')],
      Transactions: [tx('T1', 'S1', 'PK', '2026-11-02', 200), tx('T2', 'S1', 'PK', '2026-11-09', 51), tx('T3', 'S2', 'PK', '2026-11-02', 50), tx('T4', 'S3', 'PK', '2026-11-02', 150)],
    });
    const run = runInvoicing(p, NOV);
    // S1: 251 − 50 free = 201 → ceil(201/100) = 3 packages × 10.00 = 30.00
    // S2: 50 − 50 free = 0 → nothing to bill, no draft
    // S3: 150 − 50 = 100 → exactly 1 package = 10.00
    expect(run.drafts.map((d) => [d.subscriptionId, d.net])).toEqual([
      ['S1', '30.00'],
      ['S3', '10.00'],
    ]);
    const [l] = linesOf(p, run.drafts[0].invoiceId);
    expect([l['Description'], String(l['Quantity']), amt(l['Unit Price'])]).toEqual(['Product PK (3 × 100)', '3', '10.00']);
  });

  it('8 discount + price increase', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '100.00')],
      Subscriptions: [
        subscription('S1', 'A1', { priceIncreasePercent: 10, priceIncreaseFrom: '2026-12-01' }),
        subscription('S2', 'A1', { startDate: '2026-10-01', billingPeriod: 'quarterly', priceIncreasePercent: 10, priceIncreaseFrom: '2026-11-15' }),
      ],
      Items: [item('I1', 'S1', 'P1', { discountPercent: 20 }), item('I2', 'S2', 'P1', { quantity: 2 })],
    });
    const oct = runInvoicing(p, OCT);
    // S2: quarter Oct–Dec starts 10-01, before the increase date: 2 × 100.00 = 200.00
    expect(oct.drafts.map((d) => [d.subscriptionId, d.net])).toEqual([['S2', '200.00']]);
    expect(finalizeInvoices(p, { invoiceDate: '2026-10-31' }).failed).toEqual([]);

    const nov = runInvoicing(p, NOV);
    const [n] = linesOf(p, nov.drafts[0].invoiceId);
    // November starts before 12-01: 100.00 − 20% = 80.00
    expect([amt(n['Unit Price']), String(n['Discount %']), amt(n['Net'])]).toEqual(['100.00', '20', '80.00']);
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);

    const dec = runInvoicing(p, DEC);
    expect(dec.drafts.map((d) => d.subscriptionId)).toEqual(['S1']);
    const [d] = linesOf(p, dec.drafts[0].invoiceId);
    // December: 100.00 × 1.10 = 110.00, less 20% = 88.00; tax 16.72; gross 104.72
    expect([amt(d['Unit Price']), amt(d['Net'])]).toEqual(['110.00', '88.00']);
    expect(totalsOf(p, dec.drafts[0].invoiceId)).toEqual(['88.00', '16.72', '104.72', '0.00', '104.72']);
    expect(finalizeInvoices(p, { invoiceDate: '2026-12-31' }).failed).toEqual([]);

    const jan = runInvoicing(p, { periodStart: '2027-01-01', periodEnd: '2027-01-31' });
    const s2 = jan.drafts.find((x) => x.subscriptionId === 'S2')!;
    // S2's Q1 2027 starts after 11-15: 2 × 110.00 = 220.00
    expect(s2.net).toBe('220.00');
  });

  it('price increase keeps sub-cent prices and raises tier prices and fees', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', 0.0125), product('PG', 0, { priceModel: 'graduated', tiers: '1-100: 0.10; 101+: 0.08 + 5' })],
      Subscriptions: [subscription('S1', 'A1', { priceIncreasePercent: 10, priceIncreaseFrom: '2026-11-01' })],
      Items: [item('I1', 'S1', 'P1', { quantity: 1000 }), item('I2', 'S1', 'PG', { quantity: 150 })],
    });
    const run = runInvoicing(p, NOV);
    const lines = linesOf(p, run.drafts[0].invoiceId).map((l) => [String(l['Quantity']), String(l['Unit Price']), amt(l['Net'])]);
    expect(lines).toEqual([
      // 0.0125 × 1.10 = 0.01375 (kept, not rounded to 0.01); × 1000 = 13.75
      ['1000', '0.01375', '13.75'],
      // 100 × (0.10 × 1.10 = 0.11) = 11.00
      ['100', '0.11', '11.00'],
      // 50 × (0.08 × 1.10 = 0.088) = 4.40
      ['50', '0.088', '4.40'],
      // fee 5.00 × 1.10 = 5.50
      ['1', '5.5', '5.50'],
    ]);
    // 13.75 + 11.00 + 4.40 + 5.50 = 34.65
    expect(run.drafts[0].net).toBe('34.65');
  });

  it('30 rounding balances: tax computed once per group', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', 0.333), product('P2', 0.333), product('P3', 0.333)],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S1', 'P2'), item('I3', 'S1', 'P3')],
    });
    const run = runInvoicing(p, NOV);
    const id = run.drafts[0].invoiceId;
    // Each line: 0.333 → 0.33; net 0.99; tax round(0.99 × 19% = 0.1881) = 0.19
    // (per-line tax would be 3 × round(0.0627) = 0.18)
    expect(linesOf(p, id).map((l) => amt(l['Net']))).toEqual(['0.33', '0.33', '0.33']);
    expect(totalsOf(p, id)).toEqual(['0.99', '0.19', '1.18', '0.00', '1.18']);
  });

  it('rounds half away from zero by default and half-even when the tenant says so', () => {
    const rows = (mode?: string) => ({
      Settings: [{ ...DE_TENANT, ...(mode ? { roundingMode: mode } : {}) }],
      Accounts: [account('A1')],
      Products: [product('P1', 0.125)],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1')],
    });
    // 0.125: half-up → 0.13 (tax 0.0247 → 0.02); half-even → 0.12 (tax 0.0228 → 0.02)
    const up = runInvoicing(ports(rows()), NOV).drafts[0];
    expect([up.net, up.tax, up.gross]).toEqual(['0.13', '0.02', '0.15']);
    const even = runInvoicing(ports(rows('half-even')), NOV).drafts[0];
    expect([even.net, even.tax, even.gross]).toEqual(['0.12', '0.02', '0.14']);
  });

  it('flat price ignores quantity; item unit price overrides the product price', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('PF', '49.00', { priceModel: 'flat' }), product('P1', '10.00')],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'PF', { quantity: 7 }), item('I2', 'S1', 'P1', { quantity: 3, unitPrice: '12.50' })],
    });
    const run = runInvoicing(p, NOV);
    // flat: 1 × 49.00; override: 3 × 12.50 = 37.50; net 86.50; tax 16.435 → 16.44
    expect(linesOf(p, run.drafts[0].invoiceId).map((l) => [String(l['Quantity']), amt(l['Net'])])).toEqual([
      ['1', '49.00'],
      ['3', '37.50'],
    ]);
    expect([run.drafts[0].net, run.drafts[0].tax, run.drafts[0].gross]).toEqual(['86.50', '16.44', '102.94']);
  });
});
