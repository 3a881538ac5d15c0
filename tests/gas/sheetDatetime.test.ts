// Date-times the engine writes (Finalized At, Runs, Log) go into Sheets as date-times, shown in the
// spreadsheet's time zone with a date-time format, not as UTC text; read back, they are the same instant.
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rowsOf, seedCustomers } from '../support/gasHarness';

const DEC_2 = Date.parse('2026-12-02T08:00:00Z');

describe('date-times in the sheets', () => {
  it("Finalized At, a run's Started At and the Log's Time are date-time cells with a date-time format", () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    seedCustomers(ss, 3);
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    let r = admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
    while (!r.done) r = admin.exec('continueRun', r.runId);
    expect(admin.exec('finalizeInvoices', {}).invoices).toHaveLength(3);
    const isDate = (v: unknown) => Object.prototype.toString.call(v) === '[object Date]';
    const finalized = rowsOf(ss, 'Invoices').map((i) => i['Finalized At']);
    const started = rowsOf(ss, 'Runs').map((x) => x['Started At']);
    const logged = rowsOf(ss, 'Log').map((x) => x.Time);
    expect([finalized, started, logged].map((col) => col.filter((v) => !isDate(v)))).toEqual([[], [], []]);
    // The instant itself: the clock of the fake started at 08:00 UTC on 2 December.
    expect(Math.abs((finalized[0] as Date).getTime() - DEC_2)).toBeLessThan(3600_000);
    const invoices = ss.getSheetByName('Invoices')!;
    const col = invoices.cells[0].indexOf('Finalized At') + 1;
    expect(invoices.formats.at(2, col)).toBe('yyyy-mm-dd hh:mm:ss');
    // Read back by the engine: the ledger still verifies.
    expect(admin.exec('verifyLedger').problems).toEqual([]);
  });
});
