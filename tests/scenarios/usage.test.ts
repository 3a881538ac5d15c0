// Usage transactions end to end: aggregated or one line each, linked to drafts, numbered at
// finalization, never billed twice, released on cancel.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import type { Cell } from '../../src/core/cells';
import { DE_TENANT, NOV, account, amt, appendRow, item, linesOf, ports, product, subscription, table } from './helpers';

const tx = (id: string, date: string, quantity: number, extra: Record<string, Cell> = {}) => ({ transactionId: id, subscriptionId: 'S1', productId: 'PU', date, quantity, ...extra });

const usageRows = (usageLines: 'aggregate' | 'each') => ({
  Settings: [{ ...DE_TENANT, usageLines }],
  Accounts: [account('A1')],
  Products: [product('PU', '0.50', { unit: 'MIN' })],
  Subscriptions: [subscription('S1', 'A1')],
  Transactions: [
    tx('T1', '2026-11-05', 10),
    tx('T2', '2026-11-20', 5, { description: 'Call to Paris' }),
    tx('T3', '2026-10-31', 7),
    tx('T4', '2026-12-01', 3),
    tx('T5', '2026-11-12', 2, { unitPrice: '2.00' }),
  ],
});

const txState = (p: Parameters<typeof table>[0]) => table(p, 'Transactions').map((t) => [t['Transaction ID'], t['Invoice ID'], t['Invoice Number']]);

describe('usage', () => {
  it('18 usage aggregated vs each', () => {
    const agg = ports(usageRows('aggregate'));
    const run = runInvoicing(agg, NOV);
    const id = run.drafts[0].invoiceId;
    // One line per product and price: T1 + T2 = 15 min × 0.50 = 7.50 (11-05..11-20); T5 at its own price 2 × 2.00 = 4.00
    expect(linesOf(agg, id).map((l) => [l['Kind'], l['Service Start'], l['Service End'], String(l['Quantity']), amt(l['Unit Price']), amt(l['Net']), l['Transactions']])).toEqual([
      ['usage', '2026-11-05', '2026-11-20', '15', '0.50', '7.50', ''],
      ['usage', '2026-11-12', '2026-11-12', '2', '2.00', '4.00', ''],
    ]);
    // 11.50 + 19% 2.185 → 2.19 = 13.69
    expect([run.drafts[0].net, run.drafts[0].tax, run.drafts[0].gross]).toEqual(['11.50', '2.19', '13.69']);
    // Linked on the draft; outside the period (T3, T4) not billed and not linked.
    expect(txState(agg)).toEqual([
      ['T1', id, ''],
      ['T2', id, ''],
      ['T3', '', ''],
      ['T4', '', ''],
      ['T5', id, ''],
    ]);
    finalizeInvoices(agg, { invoiceDate: '2026-11-30' });
    expect(txState(agg)).toEqual([
      ['T1', id, 'INV-2026-00001'],
      ['T2', id, 'INV-2026-00001'],
      ['T3', '', ''],
      ['T4', '', ''],
      ['T5', id, 'INV-2026-00001'],
    ]);

    const each = ports(usageRows('each'));
    const r2 = runInvoicing(each, NOV);
    const id2 = r2.drafts[0].invoiceId;
    // One line per transaction, with its own text and id, by date: 10 × 0.50 = 5.00; 2 × 2.00 = 4.00; 5 × 0.50 = 2.50
    expect(linesOf(each, id2).map((l) => [l['Description'], l['Service Start'], String(l['Quantity']), amt(l['Net']), l['Transactions']])).toEqual([
      ['Product PU', '2026-11-05', '10', '5.00', 'T1'],
      ['Product PU', '2026-11-12', '2', '4.00', 'T5'],
      ['Call to Paris', '2026-11-20', '5', '2.50', 'T2'],
    ]);
    // Same total as aggregated: 11.50, tax once on the group: 2.19
    expect([r2.drafts[0].net, r2.drafts[0].tax]).toEqual(['11.50', '2.19']);
  });

  it('already invoiced usage is not billed again; late usage goes on a new invoice', () => {
    const p = ports(usageRows('aggregate'));
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect(runInvoicing(p, NOV).drafts).toEqual([]);
    appendRow(p, 'Transactions', { 'Transaction ID': 'T6', 'Subscription ID': 'S1', 'Product ID': 'PU', Date: '2026-11-25', Quantity: 4 });
    const late = runInvoicing(p, NOV);
    expect(late.drafts.map((d) => [d.invoiceId, d.net])).toEqual([['I-000002', '2.00']]);
    expect(linesOf(p, 'I-000002').map((l) => [String(l['Quantity']), amt(l['Net'])])).toEqual([['4', '2.00']]);
  });

  it('cancel releases transactions on request', () => {
    const p = ports(usageRows('aggregate'));
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    cancelInvoice(p, { invoiceId: 'I-000001', releaseTransactions: true });
    expect(txState(p)).toEqual([
      ['T1', '', ''],
      ['T2', '', ''],
      ['T3', '', ''],
      ['T4', '', ''],
      ['T5', '', ''],
    ]);
    const again = runInvoicing(p, NOV);
    // Billed again on a new draft: 7.50 + 4.00
    expect(again.drafts.map((d) => [d.invoiceId, d.net])).toEqual([['I-000003', '11.50']]);
    expect(
      txState(p)
        .filter((t) => t[1] === 'I-000003')
        .map((t) => t[0]),
    ).toEqual(['T1', 'T2', 'T5']);
  });

  it('cancel without release keeps the transactions on the cancelled invoice', () => {
    const p = ports(usageRows('aggregate'));
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    cancelInvoice(p, { invoiceId: 'I-000001' });
    expect(txState(p)[0]).toEqual(['T1', 'I-000001', 'INV-2026-00001']);
    expect(runInvoicing(p, NOV).drafts).toEqual([]);
  });

  it('a re-run releases transactions that left the draft', () => {
    const p = ports(usageRows('aggregate'));
    runInvoicing(p, NOV);
    // The user corrects T2's date into December.
    const t = p.tables.sheets.get('Transactions')!;
    t.rows[1][t.headers.indexOf('Date')] = '2026-12-02';
    const again = runInvoicing(p, NOV);
    // 10 × 0.50 = 5.00 + 4.00 = 9.00
    expect(again.drafts.map((d) => [d.invoiceId, d.net])).toEqual([['I-000001', '9.00']]);
    expect(txState(p)).toEqual([
      ['T1', 'I-000001', ''],
      ['T2', '', ''],
      ['T3', '', ''],
      ['T4', '', ''],
      ['T5', 'I-000001', ''],
    ]);
  });

  it('usage item discount and description apply to usage lines', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('PU', '0.50')],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('IU', 'S1', 'PU', { billingType: 'usage', description: 'Minutes', discountPercent: 10 })],
      Transactions: [tx('T1', '2026-11-05', 101)],
    });
    const run = runInvoicing(p, NOV);
    const [l] = linesOf(p, run.drafts[0].invoiceId);
    // 101 × 0.50 = 50.50, less 10% = 45.45
    expect([l['Description'], l['Item ID'], amt(l['Net'])]).toEqual(['Minutes', 'IU', '45.45']);
  });
});
