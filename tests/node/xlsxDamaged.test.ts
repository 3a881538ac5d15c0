// Damaged and unusual workbooks (issue 10, defect 8): a chart (or anything else exceljs would
// drop) makes a workbook read-only instead of unreadable or silently cut; a missing shared
// strings part, a broken sheet part or a file that is no .xlsx is refused with one clear
// message and never written; formulas without a computed value and error values are read as
// text the engine reports; saves are fsync'd, crash-tested, and their temp files cleaned up.
import ExcelJS from 'exceljs';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8, unzipSync } from 'fflate';
import { runInvoicing } from '../../src/app/runInvoicing';
import { verifyLedger } from '../../src/app/ledgerActions';
import { writeFileAtomic } from '../../src/node/files';
import { memoryPorts } from '../../src/node/memoryHost';
import { createWorkbook, openWorkbook } from '../../src/node/xlsxWorkbook';
import { coreDemoRows } from '../../sheets-templates/demoData';
import { addChart, addChartSheet, addPivotTable, damageSheet, editXlsx, inlineSharedStrings, removeSharedStrings, renameSharedStrings } from '../support/xlsxFixtures';

const root = join(__dirname, '..', '..');
// The module object itself (not an ES namespace copy), so spies see the calls of src/node/files.ts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');
const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
const NOW = () => new Date('2026-12-01T09:00:00Z');
const DAMAGED = '(the file is damaged or not an .xlsx workbook)';

/** The core demo workbook plus the user's own "Dashboard" sheet with numbers in A2:A4. */
async function book(): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'billing-damaged-'));
  const path = join(dir, 'book.xlsx');
  await createWorkbook(path, coreDemoRows());
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const dash = wb.addWorksheet('Dashboard');
  [10, 20, 30].forEach((v, i) => {
    dash.getCell(i + 2, 1).value = v;
  });
  await wb.xlsx.writeFile(path);
  return { dir, path };
}

function parts(path: string): string[] {
  return Object.keys(unzipSync(readFileSync(path))).sort();
}

describe('xlsx: a workbook with a chart or other objects exceljs cannot write back', () => {
  it("a chart on the user's sheet: every table reads, the engine runs, a save is refused naming the sheet, the file stays byte for byte", async () => {
    const { dir, path } = await book();
    addChart(path, 'Dashboard');
    const before = readFileSync(path);
    const wb = await openWorkbook(path);
    const p = memoryPorts(wb.tables, { now: NOW });
    expect(verifyLedger(p).problems).toEqual([]);
    expect(runInvoicing(p, NOV).drafts.length).toBe(8);
    await expect(wb.save()).rejects.toThrow(`cannot save ${path}: this workbook has a chart on sheet "Dashboard", which the billing CLI cannot keep; saving would delete it, so nothing was saved`);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['book.xlsx']);
    expect(wb.readOnly).toMatch(/^this workbook has a chart on sheet "Dashboard", which the billing CLI cannot keep; /);
  });

  it('a picture laid over a chart (a drawing exceljs 4.4 cannot parse: "reading \'anchors\'") opens, and a save is refused', async () => {
    const { path } = await book();
    addChart(path, 'Items', { pictureOverChart: true });
    const before = readFileSync(path);
    const wb = await openWorkbook(path);
    expect(wb.tables.objects('Items').length).toBeGreaterThan(0);
    expect(wb.readOnly).toMatch(/a chart on sheet "Items"/);
    runInvoicing(memoryPorts(wb.tables, { now: NOW }), NOV);
    await expect(wb.save()).rejects.toThrow(/this workbook has a chart on sheet "Items", which the billing CLI cannot keep/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(parts(path)).toEqual(expect.arrayContaining(['xl/charts/chart1.xml', 'xl/drawings/drawing1.xml', 'xl/drawings/drawing2.xml']));
  });

  it('a chart sheet and a pivot table are named too', async () => {
    const { path } = await book();
    addChartSheet(path, 'Revenue Chart', 'Dashboard');
    addPivotTable(path, 'Dashboard');
    const wb = await openWorkbook(path);
    expect(wb.readOnly).toMatch(/^this workbook has a pivot table on sheet "Dashboard", the chart sheet "Revenue Chart", which the billing CLI cannot keep; saving would delete them/);
    runInvoicing(memoryPorts(wb.tables, { now: NOW }), NOV);
    await expect(wb.save()).rejects.toThrow(/chart sheet "Revenue Chart"/);
  });

  it('a command that changes nothing saves nothing, so read-only workbooks work with it too', async () => {
    const { path } = await book();
    addChart(path, 'Dashboard');
    const before = statSync(path).mtimeMs;
    const wb = await openWorkbook(path);
    await wb.save();
    expect(statSync(path).mtimeMs).toBe(before);
  });

  it('a picture on a sheet is no obstacle: exceljs keeps it, the workbook saves', async () => {
    const { path } = await book();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
    wb.getWorksheet('Dashboard')!.addImage(wb.addImage({ buffer: png, extension: 'png' } as unknown as ExcelJS.Image), 'C2:D4');
    await wb.xlsx.writeFile(path);
    const book2 = await openWorkbook(path);
    expect(book2.readOnly).toBeUndefined();
    runInvoicing(memoryPorts(book2.tables, { now: NOW }), NOV);
    await book2.save();
    expect(parts(path).filter((n) => n.startsWith('xl/media/') && n.endsWith('.png'))).toHaveLength(1);
  });
});

describe('xlsx: shared strings', () => {
  it('a workbook whose xl/sharedStrings.xml is gone is refused (before, it read every text as a number and finalize saved "0 invoices")', async () => {
    const { dir, path } = await book();
    removeSharedStrings(path);
    const before = readFileSync(path);
    await expect(openWorkbook(path)).rejects.toThrow(`cannot read ${path}: sheet "Settings" refers to shared strings, but the shared strings part (xl/sharedStrings.xml) is missing ${DAMAGED}`);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['book.xlsx']);
  });

  it('a workbook without shared strings because its cells hold their text inline reads like the original', async () => {
    const { path } = await book();
    const original = (await openWorkbook(path)).tables;
    inlineSharedStrings(path);
    expect(parts(path)).not.toContain('xl/sharedStrings.xml');
    const inline = (await openWorkbook(path)).tables;
    for (const t of ['Settings', 'Accounts', 'Items'] as const) expect([t, inline.objects(t)]).toEqual([t, original.objects(t)]);
  });

  it('shared strings stored under another name, as the relationship says, read like the original', async () => {
    const { path } = await book();
    const original = (await openWorkbook(path)).tables;
    renameSharedStrings(path, 'xl/strings.xml');
    const renamed = (await openWorkbook(path)).tables;
    for (const t of ['Settings', 'Accounts', 'Items'] as const) expect([t, renamed.objects(t)]).toEqual([t, original.objects(t)]);
  });
});

describe('xlsx: a damaged file is refused with one message and never written', () => {
  const cases: [string, (path: string) => void, RegExp][] = [
    ['a sheet part that is not XML', (p) => damageSheet(p, 'Items', 'garbage'), /: sheet "Items" \(xl\/worksheets\/sheet\d+\.xml\) is not well-formed XML: /],
    ['a sheet part cut off in the middle', (p) => damageSheet(p, 'Items', 'truncated'), /: sheet "Items" \(xl\/worksheets\/sheet\d+\.xml\) is not well-formed XML: /],
    ['a sheet part that is gone', (p) => damageSheet(p, 'Items', 'missing'), /: the part of sheet "Items" is missing /],
    ['a zip archive without a workbook', (p) => writeFileSync(p, zipSync({ 'readme.txt': strToU8('hello') })), /: it has no xl\/workbook\.xml /],
  ];
  // A file that is no zip archive at all is most likely a CSV or an old .xls: a plain message says what to do.
  it.each([
    ['a file that is not a zip archive', 'Invoice;Net\nRE-1;100\n'],
    ['an empty file', ''],
  ])('%s gets the plain message that it is not an .xlsx workbook, and stays as it was', async (_what, content) => {
    const { dir, path } = await book();
    writeFileSync(path, content);
    const err = await openWorkbook(path).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(err).toBe(`${path} is not an .xlsx workbook (a .xls, .csv or .ods file must be saved as .xlsx first; create a new one with: billing init)`);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(readdirSync(dir)).toEqual(['book.xlsx']);
  });
  it.each(cases)('%s', async (_what, damage, what) => {
    const { dir, path } = await book();
    damage(path);
    const before = readFileSync(path);
    const err = await openWorkbook(path).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(err).toMatch(new RegExp(`^cannot read ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(err).toMatch(what);
    expect(err?.endsWith(DAMAGED)).toBe(true);
    expect(err).not.toMatch(/Cannot (set|read) properties/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['book.xlsx']);
  });
});

describe('xlsx: formulas and error values', () => {
  /** Sets Items cells (by header) of the first item row in the file, as a user would. */
  async function setItemCells(path: string, values: Record<string, ExcelJS.CellValue>) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.getWorksheet('Items')!;
    const headers = ws.getRow(1).values as unknown[];
    for (const [h, v] of Object.entries(values)) ws.getCell(2, headers.indexOf(h)).value = v;
    await wb.xlsx.writeFile(path);
  }

  it('a formula without a computed value reads as its formula, marked, and the row error shows it (not "[object Object]")', async () => {
    const { path } = await book();
    await setItemCells(path, { Quantity: { formula: '2*3' } as ExcelJS.CellFormulaValue });
    const wb = await openWorkbook(path);
    expect(wb.tables.objects('Items')[0]['Quantity']).toBe('=2*3 (formula without a computed value: open and save the file in a spreadsheet program)');
    const errors = runInvoicing(memoryPorts(wb.tables, { now: NOW }), NOV).rowErrors.map((e) => e.text);
    expect(errors).toEqual(expect.arrayContaining([expect.stringContaining('"=2*3 (formula without a computed value: open and save the file in a spreadsheet program)"')]));
    expect(errors.join('\n')).not.toContain('[object Object]');
  });

  it('a formula whose computed value is 0, or the empty text, reads as that value', async () => {
    const { path } = await book();
    await setItemCells(path, { 'Discount %': { formula: '0*5', result: 0 } as ExcelJS.CellFormulaValue, Description: { formula: 'IF(1>2,"x","")' } as ExcelJS.CellFormulaValue });
    // Excel writes an empty text result as <v></v> (exceljs writes no <v> at all without a result).
    editXlsx(path, (x) => {
      const sheet = x.sheetPart('Items');
      const xml = x.text(sheet);
      const edited = xml.replace(/(<c r="[A-Z]+2"[^>]*)><f>(IF\(1&gt;2,&quot;x&quot;,&quot;&quot;\))<\/f><\/c>/, '$1 t="str"><f>$2</f><v></v></c>');
      expect(edited).not.toBe(xml);
      x.setText(sheet, edited);
    });
    const item = (await openWorkbook(path)).tables.objects('Items')[0];
    expect([item['Discount %'], item['Description']]).toEqual([0, '']);
  });

  it('error values (#N/A, #DIV/0! from a formula) read as their text, which the parser rejects with the value shown', async () => {
    const { path } = await book();
    await setItemCells(path, { Quantity: { error: '#N/A' } as ExcelJS.CellErrorValue, 'Unit Price': { formula: '1/0', result: { error: '#DIV/0!' } } as ExcelJS.CellFormulaValue });
    const wb = await openWorkbook(path);
    const item = wb.tables.objects('Items')[0];
    expect([item['Quantity'], item['Unit Price']]).toEqual(['#N/A', '#DIV/0!']);
    const errors = runInvoicing(memoryPorts(wb.tables, { now: NOW }), NOV)
      .rowErrors.map((e) => e.text)
      .join('\n');
    expect(errors).toContain('Items row 2, column Quantity (value "#N/A"): "#N/A" is an error value of the spreadsheet: fix the formula');
    expect(errors).toContain('Items row 2, column Unit Price (value "#DIV/0!"): "#DIV/0!" is an error value of the spreadsheet: fix the formula');
  });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('xlsx saves: temp files, fsync, crash points', () => {
  it('opening a workbook removes the temp files of dead processes (also the old <name>.tmp-<pid>), not those of live ones', async () => {
    const { dir, path } = await book();
    const dead = deadPid();
    const stale = [`.book.xlsx.billing-tmp-${dead}`, `book.xlsx.tmp-${dead}`, `.book.xlsx.state.json.billing-tmp-${dead}`];
    const live = `.book.xlsx.billing-tmp-${process.ppid}`;
    for (const f of [...stale, live]) writeFileSync(join(dir, f), 'half a workbook');
    writeFileSync(join(dir, 'notes.tmp-1'), "the user's own file");
    await openWorkbook(path);
    expect(readdirSync(dir).sort()).toEqual([live, 'book.xlsx', 'notes.tmp-1'].sort());
  });

  /** The fsyncs and renames a write makes, in order (files and folders by inode). */
  async function durability(dir: string, write: () => unknown): Promise<string[]> {
    const events: string[] = [];
    const fsync = jest.spyOn(fs, 'fsyncSync').mockImplementation((fd: number) => {
      const st = fs.fstatSync(fd);
      events.push(st.isDirectory() ? `fsync dir ${st.ino}` : `fsync file ${st.ino}`);
    });
    const rename = jest.spyOn(fs, 'renameSync');
    rename.mockImplementation((from, to) => {
      events.push(`rename ${String(from).replace(dir, '')} → ${String(to).replace(dir, '')}`);
      rename.mockRestore();
      fs.renameSync(from, to);
    });
    try {
      await write();
    } finally {
      fsync.mockRestore();
      rename.mockRestore();
    }
    return events;
  }

  it('a save writes the temp file, fsyncs it, renames it over the workbook, then fsyncs the folder', async () => {
    const { dir, path } = await book();
    const wb = await openWorkbook(path);
    runInvoicing(memoryPorts(wb.tables, { now: NOW }), NOV);
    expect(await durability(dir, () => wb.save())).toEqual([`fsync file ${statSync(path).ino}`, `rename /.book.xlsx.billing-tmp-${process.pid} → /book.xlsx`, `fsync dir ${statSync(dir).ino}`]);
  });

  it('writeFileAtomic does the same for the other files (state, PDFs, outbox)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-atomic-'));
    const path = join(dir, 'state.json');
    const events = await durability(dir, () => writeFileAtomic(path, '{"a":1}\n'));
    expect(events).toEqual([`fsync file ${statSync(path).ino}`, `rename /.state.json.billing-tmp-${process.pid} → /state.json`, `fsync dir ${statSync(dir).ino}`]);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
  });

  describe('a process killed at each crash point of a save', () => {
    let script: string;
    let work: string;
    afterAll(() => rmSync(work, { recursive: true, force: true }));
    beforeAll(async () => {
      // A child that opens the workbook, adds a Log row and saves: bundled, run by plain node.
      mkdirSync(join(root, 'out'), { recursive: true });
      work = mkdtempSync(join(root, 'out', 'xlsx-crash-'));
      writeFileSync(
        join(work, 'save.ts'),
        `import { openWorkbook } from ${JSON.stringify(join(root, 'src/node/xlsxWorkbook'))};
void (async () => {
  const book = await openWorkbook(process.argv[2]);
  book.tables.apply('Log', { append: [{ action: 'crash test', details: 'saved' }] });
  await book.save();
})();
`,
      );
      script = join(work, 'save.cjs');
      await build({ entryPoints: [join(work, 'save.ts')], bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', outfile: script, logLevel: 'warning' });
    });

    function save(path: string, env: Record<string, string>) {
      return spawnSync(process.execPath, [script, path], { env: { ...process.env, ...env }, encoding: 'utf8' });
    }

    it('names its crash points in order: the temp file, then the rename', async () => {
      const { dir, path } = await book();
      const trace = join(dir, 'trace.txt');
      expect(save(path, { BILLING_CRASH_TRACE: trace }).status).toBe(0);
      expect(readFileSync(trace, 'utf8')).toBe('1 xlsx save: temp file\n2 xlsx save: rename\n');
    });

    it.each([
      [1, 'before the temp file is written'],
      [2, 'before the rename'],
    ])('killed at point %i (%s): the workbook is the old one, whole; the next open removes the temp file', async (at) => {
      const { dir, path } = await book();
      const before = readFileSync(path);
      const r = save(path, { BILLING_CRASH_AT: String(at) });
      expect([r.signal, r.stderr]).toEqual(['SIGKILL', '']);
      expect(readFileSync(path).equals(before)).toBe(true);
      const temp = `.book.xlsx.billing-tmp-${r.pid}`;
      expect(existsSync(join(dir, temp))).toBe(at === 2);
      const wb = await openWorkbook(path);
      expect(wb.tables.objects('Log').map((l) => l['Details'])).not.toContain('saved');
      expect(readdirSync(dir)).toEqual(['book.xlsx']);
      // and the save goes through when nobody kills it
      expect(save(path, {}).status).toBe(0);
      expect((await openWorkbook(path)).tables.objects('Log').map((l) => l['Details'])).toContain('saved');
    });
  });
});
