// Gapless numbers per tenant and range, resets, formats, and the tamper-evident hash chain.
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { CH_TENANT, DE_TENANT, DEC, NOV, account, deleteRow, edit, invoiceRow, item, ports, product, subscription, table, threeCustomers } from './helpers';

const JAN27 = { periodStart: '2027-01-01', periodEnd: '2027-01-31' };

const twoSubs = (tenant: Record<string, unknown> = {}) =>
  ports({
    Settings: [{ ...DE_TENANT, ...tenant }],
    Accounts: [account('A1'), account('A2')],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1')],
  });

const ranges = (p: Parameters<typeof table>[0]) => table(p, 'NumberRanges').map((r) => [r['Range'], r['Last Sequence'], r['Last Number']]);

describe('numbering', () => {
  it('14 two tenants with two number ranges', () => {
    const p = ports({
      Settings: [DE_TENANT, CH_TENANT],
      Accounts: [account('D1'), account('C1', { tenantId: 'CH', country: 'CH' }), account('D2', { tenantId: 'DE' })],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S-D1', 'D1'), subscription('S-C1', 'C1'), subscription('S-D2', 'D2'), subscription('S-C2', 'C1')],
      Items: [item('I1', 'S-D1', 'P1'), item('I2', 'S-C1', 'P1'), item('I3', 'S-D2', 'P1'), item('I4', 'S-C2', 'P1')],
    });
    const run = runInvoicing(p, NOV);
    // DE: 100.00 EUR + 19%; CH: 100.00 CHF + 8.1% = 108.10
    expect(run.drafts.map((d) => [d.subscriptionId, d.tenantId, d.currency, d.gross])).toEqual([
      ['S-D1', 'DE', 'EUR', '119.00'],
      ['S-C1', 'CH', 'CHF', '108.10'],
      ['S-D2', 'DE', 'EUR', '119.00'],
      ['S-C2', 'CH', 'CHF', '108.10'],
    ]);
    // Finalize one tenant at a time.
    expect(finalizeInvoices(p, { tenantId: 'CH' }).invoices.map((i) => [i.subscriptionId, i.number])).toEqual([
      ['S-C1', 'CH-2026-0001'],
      ['S-C2', 'CH-2026-0002'],
    ]);
    expect(finalizeInvoices(p).invoices.map((i) => [i.subscriptionId, i.number])).toEqual([
      ['S-D1', 'INV-2026-00001'],
      ['S-D2', 'INV-2026-00002'],
    ]);
    expect(ranges(p)).toEqual([
      ['CH/invoice/*', 2, 'CH-2026-0002'],
      ['DE/invoice/*', 2, 'INV-2026-00002'],
    ]);
    // Each range is its own hash chain, starting empty.
    const rows = table(p, 'Invoices');
    const byNumber = new Map(rows.map((r) => [r['Number'], r]));
    expect(byNumber.get('CH-2026-0001')!['Previous Hash']).toBe('');
    expect(byNumber.get('INV-2026-00001')!['Previous Hash']).toBe('');
    expect(byNumber.get('CH-2026-0002')!['Previous Hash']).toBe(byNumber.get('CH-2026-0001')!['Hash']);
    expect(byNumber.get('INV-2026-00002')!['Previous Hash']).toBe(byNumber.get('INV-2026-00001')!['Hash']);
    expect(verifyLedger(p)).toEqual({ checked: 4, problems: [] });
  });

  it('23 gapless numbers with yearly reset setting, monthly reset, and a custom format', () => {
    // Yearly reset: the sequence restarts in 2027.
    const y = twoSubs({ numberReset: 'yearly' });
    runInvoicing(y, DEC);
    expect(finalizeInvoices(y, { invoiceDate: '2026-12-31' }).invoices.map((i) => i.number)).toEqual(['INV-2026-00001', 'INV-2026-00002']);
    runInvoicing(y, JAN27);
    expect(finalizeInvoices(y, { invoiceDate: '2027-01-02' }).invoices.map((i) => i.number)).toEqual(['INV-2027-00001', 'INV-2027-00002']);
    expect(ranges(y)).toEqual([
      ['DE/invoice/2026', 2, 'INV-2026-00002'],
      ['DE/invoice/2027', 2, 'INV-2027-00002'],
    ]);

    // No reset (the default, as France requires): the sequence goes on across the year.
    const n = twoSubs();
    runInvoicing(n, DEC);
    expect(finalizeInvoices(n, { invoiceDate: '2026-12-31' }).invoices.map((i) => i.number)).toEqual(['INV-2026-00001', 'INV-2026-00002']);
    runInvoicing(n, JAN27);
    expect(finalizeInvoices(n, { invoiceDate: '2027-01-02' }).invoices.map((i) => i.number)).toEqual(['INV-2027-00003', 'INV-2027-00004']);

    // Monthly reset with {tenant}-{yy}{mm}-{seq:3}.
    const m = twoSubs({ numberReset: 'monthly', numberFormat: '{tenant}-{yy}{mm}-{seq:3}' });
    runInvoicing(m, NOV);
    expect(finalizeInvoices(m, { invoiceDate: '2026-11-30' }).invoices.map((i) => i.number)).toEqual(['DE-2611-001', 'DE-2611-002']);
    runInvoicing(m, DEC);
    expect(finalizeInvoices(m, { invoiceDate: '2026-12-31' }).invoices.map((i) => i.number)).toEqual(['DE-2612-001', 'DE-2612-002']);
    expect(verifyLedger(m).problems).toEqual([]);
    // Invoice date and due date (14 days' terms) come with the number.
    const first = table(m, 'Invoices')[0];
    expect([first['Invoice Date'], first['Due Date'], first['Finalized By']]).toEqual(['2026-11-30', '2026-12-14', 'tester@example.com']);
  });

  it('a counter set back in NumberRanges never reuses a number', () => {
    const p = twoSubs();
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceIds: ['I-000001'] });
    edit(p, 'NumberRanges', 'Range', 'DE/invoice/*', { 'Last Sequence': 0 });
    const fin = finalizeInvoices(p);
    expect(fin.invoices).toEqual([]);
    expect(fin.failed).toEqual([{ invoiceId: 'I-000002', reason: 'number INV-2026-00001 is already used in the ledger: the counter of range DE/invoice/* in NumberRanges was changed' }]);
    expect(invoiceRow(p, 'I-000002')['Status']).toBe('Draft');
  });

  it('a number format without {seq} is refused at finalization', () => {
    const p = twoSubs({ numberFormat: 'INV-{yyyy}' });
    runInvoicing(p, NOV);
    const fin = finalizeInvoices(p);
    expect(fin.failed.map((f) => f.reason)).toEqual(['number format "INV-{yyyy}" has no {seq} token', 'number format "INV-{yyyy}" has no {seq} token']);
    expect(table(p, 'NumberRanges')).toEqual([]);
  });

  it('24 verify detects tampering', () => {
    const p = threeCustomers();
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    // A draft is not part of the ledger yet.
    runInvoicing(p, DEC);
    expect(verifyLedger(p)).toEqual({ checked: 3, problems: [] });
    // Status, delivery and file links may change; they are not what the invoice says.
    edit(p, 'Invoices', 'Invoice ID', 'I-000001', { Status: 'Paid', 'PDF URL': 'https://example.com/x.pdf' });
    expect(verifyLedger(p).problems).toEqual([]);

    const changed = 'content does not match its hash: the invoice or its lines were changed after finalization';
    edit(p, 'Invoices', 'Invoice ID', 'I-000002', { Net: 99 });
    expect(verifyLedger(p).problems.map((x) => [x.invoiceId, x.number, x.message])).toEqual([['I-000002', 'INV-2026-00002', changed]]);
    edit(p, 'Invoices', 'Invoice ID', 'I-000002', { Net: 100 });
    expect(verifyLedger(p).problems).toEqual([]);

    const lines = p.tables.sheets.get('InvoiceLines')!;
    const li = lines.rows.findIndex((r) => r[0] === 'I-000001');
    lines.rows[li][lines.headers.indexOf('Description')] = 'Something else';
    expect(verifyLedger(p).problems.map((x) => [x.invoiceId, x.message])).toEqual([['I-000001', changed]]);
    lines.rows[li][lines.headers.indexOf('Description')] = 'Product P1';
    expect(verifyLedger(p).problems).toEqual([]);

    // Deleting the last invoice: the range head points at a missing invoice, and its Balances row names it.
    deleteRow(p, 'Invoices', 'Invoice ID', 'I-000003');
    expect(verifyLedger(p).problems.map((x) => [x.number, x.message])).toEqual([
      ['INV-2026-00003', 'the last invoice of range DE/invoice/* (INV-2026-00003) is missing from the ledger'],
      ['INV-2026-00003', 'Balances row 4 (B-0000003) names invoice I-000003, which is not in Invoices'],
    ]);
    // Deleting one in the middle breaks the chain at its successor.
    deleteRow(p, 'Invoices', 'Invoice ID', 'I-000001');
    expect(verifyLedger(p).problems.map((x) => [x.number, x.message])).toEqual([
      ['INV-2026-00002', 'chain broken: the previous invoice of its number range is missing'],
      ['INV-2026-00003', 'the last invoice of range DE/invoice/* (INV-2026-00003) is missing from the ledger'],
      ['INV-2026-00001', 'Balances row 2 (B-0000001) names invoice I-000001, which is not in Invoices'],
      ['INV-2026-00003', 'Balances row 4 (B-0000003) names invoice I-000003, which is not in Invoices'],
    ]);
  });
});
