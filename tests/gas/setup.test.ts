// "Set up billing sheets" in dist/Code.js against the Spreadsheet fakes: creates what is missing,
// never touches the user's data or own columns, protects the engine's sheets and columns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { SCHEMA, TABLE_NAMES } from '../../src/core/schema';
import { FakeSpreadsheet, gasGlobals } from '../support/gasFakes';

const code = readFileSync(join(__dirname, '../../dist/Code.js'), 'utf8');

function load(ss: FakeSpreadsheet, user = 'admin@example.com') {
  const g = gasGlobals(ss, user);
  const ctx = vm.createContext({ ...g.globals }) as Record<string, any>;
  vm.runInContext(code, ctx);
  return ctx;
}

describe('set up billing sheets', () => {
  it('creates every sheet with headers, frozen bold header row, notes, drop-downs and formats', () => {
    const ss = new FakeSpreadsheet();
    const report = load(ss).setupBillingSheets();
    expect(report.createdSheets).toEqual(TABLE_NAMES);
    for (const name of TABLE_NAMES) {
      const sheet = ss.getSheetByName(name)!;
      expect(sheet.cells[0]).toEqual(SCHEMA[name].columns.map((c) => c.header));
      expect(sheet.frozenRows).toBe(1);
      expect(sheet.notes.get(1)).toBe(SCHEMA[name].columns[0].note);
    }
    const subs = ss.getSheetByName('Subscriptions')!;
    const col = (h: string) => subs.cells[0].indexOf(h) + 1;
    expect(subs.validations.all(col('Billing Period'), 2, subs.maxRows)).toEqual(['monthly', 'quarterly', 'semiannual', 'annual']);
    expect(subs.formats.all(col('Start Date'), 2, subs.maxRows)).toBe('yyyy-mm-dd');
    expect(subs.formats.all(col('Subscription ID'), 2, subs.maxRows)).toBe('@');
  });

  it("adds only missing columns after the user's own, keeps data, and protects engine sheets and columns for the admins", () => {
    const ss = new FakeSpreadsheet();
    // The user's Items sheet: columns reordered, one of their own, data rows, no engine column yet.
    ss.seed('Items', [
      ['Product ID', 'Item ID', 'My Notes', 'Subscription ID', 'Quantity', 'Billing Type', 'Status'],
      ['P1', 'I1', 'keep', 'S1', 2, 'recurring', 'Active'],
    ]);
    ss.seed('Settings', [
      SCHEMA.Settings.columns.map((c) => c.header),
      SCHEMA.Settings.columns.map((c) =>
        c.key === 'tenantId'
          ? 'DE'
          : c.key === 'billingAdmins'
            ? 'boss@example.com, cfo@example.com'
            : c.key === 'legalName'
              ? 'X GmbH'
              : c.key === 'country'
                ? 'DE'
                : c.key === 'currency'
                  ? 'EUR'
                  : '',
      ),
    ]);
    // Somebody the Settings do not name may not set up billing (nothing is created).
    expect(() => load(ss, 'clerk@example.com').setupBillingSheets()).toThrow(
      'Only the billing admins named in Settings (boss@example.com, cfo@example.com) may set up the billing sheets; you are signed in as clerk@example.com.',
    );
    expect(ss.getSheetByName('Invoices')).toBeNull();
    const report = load(ss, 'cfo@example.com').setupBillingSheets();
    const items = ss.getSheetByName('Items')!;
    expect(items.cells[0].slice(0, 7)).toEqual(['Product ID', 'Item ID', 'My Notes', 'Subscription ID', 'Quantity', 'Billing Type', 'Status']);
    expect(items.cells[0].slice(7)).toEqual(['Description', 'Unit Price', 'Discount %', 'Start Date', 'End Date', 'Billed Until']);
    expect(items.cells[1].slice(0, 7)).toEqual(['P1', 'I1', 'keep', 'S1', 2, 'recurring', 'Active']);
    expect(report.addedColumns).toContain('Items.Billed Until');

    const invoices = ss.getSheetByName('Invoices')!.getProtections('SHEET');
    expect(invoices).toHaveLength(1);
    expect(invoices[0].editors.sort()).toEqual(['boss@example.com', 'cfo@example.com', 'owner@example.com']);
    expect(invoices[0].domainEdit).toBe(false);
    const billedUntil = items.getProtections('RANGE');
    expect(billedUntil.map((p) => p.column)).toEqual([items.cells[0].indexOf('Billed Until') + 1]);
    expect(ss.getSheetByName('Transactions')!.getProtections('RANGE')).toHaveLength(2);

    // Running setup again adds nothing and stacks no second protection.
    const again = load(ss, 'boss@example.com').setupBillingSheets();
    expect([again.createdSheets, again.addedColumns]).toEqual([[], []]);
    expect(ss.getSheetByName('Invoices')!.getProtections('SHEET')).toHaveLength(1);
    expect(items.getProtections('RANGE')).toHaveLength(1);
  });
});
