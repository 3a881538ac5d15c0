// Engine-owned sheets on a real .xlsx file hold exactly the table's rows after a save: rows the
// engine removed are gone from the file, trailing or not, however many (issue 10, defect 2).
import ExcelJS from 'exceljs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInvoicing } from '../../src/app/runInvoicing';
import { creditInvoice, finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import type { CellValue } from '../../src/ports';
import { memoryPorts } from '../../src/node/memoryHost';
import { createWorkbook, openWorkbook } from '../../src/node/xlsxWorkbook';
import { demoRows } from '../../sheets-templates/demoGenerator';

const NOW = () => new Date('2026-12-01T09:00:00Z');

async function freshBook(rows: Parameters<typeof createWorkbook>[1] = {}) {
  const path = join(mkdtempSync(join(tmpdir(), 'billing-rows-')), 'book.xlsx');
  await createWorkbook(path, rows);
  return path;
}

/** The data rows of a sheet as exceljs sees them in the file (values of the first columns). */
async function fileRows(path: string, sheet: string, width: number): Promise<{ count: number; rows: unknown[][] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const ws = wb.getWorksheet(sheet)!;
  const rows: unknown[][] = [];
  for (let r = 2; r <= ws.rowCount; r++) rows.push(Array.from({ length: width }, (_, c) => ws.getRow(r).getCell(c + 1).value));
  return { count: ws.rowCount - 1, rows };
}

function line(invoiceId: string, lineNo: number): Record<string, CellValue> {
  return { invoiceId, lineNo, kind: 'item', description: `${invoiceId} line ${lineNo}` };
}

describe('xlsx: an engine-owned sheet holds exactly the table rows after a save', () => {
  const SIX = [line('I-1', 1), line('I-1', 2), line('I-2', 1), line('I-3', 1), line('I-3', 2), line('I-3', 3)];
  const cases: [string, number[], string[]][] = [
    // sheet rows to remove (row 2 is the first data row) → descriptions left
    ['the last three rows', [5, 6, 7], ['I-1 line 1', 'I-1 line 2', 'I-2 line 1']],
    ['the last row', [7], ['I-1 line 1', 'I-1 line 2', 'I-2 line 1', 'I-3 line 1', 'I-3 line 2']],
    ['two middle rows', [3, 4], ['I-1 line 1', 'I-3 line 1', 'I-3 line 2', 'I-3 line 3']],
    ['the first row and the last two', [2, 6, 7], ['I-1 line 2', 'I-2 line 1', 'I-3 line 1']],
    ['every row', [2, 3, 4, 5, 6, 7], []],
  ];
  it.each(cases)('removing %s: the file has exactly the rows left, nothing repeated', async (_what, remove, left) => {
    const path = await freshBook();
    let book = await openWorkbook(path);
    book.tables.apply('InvoiceLines', { append: SIX });
    await book.save();

    book = await openWorkbook(path);
    book.tables.apply('InvoiceLines', { remove });
    await book.save();

    const reopened = await openWorkbook(path);
    expect(reopened.tables.objects('InvoiceLines').map((l) => l['Description'])).toEqual(left);
    const headers = reopened.tables.sheets.get('InvoiceLines')!.headers;
    const inFile = await fileRows(path, 'InvoiceLines', headers.length);
    expect(inFile.count).toBe(left.length);
  });

  it('a table that shrinks and grows again over several saves ends with just its rows', async () => {
    const path = await freshBook();
    const sizes = [9, 2, 7, 0, 4];
    for (const n of sizes) {
      const book = await openWorkbook(path);
      const have = book.tables.sheets.get('Log')?.rows.length ?? 0;
      book.tables.apply('Log', { remove: Array.from({ length: have }, (_, i) => i + 2), append: Array.from({ length: n }, (_, i) => ({ action: 'test', details: `entry ${i + 1} of ${n}` })) });
      await book.save();
      const after = await openWorkbook(path);
      expect([n, after.tables.objects('Log').map((r) => r['Details'])]).toEqual([n, Array.from({ length: n }, (_, i) => `entry ${i + 1} of ${n}`)]);
    }
  });
});

/**
 * Sets an account's Status in the file, as a user would in a spreadsheet program: its drafts
 * become stale (an account invoice stays while any of its subscriptions is billable).
 */
async function setAccountStatus(path: string, accountId: string, status: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const ws = wb.getWorksheet('Accounts')!;
  const headers = ws.getRow(1).values as unknown[];
  const idCol = headers.indexOf('Account ID');
  const statusCol = headers.indexOf('Status');
  let found = false;
  ws.eachRow((row, r) => {
    if (r > 1 && row.getCell(idCol).value === accountId) {
      row.getCell(statusCol).value = status;
      found = true;
    }
  });
  expect(found).toBe(true);
  await wb.xlsx.writeFile(path);
}

/** Problems of InvoiceLines: a line of an unknown invoice, a repeated (invoice, line), numbers not 1..n. */
function lineProblems(book: Awaited<ReturnType<typeof openWorkbook>>): string[] {
  const invoices = new Set(book.tables.objects('Invoices').map((i) => String(i['Invoice ID'])));
  const byInvoice = new Map<string, number[]>();
  const problems: string[] = [];
  for (const l of book.tables.objects('InvoiceLines')) {
    const id = String(l['Invoice ID']);
    if (!invoices.has(id)) problems.push(`line ${l['Line']} of ${id}, which is not in Invoices`);
    byInvoice.set(id, [...(byInvoice.get(id) ?? []), Number(l['Line'])]);
  }
  for (const [id, nos] of byInvoice) {
    const want = nos.map((_, i) => i + 1);
    if (nos.join() !== want.join()) problems.push(`${id} has lines ${nos.join(',')}`);
  }
  return problems;
}

describe('xlsx: re-runs through the engine never duplicate invoice lines', () => {
  it('a stale draft (its account made Inactive) whose lines are the last rows is removed with its lines; no invoice gets repeated lines', async () => {
    const path = await freshBook(demoRows());
    let book = await openWorkbook(path);
    runInvoicing(memoryPorts(book.tables, { now: NOW }), { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    await book.save();

    book = await openWorkbook(path);
    const lines = book.tables.objects('InvoiceLines');
    const lastInvoice = String(lines[lines.length - 1]['Invoice ID']);
    const lastLines = lines.filter((l) => l['Invoice ID'] === lastInvoice).length;
    expect(lastLines).toBeGreaterThan(1); // removing a single last row never showed the bug
    const account = String(book.tables.objects('Invoices').find((i) => i['Invoice ID'] === lastInvoice)!['Account ID']);
    await setAccountStatus(path, account, 'Inactive');

    book = await openWorkbook(path);
    const rerun = runInvoicing(memoryPorts(book.tables, { now: NOW }), { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    // Every draft of the account goes (an account can have one per currency or subscription).
    expect(rerun.removed).toContain(lastInvoice);
    const expected = book.tables.objects('InvoiceLines').length;
    expect(expected).toBe(lines.filter((l) => !rerun.removed.includes(String(l['Invoice ID']))).length);
    await book.save();

    const after = await openWorkbook(path);
    const linesAfter = after.tables.objects('InvoiceLines');
    expect(linesAfter.filter((l) => rerun.removed.includes(String(l['Invoice ID'])))).toEqual([]);
    expect(linesAfter.length).toBe(expected);
    expect(lineProblems(after)).toEqual([]);
  });

  it('a partial credit note whose lines are last, then a re-run that drops a draft of two or more lines: the ledger still verifies', async () => {
    const path = await freshBook(demoRows());
    let book = await openWorkbook(path);
    let p = memoryPorts(book.tables, { now: NOW });
    const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const [first, ...rest] = run.drafts;
    finalizeInvoices(p, { invoiceIds: [first.invoiceId] });
    const credit = creditInvoice(p, { invoiceId: first.invoiceId, lines: [1] });
    expect(credit.failed).toEqual([]);
    const note = credit.invoices.find((i) => i.type === 'credit_note')!;
    await book.save();

    book = await openWorkbook(path);
    const lines = book.tables.objects('InvoiceLines');
    expect(lines[lines.length - 1]['Invoice ID']).toBe(note.invoiceId);
    // A draft of another account with two or more lines: removing one line would hide the bug.
    const stale = rest.find((d) => d.accountId !== first.accountId && lines.filter((l) => l['Invoice ID'] === d.invoiceId).length >= 2)!;
    await setAccountStatus(path, stale.accountId, 'Inactive');

    book = await openWorkbook(path);
    p = memoryPorts(book.tables, { now: NOW });
    expect(runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }).removed).toEqual([stale.invoiceId]);
    await book.save();

    const after = await openWorkbook(path);
    expect(verifyLedger(memoryPorts(after.tables, { now: NOW })).problems).toEqual([]);
    expect(lineProblems(after)).toEqual([]);
    const linesAfter = after.tables.objects('InvoiceLines');
    expect(linesAfter.filter((l) => l['Invoice ID'] === stale.invoiceId)).toEqual([]);
    expect(linesAfter.filter((l) => l['Invoice ID'] === note.invoiceId).length).toBe(1);
  });
});
