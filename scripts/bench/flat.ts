// Benchmark body: do a documents slice and a send slice read the same whatever the ledger holds?
// Months of monthly cycles (run, finalize, documents, send) of N invoices each on the fake Apps
// Script runtime, driven through the add-on's entry points like the sidebar (~20 s calls) with
// quotas that never stop it; per month the cells read (getValues) per documents call and per send
// call. With the delivery marks they stay flat while the Invoices and InvoiceLines sheets grow.
import { addMonthsClamped, lastOfMonth } from '../../src/core/dates';
import { FakeSpreadsheet } from '../../tests/support/gasFakes';
import { addOn, seedCustomers } from '../../tests/support/gasHarness';

export interface MonthReads {
  month: number;
  period: string;
  /** Invoices rows in the ledger after the month. */
  invoices: number;
  documentCalls: number;
  /** Mean cells read (getValues) per documents call, and of those the Invoices and InvoiceLines sheets'. */
  documentCells: number;
  documentLedgerCells: number;
  sendCalls: number;
  sendCells: number;
  sendLedgerCells: number;
}

/** Runs `months` monthly cycles of `n` invoices; `onMonth` sees each month's figures as they come. */
export function flatReads(n: number, months: number, onMonth: (m: MonthReads) => void = () => {}): MonthReads[] {
  // From January 2027 on, so that every month is alike: the German e-invoice mandate gives each of
  // these domestic B2B invoices its Factur-X from invoice dates in 2027 (a month before and a month
  // after the date would differ in what a ~20 s call reaches, not in what the marks let it read).
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: Date.parse('2027-02-02T08:00:00Z') });
  seedCustomers(ss, n);
  Object.assign(ss.quotas, { docsPerDay: 1e9, mailRecipientsPerDay: 1e9 });
  const admin = addOn(ss);
  admin.exec('setupBillingSheets');
  const cells = (sheet?: string) => ss.counters[sheet ? `cells:getValues:${sheet}` : 'cells:getValues'] ?? 0;
  const ledger = () => cells('Invoices') + cells('InvoiceLines');
  const out: MonthReads[] = [];
  for (let m = 1; m <= months; m++) {
    const periodStart = addMonthsClamped('2027-01-01', m - 1);
    const periodEnd = lastOfMonth(periodStart);
    // The cycle starts on the 2nd of the next month.
    const at = Date.parse(`${addMonthsClamped(periodStart, 1).slice(0, 8)}02T08:00:00Z`);
    if (at > ss.now()) ss.advance(at - ss.now());
    let r = admin.exec('runInvoicing', { periodStart, periodEnd, invoiceDate: periodEnd });
    while (!r.done) r = admin.exec('continueRun', r.runId);
    admin.exec('finalizeInvoices', {});
    const slices = (call: () => boolean) => {
      let calls = 0;
      const all = cells();
      const led = ledger();
      for (let more = true; more; ) {
        more = call();
        calls++;
      }
      return { calls, cells: (cells() - all) / calls, ledgerCells: (ledger() - led) / calls };
    };
    const docs = slices(() => admin.exec('renderDocuments', {}).remaining > 0);
    const send = slices(() => !admin.exec('sendInvoices', {}).done);
    const row: MonthReads = {
      month: m,
      period: periodStart.slice(0, 7),
      invoices: ss.getSheetByName('Invoices')!.getLastRow() - 1,
      documentCalls: docs.calls,
      documentCells: docs.cells,
      documentLedgerCells: docs.ledgerCells,
      sendCalls: send.calls,
      sendCells: send.cells,
      sendLedgerCells: send.ledgerCells,
    };
    out.push(row);
    onMonth(row);
  }
  return out;
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 1000);
  const months = Number(process.argv[3] ?? 12);
  flatReads(n, months, (row) => console.log(JSON.stringify(row)));
}
