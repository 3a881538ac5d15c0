// A whole sheet ↔ typed records, columns found by header name. Bad rows become errors
// that name sheet, row, column and value; they are skipped, the other rows go on.
import { isBlank, isDate, parseCell, plainText, toCell, type Cell, type ParseContext } from './cells';
import type { TableRecords } from './model';
import { SCHEMA, type ColumnDef, type TableName } from './schema';

/** The record type of a table's rows (model.ts; the Received sheets have none: plain fields). */
export type RecordFor<N extends TableName> = N extends keyof TableRecords ? TableRecords[N] : Record<string, unknown>;

/** A sheet as read in one bulk call: the header row and the data rows below it. */
export interface RawTable {
  headers: Cell[];
  rows: Cell[][];
  /** The sheet row of rows[0] when only the rows from there on were read (default 2: the whole sheet). */
  firstRow?: number;
}

export interface RowError {
  sheet: TableName | string;
  /** 1-based sheet row (the header is row 1); 0 when the problem is not one row's. */
  row: number;
  column: string;
  value: string;
  message: string;
}

export interface ParsedRow<T> {
  /** 1-based sheet row. */
  row: number;
  record: T;
  /** The row's cells as read (for filters on any column, including the user's own). */
  cells: Cell[];
}

export interface ParsedTable<T> {
  name: TableName;
  headers: Cell[];
  rows: ParsedRow<T>[];
  errors: RowError[];
  /** Cells of the kept rows read in a way the user may not have meant (a Discount % of 0.5 is 50 %). */
  warnings: RowError[];
}

export function normalizeHeader(h: unknown): string {
  return String(h ?? '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/** Column index (0-based) of each schema column key present in the header row. */
export function headerIndex(table: TableName, headers: Cell[]): Map<string, number> {
  const byHeader = new Map<string, number>();
  headers.forEach((h, i) => {
    const n = normalizeHeader(h);
    if (n && !byHeader.has(n)) byHeader.set(n, i);
  });
  const out = new Map<string, number>();
  for (const col of SCHEMA[table].columns) {
    const i = byHeader.get(normalizeHeader(col.header));
    if (i !== undefined) out.set(col.key, i);
  }
  return out;
}

/** A cell's value for a message: long texts shortened, so that a report stays readable. */
export function describeValue(v: Cell): string {
  if (isDate(v)) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  const s = v === null || v === undefined ? '' : String(v);
  return s.length > 200 ? `${s.slice(0, 200)}… (${s.length} characters)` : s;
}

/** A sheet's rows as records of its table (the schema's keys, checked against model.ts by the compiler). */
export function parseTable<N extends TableName>(name: N, raw: RawTable | undefined, ctx: ParseContext): ParsedTable<RecordFor<N>> {
  type T = RecordFor<N>;
  const def = SCHEMA[name];
  const errors: RowError[] = [];
  const warnings: RowError[] = [];
  const rows: ParsedRow<T>[] = [];
  if (!raw) return { name, headers: [], rows, errors, warnings };
  const index = headerIndex(name, raw.headers);
  // An engine column the engine has not written yet may be absent; once rows exist, its key columns must be there.
  const hasRows = raw.rows.some((r) => r.some((v) => !isBlank(v)));
  const missing = def.columns.filter((col) => col.required && (!col.engine || hasRows) && !index.has(col.key));
  for (const col of missing) {
    errors.push({ sheet: name, row: 1, column: col.header, value: '', message: `required column "${col.header}" is missing from the header row` });
  }
  if (missing.length) return { name, headers: raw.headers, rows, errors, warnings };
  const seen = new Map<string, number>();
  const present = def.columns.map((col) => ({ col, at: index.get(col.key) }));
  const idHeader = def.id ? def.columns.find((col) => col.key === def.id)!.header : '';
  const rowsIn = raw.rows;
  const first = raw.firstRow ?? 2;
  for (let i = 0; i < rowsIn.length; i++) {
    const cells = rowsIn[i];
    const rowNo = i + first;
    let blank = true;
    for (const v of cells)
      if (!isBlank(v)) {
        blank = false;
        break;
      }
    if (blank) continue;
    const { record, errors: rowErrors, warnings: rowWarnings } = parseRow(name, present, cells, rowNo, ctx);
    // An id the engine has not given yet (a payment typed in) is no duplicate of another such row.
    if (!rowErrors.length && def.id && record[def.id] !== undefined) {
      const id = String(record[def.id]);
      const first = seen.get(id);
      if (first !== undefined) rowErrors.push({ sheet: name, row: rowNo, column: idHeader, value: id, message: `duplicate id (also in row ${first})` });
      else seen.set(id, rowNo);
    }
    if (rowErrors.length) errors.push(...rowErrors);
    // The one cast from cells to a record: its keys are the schema's, which model.ts checks (RECORDS_MATCH_SCHEMA).
    else {
      rows.push({ row: rowNo, record: record as T, cells });
      warnings.push(...rowWarnings);
    }
  }
  return { name, headers: raw.headers, rows, errors, warnings };
}

/** One non-blank row's cells as a record, with the problems of its cells (errors) and the values read in a way worth a look (warnings). */
function parseRow(name: TableName, present: { col: ColumnDef; at: number | undefined }[], cells: Cell[], rowNo: number, ctx: ParseContext) {
  const record: Record<string, unknown> = {};
  const errors: RowError[] = [];
  const warnings: RowError[] = [];
  for (const { col, at } of present) {
    const v = at === undefined ? undefined : cells[at];
    if (isBlank(v)) {
      if (col.required) errors.push({ sheet: name, row: rowNo, column: col.header, value: '', message: `${col.header} is required` });
      continue;
    }
    // Text read as text needs no parsing: most cells of a large sheet are ids and names.
    if (typeof v === 'string' && (col.type === 'text' || col.type === 'ref') && !col.code && plainText(v)) {
      record[col.key] = v.trim();
      continue;
    }
    const parsed = parseCell(v, col, ctx);
    if (!parsed.ok) {
      errors.push({ sheet: name, row: rowNo, column: col.header, value: describeValue(v), message: parsed.message });
      continue;
    }
    record[col.key] = parsed.value;
    if (parsed.warning) warnings.push({ sheet: name, row: rowNo, column: col.header, value: describeValue(v), message: parsed.warning });
  }
  return { record, errors, warnings };
}

/** A record as cells keyed by column key (for a host to place by header). */
export function toRowValues(name: TableName, record: object): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const r = record as Record<string, unknown>;
  for (const col of SCHEMA[name].columns) out[col.key] = toCell(r[col.key]);
  return out;
}

export function formatError(e: RowError): string {
  const where = e.row ? `${e.sheet} row ${e.row}` : `${e.sheet}`;
  const value = e.value ? ` (value "${e.value}")` : '';
  return `${where}, column ${e.column}${value}: ${e.message}`;
}

/**
 * Column positions for the keys a patch writes (update values and appended rows); engine
 * columns missing from the sheet are added to `headers` at the end. Unknown keys are an error.
 */
export function ensureColumns(name: TableName, headers: Cell[], patch: { update?: { values: object }[]; append?: object[] }): Map<string, number> {
  const index = headerIndex(name, headers);
  const keys = new Set<string>();
  for (const u of patch.update ?? []) for (const k in u.values) keys.add(k);
  for (const a of patch.append ?? []) for (const k in a) keys.add(k);
  for (const k of keys) {
    if (index.has(k)) continue;
    const col = SCHEMA[name].columns.find((c) => c.key === k);
    if (!col) throw new Error(`${name} has no column ${k}`);
    headers.push(col.header);
    index.set(k, headers.length - 1);
  }
  return index;
}
