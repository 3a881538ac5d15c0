// The .xlsx workbook adapter: a whole cycle through a real file, the user's own columns, formats
// and sheets kept, engine columns written, atomic saves.
import ExcelJS from 'exceljs';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { memoryPorts } from '../../src/node/memoryHost';
import { CELL_TEXT_MAX, createWorkbook, openWorkbook } from '../../src/node/xlsxWorkbook';
import { DE_TENANT, TAX_RULES, account, item, product, subscription } from '../support/fixtures';

const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };

async function demoFile() {
  const dir = mkdtempSync(join(tmpdir(), 'billing-xlsx-'));
  const path = join(dir, 'book.xlsx');
  await createWorkbook(path, {
    Settings: [DE_TENANT],
    TaxRules: TAX_RULES,
    Accounts: [account('A1'), account('A2')],
    Products: [product('P1', 100), product('P2', 7.5)],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1', { quantity: 2 }), item('I3', 'S2', 'P2', { billingType: 'one_time' })],
  });
  return { dir, path };
}

describe('xlsx workbook', () => {
  it('creates a template with styled frozen headers, notes and enum drop-downs', async () => {
    const { path } = await demoFile();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['Settings', 'Accounts', 'Items', 'Invoices', 'InvoiceLines', 'Runs', 'Log']));
    const subs = wb.getWorksheet('Subscriptions')!;
    expect(subs.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(subs.getCell('A1').value).toBe('Subscription ID');
    expect(subs.getCell('A1').note).toBeTruthy();
    const periodCol = subs.getRow(1).values as unknown[];
    const at = periodCol.indexOf('Billing Period');
    expect(subs.getRow(2).getCell(at).dataValidation).toMatchObject({ type: 'list', formulae: ['"monthly,quarterly,semiannual,annual"'] });
    expect(subs.getRow(2).getCell(periodCol.indexOf('Start Date')).value).toEqual(new Date('2026-11-01T00:00:00Z'));
  });

  it('runs, finalizes and saves; reopened, the ledger verifies and a re-run bills nothing', async () => {
    const { dir, path } = await demoFile();
    let book = await openWorkbook(path);
    const p = memoryPorts(book.tables, { now: () => new Date('2026-12-01T09:00:00Z') });
    // S1: 100.00 × 1.19 = 119.00; S2: (2 × 100.00 + 7.50 one-time) × 1.19 = 246.925 → 246.93
    expect(runInvoicing(p, NOV).drafts.map((d) => d.gross)).toEqual(['119.00', '246.93']);
    finalizeInvoices(p, {});
    await book.save();
    expect(readdirSync(dir)).toEqual(['book.xlsx']);

    book = await openWorkbook(path);
    const p2 = memoryPorts(book.tables, { now: () => new Date('2026-12-01T09:00:00Z') });
    expect(verifyLedger(p2).problems).toEqual([]);
    expect(runInvoicing(p2, NOV).drafts).toEqual([]);
    const items = book.tables.objects('Items');
    expect(items.map((i) => [i['Item ID'], i['Billed Until'], i['Status']])).toEqual([
      ['I1', new Date('2026-11-30T00:00:00Z'), 'Active'],
      ['I2', new Date('2026-11-30T00:00:00Z'), 'Active'],
      ['I3', new Date('2026-11-01T00:00:00Z'), 'Inactive'],
    ]);
    expect(book.tables.objects('Invoices').map((i) => i['Number'])).toEqual(['INV-2026-00001', 'INV-2026-00002']);
  });

  it("keeps the user's own columns, cell formats, formulas and other sheets", async () => {
    const { path } = await demoFile();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const items = wb.getWorksheet('Items')!;
    const width = items.columnCount;
    items.getCell(1, width + 1).value = 'My note';
    items.getCell(2, width + 1).value = 'keep me';
    items.getCell(3, width + 1).value = { formula: 'LEN("abc")', result: 3 };
    const qtyCol = (items.getRow(1).values as unknown[]).indexOf('Quantity');
    items.getCell(2, qtyCol).numFmt = '0.000';
    wb.addWorksheet('My Dashboard').getCell('B2').value = 'hello';
    await wb.xlsx.writeFile(path);

    const book = await openWorkbook(path);
    const p = memoryPorts(book.tables, { now: () => new Date('2026-12-01T09:00:00Z') });
    runInvoicing(p, NOV);
    finalizeInvoices(p, {});
    await book.save();

    const after = new ExcelJS.Workbook();
    await after.xlsx.readFile(path);
    const ws = after.getWorksheet('Items')!;
    expect(ws.getCell(2, width + 1).value).toBe('keep me');
    expect(ws.getCell(3, width + 1).value).toMatchObject({ formula: 'LEN("abc")' });
    expect(ws.getCell(2, qtyCol).numFmt).toBe('0.000');
    expect(after.getWorksheet('My Dashboard')!.getCell('B2').value).toBe('hello');
    const billed = (ws.getRow(1).values as unknown[]).indexOf('Billed Until');
    expect(ws.getCell(2, billed).value).toEqual(new Date('2026-11-30T00:00:00Z'));
  });

  it('writes user text as text, never as a formula', async () => {
    const { path } = await demoFile();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const acc = wb.getWorksheet('Accounts')!;
    acc.getCell(2, (acc.getRow(1).values as unknown[]).indexOf('Name')).value = '=HYPERLINK("http://x","y")';
    await wb.xlsx.writeFile(path);
    const book = await openWorkbook(path);
    runInvoicing(memoryPorts(book.tables), NOV);
    await book.save();
    const after = new ExcelJS.Workbook();
    await after.xlsx.readFile(path);
    const inv = after.getWorksheet('Invoices')!;
    const cell = inv.getCell(2, (inv.getRow(1).values as unknown[]).indexOf('Buyer Name'));
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('=HYPERLINK("http://x","y")');
  });

  it.each([[Infinity], [-Infinity], [NaN]])('refuses to save the number %s, naming sheet, row and column, and writes nothing', async (bad) => {
    const { dir, path } = await demoFile();
    const book = await openWorkbook(path);
    book.tables.apply('Log', { append: [{ action: 'test', details: 'saved with the line' }] });
    book.tables.apply('InvoiceLines', {
      append: [
        { invoiceId: 'I-1', lineNo: 1, kind: 'item', description: 'ok', net: 5 },
        { invoiceId: 'I-1', lineNo: 2, kind: 'item', description: '1E308 × 10', net: bad },
      ],
    });
    const before = readFileSync(path);
    await expect(book.save()).rejects.toThrow(
      new RegExp(`^cannot save .*book\\.xlsx: InvoiceLines row 3, column [A-Z]+ \\("Net"\\): ${bad} is not a number a spreadsheet can hold; nothing was saved$`),
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['book.xlsx']);
  });

  it(`cuts text over ${CELL_TEXT_MAX} characters to the limit, ending in "…" with a note "cut from N characters"; a short text later drops the note`, async () => {
    const { path } = await demoFile();
    let book = await openWorkbook(path);
    const long = 'Ä'.repeat(39999) + 'Z';
    book.tables.apply('Log', { append: [{ action: 'test', details: long }] });
    await book.save();

    const detailsCell = async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path);
      const ws = wb.getWorksheet('Log')!;
      const cell = ws.getCell(2, (ws.getRow(1).values as unknown[]).indexOf('Details'));
      const note = cell.note as string | { texts: { text: string }[] } | undefined;
      return { value: cell.value, note: typeof note === 'string' ? note : note?.texts.map((t) => t.text).join('') };
    };
    const cut = await detailsCell();
    expect(cut.value).toBe('Ä'.repeat(CELL_TEXT_MAX - 1) + '…');
    expect(cut.note).toBe('cut from 40000 characters');

    book = await openWorkbook(path);
    book.tables.apply('Log', { update: [{ row: 2, values: { details: 'short now' } }] });
    await book.save();
    expect(await detailsCell()).toEqual({ value: 'short now', note: undefined });
  });

  it('cuts a long text of emoji without splitting a surrogate pair', async () => {
    const { path } = await demoFile();
    const book = await openWorkbook(path);
    book.tables.apply('Log', { append: [{ action: 'test', details: '😀'.repeat(20000) }] });
    await book.save();
    const details = (await openWorkbook(path)).tables.objects('Log')[0]['Details'] as string;
    expect(details.length).toBeLessThanOrEqual(CELL_TEXT_MAX);
    expect(details.endsWith('😀…')).toBe(true);
    expect(details).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});
