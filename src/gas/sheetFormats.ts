// What each engine column looks like in a sheet, and the grid around the rows the engine writes:
// one rule for "Set up billing sheets" and for the rows the engine adds later.
import { SCHEMA, type TableName } from '../core/schema';
import { headerIndex } from '../core/table';
import type { Cell } from '../core/cells';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/**
 * The number format of a schema column: dates as dates, date-times as date and time (shown in the
 * spreadsheet's time zone), amounts with thousands separators and two decimals (unit prices below a
 * cent keep theirs), ids and names as plain text (Sheets would turn "007", "1/2", "TRUE" or "19 %"
 * typed into other cells into numbers, dates and booleans).
 */
export function numberFormatOf(table: TableName, key: string): string | undefined {
  const col = SCHEMA[table].columns.find((c) => c.key === key);
  if (!col) return undefined;
  if (col.type === 'date') return 'yyyy-mm-dd';
  if (col.type === 'datetime') return 'yyyy-mm-dd hh:mm:ss';
  if (col.type === 'money') return '#,##0.00####';
  if (col.type === 'text' || col.type === 'ref') return '@';
  return undefined;
}

/** What the engine writes into datetime columns: an instant in UTC (ISO 8601). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A value for a cell of column `index`: an instant in a datetime column goes in as a Date, so Sheets
 * holds a date-time shown in the spreadsheet's time zone, not UTC text. Read back, it is the same instant.
 */
export function datetimeWriter(table: TableName, headers: readonly Cell[]): (v: Cell, index: number) => Cell {
  const at = headerIndex(table, [...headers]);
  const cols = new Set(SCHEMA[table].columns.filter((c) => c.type === 'datetime' && at.has(c.key)).map((c) => at.get(c.key)!));
  return (v, index) => (cols.has(index) && typeof v === 'string' && ISO_INSTANT.test(v) ? new Date(v) : v);
}

/**
 * Sets the schema's number formats on rows first..last (of the columns from index `fromCol` on), one
 * call per run of adjacent columns with the same format.
 */
export function formatRows(sheet: Sheet, table: TableName, headers: readonly Cell[], first: number, last: number, fromCol = 0): void {
  if (last < first) return;
  const byCol = new Map<number, string>();
  for (const [key, i] of headerIndex(table, [...headers])) {
    const f = numberFormatOf(table, key);
    if (f && i >= fromCol) byCol.set(i + 1, f);
  }
  const cols = [...byCol.keys()].sort((a, b) => a - b);
  for (let i = 0; i < cols.length; ) {
    let j = i;
    while (j + 1 < cols.length && cols[j + 1] === cols[j] + 1 && byCol.get(cols[j + 1]) === byCol.get(cols[i])) j++;
    sheet.getRange(first, cols[i], last - first + 1, cols[j] - cols[i] + 1).setNumberFormat(byCol.get(cols[i])!);
    i = j + 1;
  }
}

/** Rows added to the grid at a time: growing is a call of its own, so it is done in steps. */
export const GROW_ROWS = 1000;

/**
 * Makes the grid hold `rows` rows and every header (of which those from index `newCols` on are new).
 * A sheet's grid is fixed (a new sheet has 1,000 rows and 26 columns) and Sheets refuses ranges
 * outside it; rows added after the last one carry no formats, so the engine's formats are set here.
 */
export function ensureGrid(sheet: Sheet, table: TableName, headers: readonly Cell[], rows: number, newCols: number): void {
  const cols = headers.length;
  const maxCols = sheet.getMaxColumns();
  if (cols > maxCols) sheet.insertColumnsAfter(maxCols, cols - maxCols);
  const maxRows = sheet.getMaxRows();
  // Columns the engine adds now (all of them on a sheet it creates) get their format on every row.
  if (newCols < cols) formatRows(sheet, table, headers, 2, maxRows, newCols);
  if (rows <= maxRows) return;
  const add = rows - maxRows + GROW_ROWS;
  sheet.insertRowsAfter(maxRows, add);
  formatRows(sheet, table, headers, maxRows + 1, maxRows + add);
}

/**
 * Deleting rows must leave one row that is not frozen (Sheets refuses to delete them all): when a
 * deletion would, an empty row is added at the end first.
 */
export function keepOneRow(sheet: Sheet, deleting: number): void {
  const maxRows = sheet.getMaxRows();
  if (deleting >= maxRows - sheet.getFrozenRows()) sheet.insertRowsAfter(maxRows, 1);
}
