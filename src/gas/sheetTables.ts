// Table port over the bound spreadsheet: one getValues per table read, and per patch one
// setValues per block (engine sheets) or per written column (user sheets), one deleteRows per
// contiguous run of removed rows, and one setValues for all appended rows. The grid grows before
// rows are appended past it, and texts over a cell's limit are cut, so a write never fails half-way.
import { asPlainText, cutText, isPercentFormat, percentText, type Cell } from '../core/cells';
import { SCHEMA, type TableName } from '../core/schema';
import { ensureColumns, headerIndex } from '../core/table';
import type { RawTable } from '../core/table';
import type { CellValue, TablePatch, TablePort } from '../ports';
import { datetimeWriter, ensureGrid, keepOneRow } from './sheetFormats';

/** Google Sheets holds at most 50,000 characters in a cell. */
export const SHEETS_CELL_MAX = 50_000;

export class SheetTables implements TablePort {
  /** Values as last read, per sheet: patches are applied to them and written back in blocks. */
  private readonly cache = new Map<TableName, Cell[][]>();

  constructor(private readonly ss: GoogleAppsScript.Spreadsheet.Spreadsheet) {}

  read(name: TableName): RawTable | undefined {
    const sheet = this.ss.getSheetByName(name);
    if (!sheet) return undefined;
    const values = sheet.getDataRange().getValues() as Cell[][];
    this.cache.set(name, values);
    return { headers: values[0] ?? [], rows: percentsAsTyped(sheet, name, values) };
  }

  apply(name: TableName, patch: TablePatch): void {
    const sheet = this.ss.getSheetByName(name) ?? this.ss.insertSheet(name);
    if (!this.cache.has(name) && !patch.update?.length && !patch.remove?.length && sheet.getLastRow() > 0) {
      this.appendOnly(sheet, name, patch.append ?? []);
      return;
    }
    let values = this.cache.get(name);
    if (!values) {
      this.read(name);
      values = this.cache.get(name)!;
    }
    if (!values.length || values[0].every((h) => h === '')) values.splice(0, values.length, []);
    const headers = values[0];
    const before = headers.length;
    const index = ensureColumns(name, headers, patch);
    const append = patch.append ?? [];
    ensureGrid(sheet, name, headers, values.length + append.length, before);
    if (headers.length > before) sheet.getRange(1, 1, 1, headers.length).setValues([headers.map((h) => asPlainText(String(h)))]);
    for (const row of values) while (row.length < headers.length) row.push('');

    const asDate = datetimeWriter(name, headers);
    const updates = patch.update ?? [];
    if (updates.length) {
      for (const u of updates) for (const [k, v] of Object.entries(u.values)) values[u.row - 1][index.get(k)!] = v;
      const rows = updates.map((u) => u.row);
      const top = Math.min(...rows);
      const bottom = Math.max(...rows);
      const block = (col: number, width: number) => values!.slice(top - 1, bottom).map((r) => r.slice(col, col + width).map((v, j) => toSheet(asDate(v, col + j))));
      if (SCHEMA[name].engineOwned) {
        sheet.getRange(top, 1, bottom - top + 1, headers.length).setValues(block(0, headers.length));
      } else {
        // User sheets: write only the columns the engine set, never the user's other columns.
        const cols = new Set<number>();
        for (const u of updates) for (const k of Object.keys(u.values)) cols.add(index.get(k)!);
        for (const col of cols) sheet.getRange(top, col + 1, bottom - top + 1, 1).setValues(block(col, 1));
      }
    }

    const removed = [...new Set(patch.remove ?? [])].sort((a, b) => b - a);
    if (removed.length) keepOneRow(sheet, removed.length);
    for (let i = 0; i < removed.length; ) {
      let j = i;
      while (j + 1 < removed.length && removed[j + 1] === removed[j] - 1) j++;
      sheet.deleteRows(removed[j], removed[i] - removed[j] + 1);
      values.splice(removed[j] - 1, removed[i] - removed[j] + 1);
      i = j + 1;
    }

    if (append.length) {
      const rows = append.map((a) => {
        const row: CellValue[] = new Array(headers.length).fill('');
        for (const [k, v] of Object.entries(a)) row[index.get(k)!] = v;
        return row;
      });
      sheet.getRange(values.length + 1, 1, rows.length, headers.length).setValues(rows.map((r) => r.map((v, j) => toSheet(asDate(v, j)))));
      values.push(...rows);
    }
  }

  /**
   * The header and the rows from `firstRow` on (two getValues: the header row and the tail), for a
   * slice that needs only the rows still to be worked on. Read to the end, the tail also becomes
   * this sheet's cache, so that `apply` updates rows read here and appends without reading the rows
   * above: those stand in the cache as one shared row that refuses to be written, so an update
   * outside the rows read fails before anything is written instead of writing what was never read.
   */
  readFrom(name: TableName, firstRow: number, lastRow?: number): RawTable | undefined {
    const sheet = this.ss.getSheetByName(name);
    if (!sheet) return undefined;
    const last = sheet.getLastRow();
    if (firstRow <= 2 && lastRow === undefined) return { ...this.read(name)!, firstRow: 2 };
    const width = Math.max(1, sheet.getLastColumn());
    const headers = (last ? sheet.getRange(1, 1, 1, width).getValues()[0] : []) as Cell[];
    const end = Math.min(last, lastRow ?? last);
    const rows = end >= firstRow ? (sheet.getRange(firstRow, 1, end - firstRow + 1, width).getValues() as Cell[][]) : [];
    if (lastRow === undefined) {
      // Only a sheet with every engine column: `apply` never has to widen the rows not read.
      if (headerIndex(name, headers).size === SCHEMA[name].columns.length) {
        const notRead = new Proxy(new Array<Cell>(width).fill(''), {
          set: () => {
            throw new Error(`${name}: a row above row ${firstRow} was not read in this execution and cannot be updated`);
          },
        });
        const values: Cell[][] = new Array(last);
        values[0] = [...headers];
        values.fill(notRead, 1, Math.min(firstRow - 1, last));
        rows.forEach((r, i) => {
          values[firstRow - 1 + i] = [...r];
        });
        this.cache.set(name, values);
      } else this.cache.delete(name);
    }
    return { headers, rows, firstRow };
  }

  /** One column of every data row: the header row and that column (two getValues). */
  readColumn(name: TableName, key: string): Cell[] | undefined {
    const sheet = this.ss.getSheetByName(name);
    if (!sheet || sheet.getLastRow() < 1) return undefined;
    const headers = sheet.getRange(1, 1, 1, Math.max(1, sheet.getLastColumn())).getValues()[0] as Cell[];
    const at = headerIndex(name, headers).get(key);
    if (at === undefined) return undefined;
    const last = sheet.getLastRow();
    return last < 2 ? [] : (sheet.getRange(2, at + 1, last - 1, 1).getValues() as Cell[][]).map((r) => r[0]);
  }

  /**
   * Appending to a sheet not read in this execution (the Log, Runs): only its header row is read,
   * not rows that only grow over the years.
   */
  private appendOnly(sheet: GoogleAppsScript.Spreadsheet.Sheet, name: TableName, append: Record<string, CellValue>[]): void {
    if (!append.length) return;
    const headers = sheet.getRange(1, 1, 1, Math.max(1, sheet.getLastColumn())).getValues()[0] as Cell[];
    const before = headers.length;
    const index = ensureColumns(name, headers, { append });
    const last = sheet.getLastRow();
    ensureGrid(sheet, name, headers, last + append.length, before);
    if (headers.length > before) sheet.getRange(1, 1, 1, headers.length).setValues([headers.map((h) => asPlainText(String(h)))]);
    const asDate = datetimeWriter(name, headers);
    const rows = append.map((a) => {
      const row: CellValue[] = new Array(headers.length).fill('');
      for (const [k, v] of Object.entries(a)) row[index.get(k)!] = v;
      return row.map((v, j) => toSheet(asDate(v, j)));
    });
    sheet.getRange(last + 1, 1, rows.length, headers.length).setValues(rows);
  }
}

/** Text is written so Sheets keeps it as text (no formulas from user data), cut to a cell's limit. */
function toSheet(v: Cell): Cell {
  return typeof v === 'string' ? asPlainText(cutText(v, SHEETS_CELL_MAX - 1)) : v;
}

/**
 * The data rows, with each number of a user's percent column that the sheet formats as percent
 * given as the user typed it ("50%" for the 0.5 Sheets holds): the engine reads a plain number
 * below 1 as a fraction and warns, which would warn on every correct "50 %". One getNumberFormats
 * per percent column; the cache keeps the raw values (the engine never writes these columns).
 */
function percentsAsTyped(sheet: GoogleAppsScript.Spreadsheet.Sheet, name: TableName, values: Cell[][]): Cell[][] {
  const rows = values.slice(1);
  if (!rows.length) return rows;
  const index = headerIndex(name, values[0]);
  const cols = SCHEMA[name].columns.filter((c) => c.type === 'percent' && !c.engine && index.has(c.key)).map((c) => index.get(c.key)!);
  if (!cols.length) return rows;
  const copy = rows.map((r) => r.slice());
  for (const c of cols) {
    const formats = sheet.getRange(2, c + 1, rows.length, 1).getNumberFormats();
    copy.forEach((r, i) => {
      if (typeof r[c] === 'number' && isPercentFormat(formats[i][0])) r[c] = percentText(r[c] as number);
    });
  }
  return copy;
}
