import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { account, item, ports, product, subscription, table } from '../support/fixtures';

describe('a first run', () => {
  it('bills a monthly subscription, finalizes it with a number and verifies the ledger', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1', { quantity: 3 })],
    });
    const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    expect(run.failed).toEqual([]);
    expect(run.rowErrors).toEqual([]);
    expect(run.drafts.map((d) => [d.net, d.tax, d.gross])).toEqual([['300.00', '57.00', '357.00']]);
    const fin = finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect(fin.failed).toEqual([]);
    expect(fin.invoices[0].number).toBe('INV-2026-00001');
    expect(table(p, 'Items')[0]['Billed Until']).toBe('2026-11-30');
    expect(verifyLedger(p).problems).toEqual([]);
    const again = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    expect(again.drafts).toEqual([]);
  });
});
