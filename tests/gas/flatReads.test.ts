// A documents call and a send call read the rows still to be worked on, not the ledger: six months
// of monthly cycles through the add-on's entry points, and a call of month 6 reads what a call of
// month 2 read (the Invoices and InvoiceLines sheets have three times the rows by then).
import { flatReads } from '../../scripts/bench/flat';
import { SCHEMA } from '../../src/core/schema';

describe('documents and send calls over months of invoices', () => {
  it('read no more cells per call in month 6 than in month 2, plus one invoice', () => {
    const n = 30;
    const months = flatReads(n, 6);
    const [m2, m6] = [months[1], months[5]];
    expect(m6.invoices).toBe(6 * n);
    // What a call reads: Settings, Accounts and Contacts whole (the same customers every month),
    // the header and the row above the mark of Invoices and InvoiceLines, and the rows from the
    // marks on: this month's invoices still without documents (or unsent) and their lines, and the
    // last call's invoices of the month before. None of it grows with the months. What may differ
    // between two months is which invoices a ~20 s call of simulated time reaches, which moves at
    // most one invoice's rows from one call to the next: that invoice's Invoices row and its two
    // InvoiceLines rows (two items per subscription).
    const ONE_INVOICE = SCHEMA.Invoices.columns.length + 2 * SCHEMA.InvoiceLines.columns.length;
    expect(m6.documentCells).toBeLessThanOrEqual(m2.documentCells + ONE_INVOICE);
    expect(m6.sendCells).toBeLessThanOrEqual(m2.sendCells + ONE_INVOICE);
    // Reading the whole ledger, a documents call of month 6 would read at least its 6n invoice rows.
    expect(m6.documentLedgerCells).toBeLessThan(3 * n * SCHEMA.Invoices.columns.length);
  }, 120_000);
});
