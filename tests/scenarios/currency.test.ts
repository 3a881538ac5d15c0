// Currencies end to end: CHF cash rounding, zero-decimal JPY, a product priced in another currency.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { CH_TENANT, NOV, account, amt, invoiceRow, item, linesOf, ports, product, subscription, table, totalsOf } from './helpers';

describe('currency', () => {
  it('12 CHF rounding', () => {
    const p = ports({
      Settings: [CH_TENANT],
      Accounts: [account('A1', { country: 'CH', tenantId: 'CH' })],
      Products: [product('P1', '10.40'), product('P2', '10.38')],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A1')],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P2')],
    });
    const run = runInvoicing(p, NOV);
    expect(run.failed).toEqual([]);
    const [a, b] = run.drafts;
    expect([a.currency, b.currency]).toEqual(['CHF', 'CHF']);
    // 10.40 × 8.1% = 0.8424 → 0.84; gross 11.24 → payable 11.25 (rounding +0.01)
    expect(totalsOf(p, a.invoiceId)).toEqual(['10.40', '0.84', '11.24', '0.01', '11.25']);
    // 10.38 × 8.1% = 0.84078 → 0.84; gross 11.22 → payable 11.20 (rounding −0.02)
    expect(totalsOf(p, b.invoiceId)).toEqual(['10.38', '0.84', '11.22', '-0.02', '11.20']);
    expect(invoiceRow(p, a.invoiceId)['Tax Summary']).toBe('S 8.1%: 10.40 → 0.84');
    const fin = finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect(fin.invoices.map((i) => [i.number, i.payable])).toEqual([
      ['CH-2026-0001', '11.25'],
      ['CH-2026-0002', '11.20'],
    ]);
    // The credit note mirrors the cash rounding too.
    const cn = cancelInvoice(p, { invoiceId: a.invoiceId }).invoices.find((i) => i.type === 'credit_note')!;
    expect(cn.number).toBe('CHG-2026-0001');
    expect(totalsOf(p, cn.invoiceId)).toEqual(['-10.40', '-0.84', '-11.24', '-0.01', '-11.25']);
  });

  it('13 JPY', () => {
    const p = ports({
      Accounts: [account('A1', { currency: 'JPY' })],
      Products: [product('P1', 1234)],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1', { quantity: 3, discountPercent: 15 })],
    });
    const run = runInvoicing(p, NOV);
    const d = run.drafts[0];
    // 3 × 1234 = 3702, less 15% = 3146.7 → 3147; tax 19% = 597.93 → 598; gross 3745
    expect([d.currency, d.net, d.tax, d.gross, d.payable]).toEqual(['JPY', '3147', '598', '3745', '3745']);
    expect(totalsOf(p, d.invoiceId, 0)).toEqual(['3147', '598', '3745', '0', '3745']);
    expect(String(invoiceRow(p, d.invoiceId)['Net'])).toBe('3147');
    expect(invoiceRow(p, d.invoiceId)['Tax Summary']).toBe('S 19%: 3147 → 598');
    // Proration in JPY rounds to whole yen: 16/30 × 1000 = 533.33 → 533
    const q = ports({
      Accounts: [account('A1', { currency: 'JPY' })],
      Products: [product('P1', 1000)],
      Subscriptions: [subscription('S1', 'A1', { startDate: '2026-11-15' })],
      Items: [item('I1', 'S1', 'P1')],
    });
    const r = runInvoicing(q, NOV);
    expect(amt(linesOf(q, r.drafts[0].invoiceId)[0]['Net'], 0)).toBe('533');
    // 533 × 19% = 101.27 → 101
    expect([r.drafts[0].net, r.drafts[0].tax]).toEqual(['533', '101']);
  });

  it('29 currency mismatch', () => {
    const p = ports({
      Accounts: [account('A1'), account('A2')],
      Products: [product('PU', '50.00', { currency: 'USD' }), product('PE', '40.00', { currency: 'EUR' })],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A2')],
      Items: [item('I1', 'S1', 'PU'), item('I2', 'S2', 'PU', { unitPrice: '45.00' }), item('I3', 'S3', 'PE')],
    });
    const run = runInvoicing(p, NOV);
    expect(run.status).toBe('done_with_errors');
    expect(run.failed.map((f) => [f.subscriptionId, f.accountId, f.reason])).toEqual([['S1', 'A1', 'product PU is priced in USD but the invoice is in EUR: set a Unit Price on the item']]);
    // The item's own price (EUR) is used; the EUR product bills normally.
    expect(run.drafts.map((d) => [d.subscriptionId, d.currency, d.net])).toEqual([
      ['S2', 'EUR', '45.00'],
      ['S3', 'EUR', '40.00'],
    ]);
    const [runRow] = table(p, 'Runs');
    expect([runRow['Errors'], runRow['Remaining'], runRow['Status']]).toEqual([1, 'S1', 'done_with_errors']);
    // A USD subscription can use the USD product.
    const q = ports({
      Accounts: [account('A1')],
      Products: [product('PU', '50.00', { currency: 'usd' })],
      Subscriptions: [subscription('S1', 'A1', { currency: 'USD' })],
      Items: [item('I1', 'S1', 'PU')],
    });
    const r = runInvoicing(q, NOV);
    expect(r.drafts.map((d) => [d.currency, d.net, d.gross])).toEqual([['USD', '50.00', '59.50']]);
  });
});
