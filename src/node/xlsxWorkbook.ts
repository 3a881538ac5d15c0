// The local host's workbook: an .xlsx file (Google Sheets imports and exports it) loaded into
// MemoryTables, and saved back atomically. The engine's sheets are rewritten; in the user's
// sheets only engine-owned columns are written, so the user's formats, formulas, own columns
// and other sheets stay as they were.
import ExcelJS from 'exceljs';
import { existsSync, renameSync, unlinkSync } from 'node:fs';
import type { Cell } from '../core/cells';
import { isIsoDate } from '../core/dates';
import { SCHEMA, TABLE_NAMES, type ColumnDef, type TableName } from '../core/schema';
import { headerIndex } from '../core/table';
import { MemoryTables } from './memoryTables';

export interface XlsxWorkbook {
  path: string;
  tables: MemoryTables;
  /** Writes the changed tables back (temp file, then rename: a crash never leaves a broken file). */
  save(): Promise<void>;
}

/** A cell as the engine reads it: formulas give their result, rich text its plain text. */
function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return '';
  if (v instanceof Date || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

function readSheet(ws: ExcelJS.Worksheet): { headers: Cell[]; rows: Cell[][] } {
  const width = ws.actualColumnCount > 0 ? ws.columnCount : 0;
  const headers: Cell[] = [];
  const header = ws.getRow(1);
  for (let c = 1; c <= width; c++) headers.push(cellValue(header.getCell(c).value));
  const rows: Cell[][] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: Cell[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellValue(row.getCell(c).value));
    rows.push(cells);
  }
  while (rows.length && rows[rows.length - 1].every((v) => v === '')) rows.pop();
  return { headers, rows };
}

/** A value as it goes into the file: ISO dates in date columns become real dates. */
function fileValue(v: Cell, col: ColumnDef | undefined): ExcelJS.CellValue {
  if (v === '' || v === null || v === undefined) return null;
  if (col?.type === 'date' && typeof v === 'string' && isIsoDate(v)) return new Date(`${v}T00:00:00Z`);
  return v as ExcelJS.CellValue;
}

const DATE_FORMAT = 'yyyy-mm-dd';
/** Rows below the header that get the drop-down lists of enum columns. */
const VALIDATED_ROWS = 5000;

export async function openWorkbook(path: string): Promise<XlsxWorkbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const tables = new MemoryTables();
  for (const name of TABLE_NAMES) {
    const ws = wb.getWorksheet(name);
    if (ws) tables.sheets.set(name, readSheet(ws));
  }
  tables.calls.length = 0;
  return {
    path, tables,
    async save() {
      const changed = new Set(tables.calls.filter((c) => c.op === 'apply').map((c) => c.table as TableName));
      for (const name of changed) writeSheet(wb, name, tables);
      const tmp = `${path}.tmp-${process.pid}`;
      try {
        await wb.xlsx.writeFile(tmp);
        renameSync(tmp, path);
      } finally {
        if (existsSync(tmp)) unlinkSync(tmp);
      }
      tables.calls.length = 0;
    },
  };
}

function writeSheet(wb: ExcelJS.Workbook, name: TableName, tables: MemoryTables) {
  const data = tables.sheets.get(name)!;
  const def = SCHEMA[name];
  const ws = wb.getWorksheet(name) ?? addSheet(wb, name);
  const index = headerIndex(name, data.headers);
  const colOf = new Map<number, ColumnDef>();
  for (const col of def.columns) if (index.has(col.key)) colOf.set(index.get(col.key)!, col);
  data.headers.forEach((h, i) => {
    const cell = ws.getRow(1).getCell(i + 1);
    if (cellValue(cell.value) !== h) cell.value = h as ExcelJS.CellValue;
  });
  // Engine sheets: every row is the engine's. User sheets: only the engine's columns.
  const writable = def.engineOwned ? [...data.headers.keys()] : [...colOf].filter(([, col]) => col.engine || col.key === 'status').map(([i]) => i);
  if (def.engineOwned && ws.rowCount > data.rows.length + 1) ws.spliceRows(data.rows.length + 2, ws.rowCount - data.rows.length - 1);
  data.rows.forEach((cells, r) => {
    const row = ws.getRow(r + 2);
    for (const i of writable) {
      const col = colOf.get(i);
      const cell = row.getCell(i + 1);
      cell.value = fileValue(cells[i], col);
      if (col?.type === 'date' && cell.value instanceof Date) cell.numFmt = DATE_FORMAT;
    }
  });
}

function addSheet(wb: ExcelJS.Workbook, name: TableName): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  styleHeader(ws, name);
  return ws;
}

function styleHeader(ws: ExcelJS.Worksheet, name: TableName) {
  const def = SCHEMA[name];
  def.columns.forEach((col, i) => {
    const cell = ws.getRow(1).getCell(i + 1);
    cell.value = col.header;
    cell.font = { bold: true, color: { argb: col.engine || def.engineOwned ? 'FF555555' : 'FF000000' } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: col.engine || def.engineOwned ? 'FFE8E8E8' : 'FFDDEBF7' } };
    cell.note = col.note + (col.engine ? ' (written by the billing engine)' : '');
    ws.getColumn(i + 1).width = Math.max(12, Math.min(40, col.header.length + 4));
  });
}

/**
 * A new workbook with every sheet of the schema: styled, frozen header rows with a note per
 * column, drop-down validation on enum columns (rows 2–1000), date formats, and the rows given.
 */
export async function createWorkbook(path: string, rows: Partial<Record<TableName, Record<string, Cell>[]>> = {}): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Sheets Billing';
  for (const name of TABLE_NAMES) {
    const ws = addSheet(wb, name);
    const def = SCHEMA[name];
    def.columns.forEach((col, i) => {
      const letter = ws.getColumn(i + 1).letter;
      if (col.values?.length && !def.engineOwned) {
        // One range rule per column (not one per cell): small files, fast saves.
        (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(`${letter}2:${letter}${VALIDATED_ROWS}`, {
          type: 'list', allowBlank: !col.required, formulae: [`"${col.values.join(',')}"`],
          showErrorMessage: true, errorTitle: col.header, error: `Choose one of: ${col.values.join(', ')}`,
        });
      }
      if (col.type === 'date') ws.getColumn(i + 1).numFmt = DATE_FORMAT;
    });
    (rows[name] ?? []).forEach((r, k) => {
      const row = ws.getRow(k + 2);
      def.columns.forEach((col, i) => {
        row.getCell(i + 1).value = fileValue(r[col.key] ?? '', col);
      });
    });
  }
  const tmp = `${path}.tmp-${process.pid}`;
  await wb.xlsx.writeFile(tmp);
  renameSync(tmp, path);
}
