// A percent typed in a cell Excel or LibreOffice formats as percent is stored as a fraction (50 % →
// 0.5): the local host hands it to the engine as typed, so only a plain 0.5 gets the fraction warning.
import ExcelJS from 'exceljs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { billingBinary } from '../support/billingBinary';

describe('percent cells in the local workbook', () => {
  it('reads a percent-formatted 50 % as 50 % without a warning, and warns on a plain 0.5 naming its row', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pct-')), 'book.xlsx');
    expect((await billingBinary(['-w', file, 'init', '--demo'])).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const items = wb.getWorksheet('Items')!;
    const header = (items.getRow(1).values as unknown[]).map(String);
    const col = header.indexOf('Discount %');
    const rowOf = (id: string) => {
      for (let r = 2; r <= items.rowCount; r++) if (items.getRow(r).getCell(header.indexOf('Item ID')).value === id) return r;
      throw new Error(`Items has no ${id}`);
    };
    const formatted = items.getRow(rowOf('IT-001')).getCell(col);
    formatted.value = 0.5;
    // A style of its own: exceljs shares one style object between the cells of a column.
    formatted.style = { ...formatted.style, numFmt: '0%' };
    items.getRow(rowOf('IT-002')).getCell(col).value = 0.5;
    await wb.xlsx.writeFile(file);

    const r = await billingBinary(['-w', file, '--json', 'run', '--period', '2026-11']);
    expect({ code: r.code, err: r.err, failed: JSON.parse(r.out).failed, rowErrors: JSON.parse(r.out).rowErrors }).toEqual({ code: 0, err: '', failed: [], rowErrors: [] });
    const report = JSON.parse(r.out);
    const fractions = (report.warnings as string[]).filter((w) => /is read as/.test(w));
    expect(fractions).toEqual([expect.stringMatching(new RegExp(`Items.*row ${rowOf('IT-002')}.*0\\.5 is read as 50 %`))]);
  }, 60_000);
});
