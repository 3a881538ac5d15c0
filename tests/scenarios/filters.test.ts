// Run scope: subscription and transaction filters (Filters sheet, the user's own columns), tenants, invoice per account.
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { DE_TENANT, NOV, account, addUserColumn, amt, cell, invoiceRow, item, linesOf, ports, product, subscription, table } from './helpers';

describe('filters and scope', () => {
  it('19 transaction filters and subscription filter', () => {
    const p = ports({
      Accounts: [account('A1'), account('A2')],
      Products: [product('PU', '1.00'), product('P1', '10.00')],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2')],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1')],
      Transactions: [
        { transactionId: 'T1', subscriptionId: 'S1', productId: 'PU', date: '2026-11-05', quantity: 3, category: 'call' },
        { transactionId: 'T2', subscriptionId: 'S1', productId: 'PU', date: '2026-11-06', quantity: 4, category: 'SMS' },
      ],
      Filters: [
        { name: 'North', appliesTo: 'Subscriptions', column: 'Region', operator: 'equals', value: 'north' },
        { name: 'Calls', appliesTo: 'Transactions', column: 'Category', operator: 'equals', value: 'Call' },
      ],
    });
    addUserColumn(p, 'Subscriptions', 'Region', ['North', 'South']);
    const run = runInvoicing(p, { ...NOV, filter: 'North', transactionFilters: ['Calls'] });
    expect(run.inScope).toBe(1);
    expect(run.drafts.map((d) => d.subscriptionId)).toEqual(['S1']);
    // 10.00 + 3 × 1.00 (calls only) = 13.00
    expect(linesOf(p, run.drafts[0].invoiceId).map((l) => [l['Product ID'], amt(l['Net'])])).toEqual([
      ['P1', '10.00'],
      ['PU', '3.00'],
    ]);
    expect(table(p, 'Transactions').map((t) => [t['Transaction ID'], t['Invoice ID']])).toEqual([
      ['T1', 'I-000001'],
      ['T2', ''],
    ]);
    const [runRow] = table(p, 'Runs');
    expect([runRow['Filter'], runRow['Transaction Filters'], runRow['In Scope']]).toEqual(['North', 'Calls', 1]);

    // Without filters: S1's draft is updated with the SMS too (3 + 4 = 7 × 1.00), S2 gets its own.
    const all = runInvoicing(p, NOV);
    expect(all.drafts.map((d) => [d.invoiceId, d.subscriptionId, d.net])).toEqual([
      ['I-000001', 'S1', '17.00'],
      ['I-000002', 'S2', '10.00'],
    ]);

    // An unknown filter or column stops the run before anything is written.
    expect(() => runInvoicing(p, { ...NOV, filter: 'Nope' })).toThrow('no Subscriptions filter named "Nope" in the Filters sheet');
    expect(table(p, 'Runs')).toHaveLength(2);
  });

  it('subscription filter on a schema column with the in operator, and the subscription list', () => {
    const p = ports({
      Accounts: [account('A1')],
      Products: [product('P1', '10.00')],
      Subscriptions: [subscription('S1', 'A1', { tag: 'gold' }), subscription('S2', 'A1', { tag: 'silver' }), subscription('S3', 'A1')],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1')],
      Filters: [{ name: 'Paid tiers', appliesTo: 'Subscriptions', column: 'Tag', operator: 'in', value: 'Gold, Silver' }],
    });
    expect(runInvoicing(p, { ...NOV, filter: 'paid tiers' }).drafts.map((d) => d.subscriptionId)).toEqual(['S1', 'S2']);
    expect(runInvoicing(p, { ...NOV, subscriptionIds: ['S3'] }).drafts.map((d) => d.subscriptionId)).toEqual(['S3']);
    // The filtered runs left each other's drafts alone.
    expect(table(p, 'Invoices').map((i) => i['Subscription ID'])).toEqual(['S1', 'S2', 'S3']);
  });

  it('20 invoice per account', () => {
    const p = ports({
      Settings: [{ ...DE_TENANT, invoicePer: 'account' }],
      Accounts: [account('A1'), account('A2')],
      Products: [product('P1', '100.00'), product('P2', '20.00')],
      Subscriptions: [
        subscription('S1', 'A1', { orderReference: 'PO-1' }),
        subscription('S2', 'A1', { orderReference: 'PO-2' }),
        subscription('S3', 'A2'),
        subscription('S4', 'A1', { currency: 'USD' }),
      ],
      Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P2', { quantity: 2 }), item('I3', 'S3', 'P1'), item('I4', 'S4', 'P2')],
    });
    const run = runInvoicing(p, NOV);
    // A1 EUR: 100.00 + 2 × 20.00 = 140.00; A2: 100.00; A1 USD: its own invoice 20.00
    expect(run.drafts.map((d) => [d.accountId, d.subscriptionId, d.currency, d.net])).toEqual([
      ['A1', undefined, 'EUR', '140.00'],
      ['A2', undefined, 'EUR', '100.00'],
      ['A1', undefined, 'USD', '20.00'],
    ]);
    const a1 = invoiceRow(p, run.drafts[0].invoiceId);
    expect([a1['Draft Key'], a1['Subscription ID'], a1['Order Reference']]).toEqual(['A:A1:DE:EUR:2026-11-01..2026-11-30', '', 'PO-1, PO-2']);
    expect(linesOf(p, run.drafts[0].invoiceId).map((l) => [l['Item ID'], amt(l['Net'])])).toEqual([
      ['I1', '100.00'],
      ['I2', '40.00'],
    ]);
    // A re-run updates the same account drafts.
    expect(runInvoicing(p, NOV).drafts.map((d) => d.invoiceId)).toEqual(run.drafts.map((d) => d.invoiceId));
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
    expect(['I1', 'I2', 'I4'].map((i) => cell(p, 'Items', 'Item ID', i, 'Billed Until'))).toEqual(['2026-11-30', '2026-11-30', '2026-11-30']);
  });

  it('inactive accounts, non-active subscriptions and inactive items are not billed', () => {
    const p = ports({
      Accounts: [account('A1'), account('A2', { status: 'Inactive' })],
      Products: [product('P1', '10.00'), product('P2', '5.00', { active: false })],
      Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2'), subscription('S3', 'A1', { status: 'Paused' }), subscription('S4', 'A1', { startDate: '2026-12-01' })],
      Items: [item('I1', 'S1', 'P1'), item('I1b', 'S1', 'P1', { status: 'Inactive' }), item('I2', 'S2', 'P1'), item('I3', 'S3', 'P1'), item('I4', 'S4', 'P1')],
    });
    const run = runInvoicing(p, NOV);
    expect(run.inScope).toBe(1);
    expect(run.drafts.map((d) => [d.subscriptionId, d.net])).toEqual([['S1', '10.00']]);
    // An inactive product on an active item fails that subscription with the reason.
    const q = ports({
      Accounts: [account('A1')],
      Products: [product('P2', '5.00', { active: false })],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P2')],
    });
    expect(runInvoicing(q, NOV).failed.map((f) => f.reason)).toEqual(['product P2 is inactive']);
  });
});
