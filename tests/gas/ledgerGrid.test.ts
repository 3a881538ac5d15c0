// The ledger past row 2,001 and past a sheet's grid, on fakes that keep formats per range, convert
// typed text as Sheets does, limit a cell to 50,000 characters and refuse to delete every row.
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rawWorkbook, rowsOf, seedCustomers, seedTable } from '../support/gasHarness';
import { ledgerViolations } from '../support/invariants';

const DEC_2 = Date.parse('2026-12-02T08:00:00Z');

/** n customers billed by the admin, numbered "{seq:6}" (all digits), the first product's id "0815". */
function ledgerOf(n: number, tenant: Record<string, unknown> = {}) {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
  seedCustomers(ss, n, { numberFormat: '{seq:6}', ...tenant });
  // Typed with an apostrophe, as a user keeps a leading zero: the cells hold the text "0815".
  for (const name of ['Products', 'Items'] as const) {
    const sheet = ss.getSheetByName(name)!;
    const col = sheet.cells[0].indexOf('Product ID');
    for (const row of sheet.cells.slice(1)) if (row[col] === 'P1') row[col] = '0815';
  }
  const admin = addOn(ss);
  admin.exec('setupBillingSheets');
  return { ss, admin };
}

function runMonth(admin: ReturnType<typeof addOn>, periodStart: string, periodEnd: string) {
  let r = admin.exec('runInvoicing', { periodStart, periodEnd, invoiceDate: periodEnd });
  while (!r.done) r = admin.exec('continueRun', r.runId);
  return r;
}

describe('the ledger past row 2,001', () => {
  it('2,100 invoices numbered {seq:6}: every number and product id stays text to the last row, and the ledger verifies', () => {
    const { ss, admin } = ledgerOf(2100);
    runMonth(admin, '2026-11-01', '2026-11-30');
    expect(admin.exec('finalizeInvoices', {}).invoices).toHaveLength(2100);
    const invoices = rowsOf(ss, 'Invoices');
    const numbers = invoices.map((i) => i.Number);
    const notText = numbers.map((v, i) => [i + 2, v]).filter(([, v]) => typeof v !== 'string');
    expect(notText.slice(0, 3)).toEqual([]);
    expect([numbers[2000], numbers[2099]]).toEqual(['002001', '002100']);
    const products = rowsOf(ss, 'InvoiceLines').map((l) => l['Product ID']);
    expect(products.filter((p) => p !== '0815' && p !== 'P2').slice(0, 3)).toEqual([]);
    expect(ss.getSheetByName('InvoiceLines')!.getLastRow()).toBe(4201);
    expect(admin.exec('verifyLedger').problems).toEqual([]);
    expect(ledgerViolations(rawWorkbook(ss))).toEqual([]);
  });
});

describe('limits of a cell and of the grid', () => {
  it('3,000 failed subscriptions: the run is recorded, its Remaining list cut to "…and N more", never a failed write', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    seedCustomers(ss, 3000);
    // Every subscription names a product that does not exist: each fails with a reason.
    const items = ss.getSheetByName('Items')!;
    const col = items.cells[0].indexOf('Product ID');
    for (const row of items.cells.slice(1)) row[col] = 'GONE';
    const subs = ss.getSheetByName('Subscriptions')!;
    const id = subs.cells[0].indexOf('Subscription ID');
    subs.cells.slice(1).forEach((row, i) => {
      row[id] = `SUBSCRIPTION-${String(i).padStart(6, '0')}`;
    });
    const itemSub = items.cells[0].indexOf('Subscription ID');
    items.cells.slice(1).forEach((row) => {
      row[itemSub] = `SUBSCRIPTION-${String(Number(String(row[itemSub]).slice(1))).padStart(6, '0')}`;
    });
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    const r = runMonth(admin, '2026-11-01', '2026-11-30');
    expect(r.status).toBe('done_with_errors');
    const run = rowsOf(ss, 'Runs').pop()!;
    expect(run.Status).toBe('done_with_errors');
    expect(String(run.Remaining).length).toBeLessThanOrEqual(2000);
    expect(String(run.Remaining)).toMatch(/^SUBSCRIPTION-000000, SUBSCRIPTION-000001, .* …and \d+ more$/);
    const shown = String(run.Remaining)
      .replace(/ …and \d+ more$/, '')
      .split(', ').length;
    expect(shown + Number(/and (\d+) more/.exec(String(run.Remaining))![1])).toBe(3000);
  });

  it('re-running a month whose drafts fill every row of a trimmed grid keeps one row (Sheets refuses to delete them all)', () => {
    const { ss, admin } = ledgerOf(30);
    runMonth(admin, '2026-11-01', '2026-11-30');
    // Someone tidied up: "delete the empty rows" leaves the grid exactly as big as the data.
    for (const name of ['Invoices', 'InvoiceLines']) {
      const sheet = ss.getSheetByName(name)!;
      sheet.maxRows = sheet.getLastRow();
    }
    const again = runMonth(admin, '2026-11-01', '2026-11-30');
    expect(again.drafts).toHaveLength(30);
    expect(rowsOf(ss, 'Invoices')).toHaveLength(30);
    expect(ledgerViolations(rawWorkbook(ss))).toEqual([]);
  });

  it("a sheet the engine appends to grows its grid with the engine's formats, and new columns fit", () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    seedCustomers(ss, 1200, { numberFormat: '{seq:6}' });
    seedTable(ss, 'Filters', []);
    // No setup: the engine makes its sheets on the first run (new sheets: 1,000 × 26).
    const admin = addOn(ss);
    runMonth(admin, '2026-11-01', '2026-11-30');
    admin.exec('finalizeInvoices', {});
    const sheet = ss.getSheetByName('Invoices')!;
    expect(sheet.getMaxColumns()).toBeGreaterThanOrEqual(sheet.getLastColumn());
    expect(sheet.getMaxRows()).toBeGreaterThanOrEqual(1201);
    const numbers = rowsOf(ss, 'Invoices').map((i) => i.Number);
    expect(numbers.filter((v) => typeof v !== 'string')).toEqual([]);
    expect(admin.exec('verifyLedger').problems).toEqual([]);
  });

  it("rows a user adds below the grid of Items get setup's formats, drop-downs and protection at the next admin run", () => {
    const { ss, admin } = ledgerOf(3);
    const items = ss.getSheetByName('Items')!;
    const col = (h: string) => items.cells[0].indexOf(h) + 1;
    // The owner clicks "Add 1000 more rows" at the bottom: the new rows carry nothing of setup's.
    ss.as(ss.owner, () => items.insertRowsAfter(items.getMaxRows(), 1000));
    const last = items.getMaxRows();
    expect(items.formats.at(last, col('Product ID'))).toBeUndefined();
    runMonth(admin, '2026-11-01', '2026-11-30');
    expect([items.formats.all(col('Product ID'), 2, last), items.formats.all(col('Billed Until'), 2, last)]).toEqual(['@', 'yyyy-mm-dd']);
    expect(items.validations.all(col('Billing Type'), 2, last)).toEqual(['recurring', 'one_time', 'usage']);
    // A user types a product id there: it stays "0815"; a clerk cannot touch Billed Until in that row.
    ss.as('clerk@example.com', () => items.getRange(last, col('Product ID')).setValues([['0815']]));
    expect(items.cells[last - 1][col('Product ID') - 1]).toBe('0815');
    expect(() => ss.as('clerk@example.com', () => items.getRange(last, col('Billed Until')).setValues([['2027-01-31']]))).toThrow(/protected cell/);
  });

  it("when Products grows past its grid, the Product ID drop-downs of Items and Transactions offer the new rows' ids too", () => {
    const { ss, admin } = ledgerOf(3);
    const products = ss.getSheetByName('Products')!;
    ss.as(ss.owner, () => products.insertRowsAfter(products.getMaxRows(), 1000));
    runMonth(admin, '2026-11-01', '2026-11-30');
    const reach = (sheet: string) => {
      const s = ss.getSheetByName(sheet)!;
      const v = s.validations.all(s.cells[0].indexOf('Product ID') + 1, 2, s.maxRows) as { sheet: string; r2: number } | undefined;
      return v && [v.sheet, v.r2];
    };
    expect([reach('Items'), reach('Transactions')]).toEqual([
      ['Products', products.getMaxRows()],
      ['Products', products.getMaxRows()],
    ]);
  });
});
