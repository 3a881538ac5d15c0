// Properties of whole runs over random workbooks: deterministic drafts, totals invariants,
// and cancel producing the exact mirror of what it cancels.
import fc from 'fast-check';
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { loadDataset } from '../../src/core/dataset';
import { planRun } from '../../src/core/plan';
import { D } from '../../src/core/money';
import { NOV, account, item, ports, product, subscription, workbook, type Rows } from './helpers';

const date = fc
  .record({ m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }), y: fc.constantFrom(2025, 2026) })
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

const subSpec = fc.record({
  start: date,
  end: fc.option(date, { nil: undefined }),
  period: fc.constantFrom('monthly', 'quarterly', 'semiannual', 'annual'),
  timing: fc.constantFrom('advance', 'arrears'),
  alignment: fc.constantFrom('calendar', 'start'),
  country: fc.constantFrom('DE', 'FR', 'US', 'AT'),
  b2b: fc.boolean(),
  items: fc.array(
    fc.record({
      product: fc.constantFrom('P-UNIT', 'P-FLAT', 'P-GRAD', 'P-VOL', 'P-PACK'),
      qty: fc.integer({ min: 1, max: 400 }),
      discount: fc.constantFrom('', 5, 12.5),
      type: fc.constantFrom('recurring', 'recurring', 'one_time'),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

const PRODUCTS = [
  product('P-UNIT', '9.99'),
  product('P-FLAT', '120.00', { priceModel: 'flat' }),
  product('P-GRAD', '0', { priceModel: 'graduated', tiers: '1-100: 0.10; 101-300: 0.08 + 5; 301+: 0.05' }),
  product('P-VOL', '0', { priceModel: 'volume', tiers: '1-100: 0.10; 101-300: 0.08 + 5; 301+: 0.05' }),
  product('P-PACK', '25.00', { priceModel: 'package', packageSize: 50, freeUnits: 10 }),
];

type Spec = typeof subSpec extends fc.Arbitrary<infer T> ? T : never;

function rows(specs: Spec[]): Rows {
  return {
    Accounts: specs.map((s, i) => account(`A${i}`, { country: s.country, customerType: s.b2b ? 'B2B' : 'B2C', vatId: s.b2b ? `X${i}` : '' })),
    Products: PRODUCTS,
    Subscriptions: specs.map((s, i) =>
      subscription(`S${i}`, `A${i}`, {
        startDate: s.start,
        endDate: s.end && s.end >= s.start ? s.end : '',
        billingPeriod: s.period,
        billingTiming: s.timing,
        alignment: s.alignment,
      }),
    ),
    Items: specs.flatMap((s, i) => s.items.map((it, k) => item(`I${i}-${k}`, `S${i}`, it.product, { quantity: it.qty, discountPercent: it.discount, billingType: it.type }))),
  };
}

const workbooks = fc.array(subSpec, { minLength: 1, maxLength: 6 });

describe('run properties', () => {
  it('planning the same workbook twice gives identical drafts, and every draft satisfies the totals invariants', () => {
    fc.assert(
      fc.property(workbooks, (specs) => {
        const plan = () => {
          const wb = workbook(rows(specs));
          return planRun(loadDataset(Object.fromEntries([...wb.sheets].map(([k, v]) => [k, v]))), { runId: 'R', ...NOV });
        };
        const a = plan();
        const b = plan();
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        expect(a.failed).toEqual([]);
        for (const d of a.drafts) {
          const i = d.invoice;
          expect(i.net.toFixed(2)).toBe(d.lines.reduce((s, l) => s.plus(l.net), new D(0)).toFixed(2));
          expect(i.gross.toFixed(2)).toBe(i.net.plus(i.tax).toFixed(2));
          expect(i.payable.toFixed(2)).toBe(i.gross.plus(i.rounding).toFixed(2));
          for (const l of d.lines) expect(l.net.decimalPlaces()).toBeLessThanOrEqual(2);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('finalize then cancel: each credit note is the exact negation of its invoice, and re-billing gives the same totals', () => {
    fc.assert(
      fc.property(workbooks, (specs) => {
        const p = ports(rows(specs));
        const first = runInvoicing(p, NOV);
        const fin = finalizeInvoices(p, { invoiceDate: '2026-11-30' });
        expect(fin.failed).toEqual([]);
        for (const inv of fin.invoices) {
          const note = cancelInvoice(p, { invoiceId: inv.invoiceId }).invoices.find((x) => x.type === 'credit_note')!;
          expect([note.net, note.tax, note.gross, note.payable]).toEqual([inv.net, inv.tax, inv.gross, inv.payable].map((v) => new D(v).neg().toFixed(2)));
        }
        // Cancelling gave back what was billed: the same period bills the same amounts again.
        const again = runInvoicing(p, NOV);
        expect(again.drafts.map((d) => [d.accountId, d.payable])).toEqual(first.drafts.map((d) => [d.accountId, d.payable]));
      }),
      { numRuns: 25 },
    );
  });
});
