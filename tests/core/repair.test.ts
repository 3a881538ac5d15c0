// What an interrupted ledger write leaves behind is completed from the Invoices sheet before the
// next operation: counters follow the hash chain, billed-until catches up, usage gets its number,
// lines without an invoice go. Simulated by undoing the writes that follow the Invoices commit.
import { finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { runInvoicing } from '../../src/app/runInvoicing';
import { account, item, ports, product, subscription, table } from '../support/fixtures';

function workbook() {
  return ports({
    Accounts: [account('A1'), account('A2')],
    Products: [product('P1', '10.00'), product('U1', '0.50', { priceModel: 'per_unit' })],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2')],
    Items: [item('I1', 'S1', 'P1', { billedUntil: '2026-10-31' }), item('I2', 'S2', 'P1', { billedUntil: '2026-10-31' }), item('U', 'S1', 'U1', { billingType: 'usage' })],
    Transactions: [{ transactionId: 'T1', subscriptionId: 'S1', productId: 'U1', date: '2026-11-10', quantity: 4 }],
  });
}

/** Sets a column of every row of a sheet back (as if the write after the commit never happened). */
function undo(p: ReturnType<typeof ports>, sheet: string, header: string, value: string | number) {
  const t = p.tables.sheets.get(sheet)!;
  const col = t.headers.indexOf(header);
  for (const r of t.rows) r[col] = value;
}

describe('repair of interrupted ledger writes', () => {
  it('counters, billed-until and usage numbers lost after the Invoices write are derived again; the next numbers follow on', () => {
    const p = workbook();
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    finalizeInvoices(p, {});
    // The execution stopped right after the Invoices write: no counter, items and usage as before.
    p.tables.sheets.get('NumberRanges')!.rows = [];
    undo(p, 'Items', 'Billed Until', '2026-10-31');
    undo(p, 'Transactions', 'Invoice Number', '');

    // December: the run must not bill November again, and the numbers continue from 2.
    const dec = runInvoicing(p, { periodStart: '2026-12-01', periodEnd: '2026-12-31' });
    expect(dec.drafts.map((d) => d.subscriptionId).sort()).toEqual(['S1', 'S2']);
    expect(table(p, 'Items').map((i) => i['Billed Until'])).toEqual(['2026-11-30', '2026-11-30', '2026-10-31']);
    expect(table(p, 'Transactions')[0]['Invoice Number']).toBe('INV-2026-00001');
    expect(table(p, 'NumberRanges').map((r) => [r['Last Number'], r['Last Seq'] ?? r['Last Sequence']])).toEqual([['INV-2026-00002', 2]]);
    expect(
      table(p, 'Log')
        .filter((l) => l.Action === 'repair')
        .map((l) => l.Details),
    ).toEqual(['number range DE/invoice/* advanced to INV-2026-00002 (the counter was not saved after finalizing)', 'billed-until of 2 items caught up with finalized invoices']);
    const fin = finalizeInvoices(p, {});
    expect(fin.failed).toEqual([]);
    expect(fin.invoices.map((i) => i.number).sort()).toEqual(['INV-2026-00003', 'INV-2026-00004']);
    expect(verifyLedger(p).problems).toEqual([]);
    // December lines only: November billed once.
    expect(table(p, 'InvoiceLines').filter((l) => String(l['Service Start']).startsWith('2026-11')).length).toBe(3);
  });

  it('removes lines whose invoice row was never written, and refuses to finalize a draft whose lines do not add up', () => {
    const p = workbook();
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const lines = p.tables.sheets.get('InvoiceLines')!;
    const idCol = lines.headers.indexOf('Invoice ID');
    // A credit note's lines written, its invoice row not; and one draft lost a line.
    lines.rows.push(lines.rows[0].map((v, i) => (i === idCol ? 'I-000099' : v)));
    const s2 = lines.rows.findIndex((r) => r[idCol] === 'I-000002');
    lines.rows.splice(s2, 1);
    const fin = finalizeInvoices(p, {});
    expect(fin.invoices.map((i) => i.invoiceId)).toEqual(['I-000001']);
    expect(fin.failed).toEqual([{ invoiceId: 'I-000002', reason: 'invoice I-000002 has no lines' }]);
    expect(table(p, 'InvoiceLines').some((l) => l['Invoice ID'] === 'I-000099')).toBe(false);
  });

  it('refuses a draft whose lines do not add up to its total', () => {
    const p = workbook();
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const lines = p.tables.sheets.get('InvoiceLines')!;
    const idCol = lines.headers.indexOf('Invoice ID');
    const usage = lines.rows.findIndex((r, i) => r[idCol] === 'I-000001' && i > 0 && lines.rows[i - 1][idCol] === 'I-000001');
    lines.rows.splice(usage, 1);
    expect(finalizeInvoices(p, { invoiceIds: ['I-000001'] }).failed).toEqual([
      { invoiceId: 'I-000001', reason: 'draft I-000001 is incomplete: its lines do not add up to its net total; run invoicing for its period again' },
    ]);
  });
});
