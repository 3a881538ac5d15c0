// A workbook as `billing init` makes it and as the engine saves it: the engine's sheets and
// columns protected (no password) while the user's stay editable, drop-downs on reference columns,
// required columns marked, number formats and widths that fit, date-times in local time, and
// example tax rules for a fresh workbook. Each is read back from the file with exceljs.
import ExcelJS from 'exceljs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { runInvoicing } from '../../src/app/runInvoicing';
import { loadDataset, type RawWorkbook } from '../../src/core/dataset';
import { SCHEMA } from '../../src/core/schema';
import { memoryPorts } from '../../src/node/memoryHost';
import { createWorkbook, fromLocalWallTime, MONEY_FORMAT, openWorkbook, toLocalWallTime, UNPROTECT_HINT } from '../../src/node/xlsxWorkbook';
import { DE_TENANT, TAX_RULES, account, item, product, subscription } from '../support/fixtures';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'billing-fresh-')), 'book.xlsx');

async function read(path: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

/** The 1-based column of a header in a sheet. */
const colOf = (ws: ExcelJS.Worksheet, header: string) => (ws.getRow(1).values as unknown[]).indexOf(header);
const protectedSheet = (ws: ExcelJS.Worksheet) => (ws as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet === true;

describe('a fresh local workbook', () => {
  it("protects the engine's sheets whole and the engine's columns of Items and Transactions, leaving the user's columns editable; no password", async () => {
    const path = fresh();
    await createWorkbook(path);
    const wb = await read(path);
    const prot = Object.fromEntries(wb.worksheets.map((ws) => [ws.name, protectedSheet(ws)]));
    // Engine sheets whole; user sheets with engine columns (Items, Transactions, Payments) with those columns locked.
    const withEngineCells = Object.values(SCHEMA)
      .filter((d) => d.engineOwned || d.columns.some((c) => c.engine))
      .map((d) => d.name);
    expect(
      Object.entries(prot)
        .filter(([, p]) => p)
        .map(([n]) => n),
    ).toEqual(withEngineCells);
    expect(withEngineCells.filter((n) => !SCHEMA[n].engineOwned)).toEqual(['Items', 'Transactions', 'Payments']);
    const hash = (ws: ExcelJS.Worksheet) => (ws as unknown as { sheetProtection: { algorithmName?: string } }).sheetProtection.algorithmName;
    expect(wb.worksheets.filter(protectedSheet).map(hash).filter(Boolean)).toEqual([]);

    const items = wb.getWorksheet('Items')!;
    const lockedIn = (ws: ExcelJS.Worksheet, header: string) => ws.getRow(7).getCell(colOf(ws, header)).protection?.locked !== false;
    expect(['Billed Until', 'Quantity', 'Item ID', 'Status'].map((h) => [h, lockedIn(items, h)])).toEqual([
      ['Billed Until', true],
      ['Quantity', false],
      ['Item ID', false],
      ['Status', false],
    ]);
    const tx = wb.getWorksheet('Transactions')!;
    expect(['Invoice ID', 'Invoice Number', 'Quantity'].map((h) => [h, lockedIn(tx, h)])).toEqual([
      ['Invoice ID', true],
      ['Invoice Number', true],
      ['Quantity', false],
    ]);
    const payments = wb.getWorksheet('Payments')!;
    expect(['Payment ID', 'Matched Invoices', 'Date', 'Amount', 'Remittance Text'].map((h) => [h, lockedIn(payments, h)])).toEqual([
      ['Payment ID', true],
      ['Matched Invoices', true],
      ['Date', false],
      ['Amount', false],
      ['Remittance Text', false],
    ]);
    // A column the user adds after the schema's stays editable.
    expect(items.getRow(3).getCell(SCHEMA.Items.columns.length + 2).protection?.locked).toBe(false);
    // The notes say how to unlock, once, and do not repeat who writes the column.
    expect(items.getCell(1, colOf(items, 'Billed Until')).note).toBe(`Last service day on a finalized invoice. Written by the billing engine: do not edit. ${UNPROTECT_HINT}`);
  });

  it("offers drop-downs of the referenced sheet's ids on Account ID, Subscription ID, Product ID and Tenant", async () => {
    const path = fresh();
    await createWorkbook(path);
    const wb = await read(path);
    const list = (sheet: string, header: string) =>
      wb
        .getWorksheet(sheet)!
        .getRow(2)
        .getCell(colOf(wb.getWorksheet(sheet)!, header)).dataValidation?.formulae;
    expect([
      list('Accounts', 'Tenant'),
      list('Contacts', 'Account ID'),
      list('Subscriptions', 'Account ID'),
      list('Subscriptions', 'Tenant'),
      list('Items', 'Subscription ID'),
      list('Items', 'Product ID'),
      list('Transactions', 'Product ID'),
    ]).toEqual([
      ['Settings!$A$2:$A$100000'],
      ['Accounts!$A$2:$A$100000'],
      ['Accounts!$A$2:$A$100000'],
      ['Settings!$A$2:$A$100000'],
      ['Subscriptions!$A$2:$A$100000'],
      ['Products!$A$2:$A$100000'],
      ['Products!$A$2:$A$100000'],
    ]);
  });

  it('marks required columns: dark red bold headers and notes starting "Required."; Product Price is not one of them', async () => {
    const path = fresh();
    await createWorkbook(path);
    const products = (await read(path)).getWorksheet('Products')!;
    const head = (h: string) => products.getCell(1, colOf(products, h));
    expect(['Product ID', 'Price', 'Tiers'].map((h) => [h, head(h).font.color?.argb, String(head(h).note).startsWith('Required.')])).toEqual([
      ['Product ID', 'FF9C0006', true],
      ['Price', 'FF000000', false],
      ['Tiers', 'FF000000', false],
    ]);
  });

  it('has example TaxRules for the country (EXAMPLE- ids), and a run on it warns about them until they are checked', async () => {
    const path = fresh();
    await createWorkbook(path);
    const book = await openWorkbook(path);
    const rules = book.tables.objects('TaxRules');
    expect(rules.map((r) => [r['Rule ID'], r['Category'], r['Exemption Code']])).toEqual([
      ['EXAMPLE-DE-S', 'S', ''],
      ['EXAMPLE-DE-R', 'S', ''],
      ['EXAMPLE-DE-EU-B2B', 'AE', 'VATEX-EU-AE'],
      ['EXAMPLE-DE-EU-B2C', 'S', ''],
      ['EXAMPLE-DE-EU-B2C-R', 'S', ''],
      ['EXAMPLE-DE-EXPORT', 'G', 'VATEX-EU-G'],
    ]);
    const raw = Object.fromEntries([...book.tables.sheets].map(([n, t]) => [n, t])) as RawWorkbook;
    expect(loadDataset(raw).structureWarnings.filter((w) => w.includes('example tax rules'))).toHaveLength(1);
    // Given rows (a demo, a test's workbook), nothing is added.
    const other = fresh();
    await createWorkbook(other, { Settings: [DE_TENANT] });
    expect((await openWorkbook(other)).tables.objects('TaxRules')).toEqual([]);
  });
});

describe('the engine writing a local workbook', () => {
  it('writes amounts with a money format, date-times as local date-times, and widens columns to fit numbers and names', async () => {
    const path = fresh();
    const longName = 'Schreinerei und Innenausbau Öztürk & Söhne GmbH';
    await createWorkbook(path, {
      Settings: [DE_TENANT],
      TaxRules: TAX_RULES,
      Accounts: [account('A1', { name: longName })],
      Products: [product('P1', 1234.5)],
      Subscriptions: [subscription('S1', 'A1')],
      Items: [item('I1', 'S1', 'P1')],
    });
    let book = await openWorkbook(path);
    const p = memoryPorts(book.tables, { now: () => new Date('2026-12-01T09:00:00.000Z') });
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    expect(finalizeInvoices(p, {}).failed).toEqual([]);
    await book.save();

    const inv = (await read(path)).getWorksheet('Invoices')!;
    const cell = (h: string) => inv.getRow(2).getCell(colOf(inv, h));
    expect([cell('Net').value, cell('Net').numFmt, cell('Gross').numFmt]).toEqual([1234.5, MONEY_FORMAT, MONEY_FORMAT]);
    // The cell holds this machine's clock time of 09:00 UTC (10:00 in Berlin), as a date-time.
    expect([cell('Finalized At').value, cell('Finalized At').numFmt]).toEqual([toLocalWallTime(new Date('2026-12-01T09:00:00.000Z')), 'yyyy-mm-dd hh:mm:ss']);
    const width = (h: string) => inv.getColumn(colOf(inv, h)).width ?? 0;
    expect(width('Number')).toBeGreaterThanOrEqual(String(cell('Number').value).length + 1);
    expect(width('Buyer Name')).toBeGreaterThanOrEqual(longName.length);

    // Read back: the same instant the engine wrote.
    book = await openWorkbook(path);
    expect(book.tables.objects('Invoices')[0]['Finalized At']).toBe('2026-12-01T09:00:00.000Z');
  });

  it('turns an instant into local clock time and back, also across a daylight saving change', () => {
    expect(toLocalWallTime(new Date('2026-12-01T09:00:00.000Z'), 'Europe/Berlin')).toEqual(new Date('2026-12-01T10:00:00.000Z'));
    expect(toLocalWallTime(new Date('2026-07-01T09:00:00.000Z'), 'Europe/Berlin')).toEqual(new Date('2026-07-01T11:00:00.000Z'));
    // (02:00–03:00 on 2026-10-25 happens twice in Berlin: a clock time in that hour cannot say which; it reads as the second.)
    for (const at of ['2026-03-29T00:59:59.000Z', '2026-03-29T01:00:00.000Z', '2026-10-24T23:59:00.000Z', '2026-10-25T01:30:00.000Z', '2026-07-01T12:00:00.123Z']) {
      expect({ at, back: fromLocalWallTime(toLocalWallTime(new Date(at), 'Europe/Berlin'), 'Europe/Berlin') }).toEqual({ at, back: at });
    }
  });
});
