// The Spreadsheet fakes charge every call a typical latency and stop an execution after 6 minutes,
// as Apps Script does: bulk I/O keeps a large run far inside the limit; per-cell I/O would not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { SCHEMA, type TableName } from '../../src/core/schema';
import { FakeSpreadsheet, TIME_LIMIT_MS, gasGlobals } from '../support/gasFakes';
import { DE_TENANT, TAX_RULES } from '../support/fixtures';

const code = readFileSync(join(__dirname, '../../dist/Code.js'), 'utf8');

function seed(ss: FakeSpreadsheet, name: TableName, rows: Record<string, unknown>[]) {
  const cols = SCHEMA[name].columns;
  const sheet = ss.insertSheet(name);
  sheet.cells = [cols.map((c) => c.header), ...rows.map((r) => cols.map((c) => (r[c.key] ?? '') as string))];
  // Pasted by hand: the Sheets UI grows the grid to hold it.
  sheet.maxRows = Math.max(sheet.maxRows, sheet.cells.length);
  sheet.maxCols = Math.max(sheet.maxCols, cols.length);
}

describe('execution time in Apps Script', () => {
  it('a per-cell loop hits the 6-minute limit with the error Apps Script throws', () => {
    const ss = new FakeSpreadsheet();
    const sheet = ss.insertSheet('X');
    expect(() => {
      for (let i = 0; i < 10000; i++) sheet.getRange(1, 1).getValues();
    }).toThrow('Exceeded maximum execution time');
    expect(ss.elapsedMs).toBeGreaterThan(TIME_LIMIT_MS);
  });

  it('a run over 2,000 subscriptions with 6,000 items and its finalization stay far inside the limit', () => {
    const ss = new FakeSpreadsheet();
    const n = 2000;
    seed(ss, 'Settings', [DE_TENANT]);
    seed(ss, 'TaxRules', TAX_RULES);
    seed(ss, 'Products', [{ productId: 'P1', name: 'Plan', price: 10, taxClass: 'standard', priceModel: 'per_unit' }]);
    seed(
      ss,
      'Accounts',
      Array.from({ length: n }, (_, i) => ({ accountId: `A${i}`, name: `C${i}`, status: 'Active', customerType: 'B2B', country: 'DE' })),
    );
    seed(
      ss,
      'Subscriptions',
      Array.from({ length: n }, (_, i) => ({ subscriptionId: `S${i}`, accountId: `A${i}`, status: 'Active', startDate: '2026-11-01', billingPeriod: 'monthly', billingTiming: 'advance' })),
    );
    seed(
      ss,
      'Items',
      Array.from({ length: 3 * n }, (_, i) => ({ itemId: `I${i}`, subscriptionId: `S${i % n}`, productId: 'P1', quantity: 1, billingType: 'recurring', status: 'Active' })),
    );
    const ctx = vm.createContext({ ...gasGlobals(ss).globals }) as Record<string, any>;
    vm.runInContext(code, ctx);
    expect(ctx.runInvoicing({ periodStart: '2026-11-01', periodEnd: '2026-11-30' }).drafts).toHaveLength(n);
    const afterRun = ss.elapsedMs;
    ss.elapsedMs = 0;
    expect(ctx.finalizeInvoices({}).invoices).toHaveLength(n);
    // Bulk reads and writes: a few seconds of simulated Spreadsheet time, not minutes.
    expect(afterRun).toBeLessThan(10_000);
    expect(ss.elapsedMs).toBeLessThan(10_000);
    expect(ss.counters.setValues).toBeLessThan(30);
  });
});
