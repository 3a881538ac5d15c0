// "Set up billing sheets" in dist/Code.js against the Spreadsheet fakes: creates what is missing,
// never touches the user's data or own columns, protects the engine's sheets and columns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { columnNote, SCHEMA, TABLE_NAMES } from '../../src/core/schema';
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
      expect(sheet.notes.get(1)).toBe(columnNote(name, SCHEMA[name].columns[0]));
    }
    const subs = ss.getSheetByName('Subscriptions')!;
    const col = (h: string) => subs.cells[0].indexOf(h) + 1;
    expect(subs.validations.all(col('Billing Period'), 2, subs.maxRows)).toEqual(['monthly', 'quarterly', 'semiannual', 'annual']);
    expect(subs.formats.all(col('Start Date'), 2, subs.maxRows)).toBe('yyyy-mm-dd');
    expect(subs.formats.all(col('Subscription ID'), 2, subs.maxRows)).toBe('@');
  });

  it('marks required columns (dark red header, note "Required."), says once who writes the engine\'s, and sets money and date-time formats', () => {
    const ss = new FakeSpreadsheet();
    load(ss).setupBillingSheets();
    const items = ss.getSheetByName('Items')!;
    const at = (sheet: typeof items, h: string) => sheet.cells[0].indexOf(h) + 1;
    expect(['Item ID', 'Quantity', 'Billed Until'].map((h) => [h, items.fontColors.get(at(items, h)) ?? null, items.notes.get(at(items, h))])).toEqual([
      ['Item ID', '#9c0006', 'Required. Unique item id.'],
      ['Quantity', null, 'Units per period (default 1).'],
      ['Billed Until', '#555555', 'Last service day on a finalized invoice. Written by the billing engine: do not edit.'],
    ]);
    const products = ss.getSheetByName('Products')!;
    expect([products.fontColors.get(at(products, 'Price')) ?? null, products.notes.get(at(products, 'Price'))!.startsWith('Required.')]).toEqual([null, false]);
    const invoices = ss.getSheetByName('Invoices')!;
    expect([invoices.formats.all(at(invoices, 'Net'), 2, invoices.maxRows), invoices.formats.all(at(invoices, 'Finalized At'), 2, invoices.maxRows)]).toEqual(['#,##0.00####', 'yyyy-mm-dd hh:mm:ss']);
    expect(products.formats.all(at(products, 'Price'), 2, products.maxRows)).toBe('#,##0.00####');
  });

  it('sizes the columns it creates to their header and usual values (invoice numbers, names, date-times); columns that were there keep their width', () => {
    const ss = new FakeSpreadsheet();
    ss.seed('Accounts', [['Account ID', 'Name']]);
    ss.getSheetByName('Accounts')!.widths.set(2, 333);
    load(ss).setupBillingSheets();
    const invoices = ss.getSheetByName('Invoices')!;
    const px = (sheet: typeof invoices, h: string) => sheet.widths.get(sheet.cells[0].indexOf(h) + 1) ?? 100;
    // 7 px a character: "RE-2026-00001" (13) and a date-time (19) fit.
    expect(px(invoices, 'Number')).toBeGreaterThanOrEqual(13 * 7);
    expect(px(invoices, 'Finalized At')).toBeGreaterThanOrEqual(19 * 7);
    const accounts = ss.getSheetByName('Accounts')!;
    expect([px(accounts, 'Account ID'), px(accounts, 'Name'), px(accounts, 'Customer Type')]).toEqual([100, 333, (13 + 2) * 7 + 24]);
  });

  it("gives reference columns a drop-down of the referenced sheet's ids (Account ID, Subscription ID, Product ID, Tenant)", () => {
    const ss = new FakeSpreadsheet();
    load(ss).setupBillingSheets();
    const rule = (sheet: string, h: string) => {
      const s = ss.getSheetByName(sheet)!;
      const v = s.validations.all(s.cells[0].indexOf(h) + 1, 2, s.maxRows) as { sheet: string; c1: number; r1: number; r2: number } | undefined;
      return v && [v.sheet, v.c1, v.r1, v.r2];
    };
    expect([
      rule('Accounts', 'Tenant'),
      rule('Contacts', 'Account ID'),
      rule('Subscriptions', 'Account ID'),
      rule('Items', 'Subscription ID'),
      rule('Items', 'Product ID'),
      rule('Transactions', 'Product ID'),
    ]).toEqual([
      ['Settings', 1, 2, 1000],
      ['Accounts', 1, 2, 1000],
      ['Accounts', 1, 2, 1000],
      ['Subscriptions', 1, 2, 1000],
      ['Products', 1, 2, 1000],
      ['Products', 1, 2, 1000],
    ]);
  });

  it("writes example TaxRules for the first tenant's country into a TaxRules sheet it creates, never into an existing one", () => {
    const ss = new FakeSpreadsheet();
    ss.seed('Settings', [
      ['Tenant ID', 'Legal Name', 'Country', 'Currency'],
      ['AT01', 'Alpen GmbH', 'AT', 'EUR'],
    ]);
    const report = load(ss).setupBillingSheets();
    const rules = ss.getSheetByName('TaxRules')!;
    const col = (h: string) => rules.cells[0].indexOf(h);
    expect(report.starterTaxRules).toEqual(['EXAMPLE-AT-S', 'EXAMPLE-AT-R', 'EXAMPLE-AT-EU-B2B', 'EXAMPLE-AT-EU-B2C', 'EXAMPLE-AT-EU-B2C-R', 'EXAMPLE-AT-EXPORT']);
    expect(rules.cells.slice(1, 4).map((r) => [r[col('Rule ID')], r[col('Rate')], r[col('Category')], r[col('Exemption Code')]])).toEqual([
      ['EXAMPLE-AT-S', 20, 'S', ''],
      ['EXAMPLE-AT-R', 10, 'S', ''],
      ['EXAMPLE-AT-EU-B2B', 0, 'AE', 'VATEX-EU-AE'],
    ]);
    const kept = new FakeSpreadsheet();
    kept.seed('TaxRules', [['Rule ID'], ['MINE']]);
    expect(load(kept).setupBillingSheets().starterTaxRules).toBeUndefined();
    expect(kept.getSheetByName('TaxRules')!.cells.map((r) => r[0])).toEqual(['Rule ID', 'MINE']);
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
