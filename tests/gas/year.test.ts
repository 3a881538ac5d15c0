// Scale: a year of monthly runs at 3,000 invoices a month in the Apps Script bundle, on fakes that
// keep formats per range and convert typed text (issue 11): the ledger passes row 2,001 in its
// first month and 36,000 invoices by December, numbered "{seq:6}" (all digits) with a product id
// "0815"; every month's run and finalization stay inside an execution, and the year verifies clean.
// YEAR_MONTHS / YEAR_INVOICES make it shorter or larger.
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rawWorkbook, rowsOf, seedCustomers } from '../support/gasHarness';
import { ledgerViolations } from '../support/invariants';

const MONTHS = Number(process.env.YEAR_MONTHS ?? 12);
const N = Number(process.env.YEAR_INVOICES ?? 3000);

it(`${MONTHS} months at ${N} invoices a month: text stays text past row 2,001 and the ledger verifies`, () => {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: Date.parse('2026-02-01T07:00:00Z') });
  seedCustomers(ss, N, { numberFormat: '{seq:6}' });
  for (const name of ['Products', 'Items'] as const) {
    const sheet = ss.getSheetByName(name)!;
    const col = sheet.cells[0].indexOf('Product ID');
    for (const row of sheet.cells.slice(1)) if (row[col] === 'P1') row[col] = '0815';
  }
  // Items billed until the end of last year: each month bills that month in advance.
  const items = ss.getSheetByName('Items')!;
  const until = items.cells[0].indexOf('Billed Until');
  for (const row of items.cells.slice(1)) row[until] = '';
  const admin = addOn(ss);
  admin.exec('setupBillingSheets');
  const perMonth: { month: string; executions: number; simulatedSec: number; maxExecutionSec: number }[] = [];
  for (let m = 1; m <= MONTHS; m++) {
    const month = `2026-${String(m).padStart(2, '0')}`;
    const end = new Date(Date.UTC(2026, m, 0)).toISOString().slice(0, 10);
    const t0 = ss.now();
    let executions = 1;
    let longest = 0;
    const exec = (fn: string, ...a: unknown[]) => {
      const r = admin.exec(fn, ...a);
      longest = Math.max(longest, ss.elapsedMs);
      return r;
    };
    let r = exec('runInvoicing', { periodStart: `${month}-01`, periodEnd: end, invoiceDate: `${month}-01` });
    while (!r.done) {
      r = exec('continueRun', r.runId);
      executions++;
    }
    expect([month, r.status]).toEqual([month, 'done']);
    const f = exec('finalizeInvoices', {});
    executions++;
    expect([month, f.invoices.length, f.failed]).toEqual([month, N, []]);
    perMonth.push({ month, executions, simulatedSec: (ss.now() - t0) / 1000, maxExecutionSec: longest / 1000 });
    ss.advance(28 * 24 * 3600_000);
  }
  const invoices = rowsOf(ss, 'Invoices');
  expect(invoices).toHaveLength(MONTHS * N);
  const notText = invoices.map((i, k) => [k + 2, i.Number]).filter(([, v]) => typeof v !== 'string');
  expect(notText.slice(0, 3)).toEqual([]);
  expect(invoices[invoices.length - 1].Number).toBe(String(MONTHS * N).padStart(6, '0'));
  const lines = rowsOf(ss, 'InvoiceLines');
  expect(lines.filter((l) => l['Product ID'] !== '0815' && l['Product ID'] !== 'P2').slice(0, 3)).toEqual([]);
  expect(admin.exec('verifyLedger').problems).toEqual([]);
  expect(ledgerViolations(rawWorkbook(ss))).toEqual([]);
  // Every execution well inside Apps Script's 6 minutes.
  expect(perMonth.filter((p) => p.maxExecutionSec > 300)).toEqual([]);
  console.log(`year: ${JSON.stringify({ first: perMonth[0], last: perMonth[perMonth.length - 1] })}`);
});
