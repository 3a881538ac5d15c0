// The local host's workbook: an .xlsx file (Google Sheets imports and exports it) loaded into
// MemoryTables, and saved back atomically. The engine's sheets are rewritten; in the user's
// sheets only engine-owned columns are written, so the user's formats, formulas, own columns
// and other sheets stay as they were. Before exceljs reads a file, its package is checked
// (fflate): a damaged file is refused with a clear message, and a workbook holding what exceljs
// would drop on saving (charts, shapes, pivot tables...) can be read but not saved.
import ExcelJS from 'exceljs';
import { XMLValidator } from 'fast-xml-parser';
import { strFromU8, unzipSync, zipSync, type Unzipped } from 'fflate';
import { readFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { cutText, isPercentFormat, percentText, type Cell } from '../core/cells';
import { isIsoDate } from '../core/dates';
import { columnNote, isRequiredInput, SCHEMA, TABLE_NAMES, type ColumnDef, type TableName } from '../core/schema';
import { STARTER_DEFAULT_COUNTRY, starterTaxRules } from '../core/starterTaxRules';
import { headerIndex } from '../core/table';
import { removeStaleTemps, writeFileAtomic } from './files';
import { MemoryTables } from './memoryTables';

export interface XlsxWorkbook {
  path: string;
  tables: MemoryTables;
  /** Set when saving would lose something (a chart...): why, as save() reports it. Reading works. */
  readOnly?: string;
  /**
   * Writes the changed tables back (temp file, fsync, rename: a crash never leaves a broken
   * file). Nothing changed, nothing written.
   */
  save(): Promise<void>;
}

/** Excel's limit for the text of one cell. */
export const CELL_TEXT_MAX = 32767;
const CUT_NOTE = /^cut from \d+ characters$/;

/** The file is not an .xlsx workbook at all (no zip archive). */
export class NotAWorkbook extends Error {}

function unreadable(path: string, what: string): Error {
  return new Error(`cannot read ${path}: ${what} (the file is damaged or not an .xlsx workbook)`);
}

// ---------------------------------------------------------------------------------------------
// The package: zip parts and relationships, read before exceljs sees the file.

interface Rel {
  id: string;
  type: string;
  target: string;
  external: boolean;
}
interface SheetEntry {
  name: string;
  kind: string;
  part?: string;
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? unescapeXml(m[1] ?? m[2]) : undefined;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&' : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );
}

const relsPartOf = (part: string) => posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);

class Package {
  /** Every part name (leading slashes dropped), lower case → as stored: OPC names ignore case. */
  private readonly names = new Map<string, string>();
  private readonly parts: Unzipped;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly path: string,
  ) {
    // Only the small parts that describe the package are decompressed here.
    const wanted = /^(\[content_types\]\.xml|xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels|xl\/(worksheets|chartsheets|drawings)\/_rels\/[^/]+\.rels|xl\/drawings\/[^/]+\.xml)$/;
    try {
      this.parts = unzipSync(bytes, {
        filter: (f) => {
          const name = f.name.replace(/^\/+/, '');
          this.names.set(name.toLowerCase(), f.name);
          return wanted.test(name.toLowerCase());
        },
      });
    } catch (e) {
      throw unreadable(path, `it is not a zip archive (${(e as Error).message})`);
    }
  }

  /** The stored name of a part, found regardless of case. */
  find(part: string): string | undefined {
    return this.names.get(part.toLowerCase());
  }

  text(part: string): string | undefined {
    const stored = this.find(part);
    if (stored === undefined) return undefined;
    const data = this.parts[stored] ?? unzipSync(this.bytes, { filter: (f) => f.name === stored })[stored];
    return data && strFromU8(data);
  }

  rels(part: string): Rel[] {
    const xml = this.text(relsPartOf(part)) ?? '';
    return [...xml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)].map(([tag]) => {
      const target = attr(tag, 'Target') ?? '';
      const external = attr(tag, 'TargetMode') === 'External';
      return {
        id: attr(tag, 'Id') ?? '',
        type: (attr(tag, 'Type') ?? '').split('/').pop()!,
        target: external ? target : target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(posix.dirname(part), target)),
        external,
      };
    });
  }

  sheets(): SheetEntry[] {
    const xml = this.text('xl/workbook.xml');
    if (xml === undefined) throw unreadable(this.path, 'it has no xl/workbook.xml');
    const rels = this.rels('xl/workbook.xml');
    return [...xml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)].map(([tag]) => {
      const name = attr(tag, 'name') ?? '';
      const rel = rels.find((r) => r.id === attr(tag, '\\w+:id'));
      return { name, kind: rel?.type ?? 'unknown', part: rel && this.find(rel.target) };
    });
  }

  /** All parts, for the rare cases that must change or look into the package. */
  all(): Unzipped {
    return unzipSync(this.bytes);
  }
}

/** What saving through exceljs would drop, by kind of relationship of a sheet. */
const CANNOT_KEEP: Record<string, string> = {
  pivotTable: 'a pivot table',
  slicer: 'a slicer',
  timeline: 'a timeline',
  ctrlProp: 'a form control',
  oleObject: 'an embedded object',
  package: 'an embedded object',
};

interface Inspection {
  sheets: SheetEntry[];
  /** Things on sheets exceljs cannot write back, e.g. 'a chart on sheet "Dashboard"'. */
  cannotKeep: string[];
  /** Bytes for exceljs: the file itself, or a copy it can read. */
  bytes: Uint8Array;
}

function inspect(path: string, bytes: Uint8Array): Inspection {
  const pkg = new Package(bytes, path);
  const sheets = pkg.sheets();
  const cannotKeep: string[] = [];
  let stripDrawings = false;
  for (const s of sheets) {
    if (s.kind === 'unknown') throw unreadable(path, `sheet "${s.name}" has no relationship in xl/_rels/workbook.xml.rels`);
    if (s.kind === 'chartsheet') cannotKeep.push(`the chart sheet "${s.name}"`);
    else if (s.kind !== 'worksheet') cannotKeep.push(`the ${s.kind} "${s.name}"`);
    if (s.kind !== 'worksheet') continue;
    if (!s.part) throw unreadable(path, `the part of sheet "${s.name}" is missing`);
    for (const rel of pkg.rels(s.part)) {
      if (rel.external) continue;
      if (CANNOT_KEEP[rel.type]) cannotKeep.push(`${CANNOT_KEEP[rel.type]} on sheet "${s.name}"`);
      if (rel.type !== 'drawing') continue;
      // exceljs keeps the pictures of a drawing and drops everything else in it (and crashes on
      // a drawing part it cannot parse, such as a chart's own shapes).
      const xml = pkg.text(rel.target) ?? '';
      const chart = pkg.rels(rel.target).some((r) => /^chart/i.test(r.type)) || /<(?:\w+:)?graphicData\b[^>]*uri="[^"]*\/chart/.test(xml);
      const shape = /<(?:\w+:)?(?:sp|grpSp|cxnSp|graphicFrame|contentPart)\b/.test(xml) || /<(?:\w+:)?AlternateContent\b/.test(xml);
      const parsable = /^\uFEFF?\s*(?:<\?xml[^>]*\?>)?\s*<xdr:wsDr\b/.test(xml);
      if (chart) cannotKeep.push(`a chart on sheet "${s.name}"`);
      else if (shape) cannotKeep.push(`a shape or text box on sheet "${s.name}"`);
      else if (!parsable) cannotKeep.push(`a drawing on sheet "${s.name}"`);
      if (chart || shape || !parsable) stripDrawings = true;
    }
  }

  // Strings: cells of type "s" point into the shared strings part. exceljs looks for it only
  // under its usual name; without it, the cells would read as numbers (their index).
  const ssRel = pkg.rels('xl/workbook.xml').find((r) => r.type === 'sharedStrings');
  const ssPart = (ssRel && pkg.find(ssRel.target)) ?? pkg.find('xl/sharedStrings.xml');
  if (ssPart === undefined) {
    const worksheets = new Set(sheets.filter((s) => s.kind === 'worksheet').map((s) => s.part));
    const xml = unzipSync(bytes, { filter: (f) => worksheets.has(f.name) });
    const uses = sheets.find((s) => s.part && xml[s.part] && /<(?:\w+:)?c\b[^>]*\st\s*=\s*["']s["']/.test(strFromU8(xml[s.part])));
    if (uses) throw unreadable(path, `sheet "${uses.name}" refers to shared strings, but the shared strings part (xl/sharedStrings.xml) is missing`);
  }
  const renameStrings = ssPart !== undefined && ssPart !== 'xl/sharedStrings.xml';
  if (!stripDrawings && !renameStrings) return { sheets, cannotKeep, bytes };

  // A copy for exceljs. Without its drawings (never saved: the workbook is read-only then).
  const parts = pkg.all();
  if (renameStrings) {
    parts['xl/sharedStrings.xml'] = parts[ssPart];
    delete parts[ssPart];
  }
  if (stripDrawings) {
    for (const name of Object.keys(parts)) {
      const n = name.replace(/^\/+/, '').toLowerCase();
      if (/^xl\/drawings\/(_rels\/)?(?!vmldrawing)[^/]+\.xml(\.rels)?$/.test(n)) delete parts[name];
    }
    for (const s of sheets) {
      if (s.kind === 'worksheet' && s.part && parts[s.part]) {
        parts[s.part] = new TextEncoder().encode(strFromU8(parts[s.part]).replace(/<(?:\w+:)?drawing\b[^>]*\/>/g, ''));
      }
    }
  }
  return { sheets, cannotKeep, bytes: zipSync(parts, { level: 0 }) };
}

/** Why exceljs failed, in words: the first part that is not well-formed XML, by sheet if it is one. */
function diagnose(bytes: Uint8Array, sheets: SheetEntry[], e: unknown): string {
  try {
    const parts = unzipSync(bytes);
    for (const [name, data] of Object.entries(parts)) {
      if (!/\.(xml|rels|vml)$/i.test(name)) continue;
      const check = XMLValidator.validate(strFromU8(data));
      if (check === true) continue;
      const sheet = sheets.find((s) => s.part === name);
      return `${sheet ? `sheet "${sheet.name}" (${name})` : `the part ${name}`} is not well-formed XML: ${check.err.msg} (line ${check.err.line})`;
    }
  } catch {
    // fall through to exceljs's own words
  }
  return (e as Error).message;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** A cell value as the engine reads it: formulas give their result, rich text its plain text. */
function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return '';
  if (v instanceof Date || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return cellValue(v.text as ExcelJS.CellValue);
    // Excel error values (#N/A, #DIV/0!, #REF!) come as their text, which no number or date parses.
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

/** A formula cell without a cached result (the file was written by a program that does not calculate). */
const uncalculated = (formula: string) => `=${formula} (formula without a computed value: open and save the file in a spreadsheet program)`;

interface Uncalculated {
  table: TableName;
  row: number;
  col: number;
  address: string;
  formula: string;
}

function readSheet(name: TableName, ws: ExcelJS.Worksheet, pending: Uncalculated[]): { headers: Cell[]; rows: Cell[][] } {
  const width = ws.actualColumnCount > 0 ? ws.columnCount : 0;
  let datetime = new Set<number>();
  let percent = new Set<number>();
  const read = (cell: ExcelJS.Cell, r: number, c: number): Cell => {
    if (cell.type !== ExcelJS.ValueType.Formula) {
      const v = cellValue(cell.value);
      // "50 %" typed in a cell formatted as percent is stored as 0.5: hand it on as typed (see percentText).
      if (percent.has(c) && typeof v === 'number' && isPercentFormat(cell.numFmt)) return percentText(v);
      return datetime.has(c) && v instanceof Date ? fromLocalWallTime(v) : v;
    }
    // The result, not cell.value: exceljs leaves a result of 0, false or "" out of the value.
    const result = cell.result as ExcelJS.CellValue | undefined;
    if (result !== undefined) return cellValue(result);
    pending.push({ table: name, row: r, col: c, address: cell.address, formula: cell.formula });
    return uncalculated(cell.formula);
  };
  const headers: Cell[] = [];
  const header = ws.getRow(1);
  for (let c = 1; c <= width; c++) headers.push(read(header.getCell(c), -1, c - 1));
  datetime = columnsOfType(name, headers, 'datetime');
  percent = columnsOfType(name, headers, 'percent');
  const rows: Cell[][] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: Cell[] = [];
    for (let c = 1; c <= width; c++) cells.push(read(row.getCell(c), r - 2, c - 1));
    rows.push(cells);
  }
  while (rows.length && rows[rows.length - 1].every((v) => v === '')) rows.pop();
  return { headers, rows };
}

/**
 * exceljs cannot tell a formula whose cached result is the empty string (`<v></v>`, as Excel
 * writes =IF(…;"")) from one never calculated (no <v>): the sheet's XML can.
 */
function resolveUncalculated(bytes: Uint8Array, sheets: SheetEntry[], tables: MemoryTables, pending: Uncalculated[]) {
  if (!pending.length) return;
  const partOf = new Map(sheets.map((s) => [s.name, s.part]));
  const wanted = new Set(pending.map((p) => partOf.get(p.table)));
  const parts = unzipSync(bytes, { filter: (f) => wanted.has(f.name) });
  for (const p of pending) {
    const part = partOf.get(p.table);
    const xml = part && parts[part] ? strFromU8(parts[part]) : '';
    const cell = new RegExp(`<(?:\\w+:)?c\\b[^>]*\\sr="${p.address}"[^>]*?(/>|>[\\s\\S]*?</(?:\\w+:)?c>)`).exec(xml);
    if (!cell || !/<(?:\w+:)?v\b/.test(cell[1])) continue;
    const t = tables.sheets.get(p.table)!;
    if (p.row < 0) t.headers[p.col] = '';
    else t.rows[p.row][p.col] = '';
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

interface Where {
  path: string;
  sheet: string;
  row: number;
  col: number;
  header: Cell;
}

/** A value as it goes into the file: ISO dates in date columns become real dates. */
function fileValue(v: Cell, col: ColumnDef | undefined, where?: Where): ExcelJS.CellValue {
  if (v === '' || v === null || v === undefined) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) {
    // "<v>Infinity</v>" is not a number in an .xlsx file: refuse before anything is written.
    const at = where ? ` ${where.sheet} row ${where.row}, column ${columnLetter(where.col)} ("${String(where.header)}"):` : '';
    throw new Error(`cannot save${where ? ` ${where.path}` : ''}:${at} ${v} is not a number a spreadsheet can hold; nothing was saved`);
  }
  if (col?.type === 'date' && typeof v === 'string' && isIsoDate(v)) return new Date(`${v}T00:00:00Z`);
  if (col?.type === 'datetime' && typeof v === 'string' && ISO_INSTANT.test(v)) return toLocalWallTime(new Date(v));
  return v as ExcelJS.CellValue;
}

/** What the engine writes into datetime columns: an instant in UTC. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An .xlsx date-time has no time zone: a spreadsheet shows its clock time as it is. The engine's
 * instants are written as the clock time of a time zone (default: this machine's, as Sheets shows
 * them in the spreadsheet's), and read back to the same instant.
 */
export function toLocalWallTime(d: Date, timeZone = LOCAL_ZONE): Date {
  return new Date(d.getTime() + offsetMs(d, timeZone));
}

export function fromLocalWallTime(wall: Date, timeZone = LOCAL_ZONE): string {
  // The offset at the instant itself, not at the wall time read as UTC (they differ around a DST change).
  const guess = new Date(wall.getTime() - offsetMs(wall, timeZone));
  return new Date(wall.getTime() - offsetMs(guess, timeZone)).toISOString();
}

const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** How far a time zone's clock is ahead of UTC at an instant, in ms. */
function offsetMs(d: Date, timeZone: string): number {
  let f = zoneFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    zoneFormats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, Number(x.value)]));
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (d.getTime() - d.getUTCMilliseconds());
}

/** Indexes of a sheet's datetime columns, by header. */
/** Positions of a table's columns of one type (the user's only, for percent: the engine writes its own). */
function columnsOfType(name: TableName, headers: Cell[], type: 'datetime' | 'percent'): Set<number> {
  const at = headerIndex(name, headers);
  return new Set(SCHEMA[name].columns.filter((c) => c.type === type && !(type === 'percent' && c.engine) && at.has(c.key)).map((c) => at.get(c.key)!));
}

function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function noteText(cell: ExcelJS.Cell): string | undefined {
  const note = cell.note as string | { texts?: { text: string }[] } | undefined;
  return typeof note === 'string' ? note : note?.texts?.map((t) => t.text).join('');
}

/** Writes a value into a cell: text over the limit is cut and gets a note; our old note goes. */
function setCell(cell: ExcelJS.Cell, value: ExcelJS.CellValue) {
  if (typeof value === 'string' && value.length > CELL_TEXT_MAX) {
    cell.value = cutText(value, CELL_TEXT_MAX);
    cell.note = `cut from ${value.length} characters`;
    return;
  }
  cell.value = value;
  if (CUT_NOTE.test(noteText(cell) ?? '')) (cell as unknown as { _comment?: unknown })._comment = undefined;
}

const DATE_FORMAT = 'yyyy-mm-dd';
const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
/** Amounts with thousands separators and two decimals; unit prices below a cent keep theirs (0.01375). */
export const MONEY_FORMAT = '#,##0.00####';
/** The number format of a column's cells, or none. */
function formatOf(col: ColumnDef | undefined): string | undefined {
  if (col?.type === 'date') return DATE_FORMAT;
  if (col?.type === 'datetime') return DATETIME_FORMAT;
  if (col?.type === 'money') return MONEY_FORMAT;
  return undefined;
}
/** Column widths (characters): never narrower than a header or a date, never wider than this. */
const WIDTH = { min: 10, max: 60 } as const;
/** How an engine sheet or column can be edited by hand, said in its header notes. */
export const UNPROTECT_HINT = 'The sheet is protected without a password against slips: to change it anyway, Excel: Review › Unprotect Sheet; LibreOffice: Tools › Protect Sheet (untick).';
/** Rows below the header that get the drop-down lists of enum columns. */
const VALIDATED_ROWS = 5000;

export async function openWorkbook(path: string): Promise<XlsxWorkbook> {
  removeStaleTemps(dirname(path));
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw unreadable(path, (e as Error).message);
  }
  // Not a zip archive at all (a .csv, .xls, text…): say so plainly, not in the zip reader's words.
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    throw new NotAWorkbook(`${path} is not an .xlsx workbook (a .xls, .csv or .ods file must be saved as .xlsx first; create a new one with: billing init)`);
  }
  const found = inspect(path, bytes);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(found.bytes as unknown as ExcelJS.Buffer);
  } catch (e) {
    throw unreadable(path, diagnose(bytes, found.sheets, e));
  }
  // exceljs skips a sheet part it does not recognize; saving would then drop the sheet.
  for (const s of found.sheets) {
    if (s.kind === 'worksheet' && !wb.getWorksheet(s.name)) throw unreadable(path, `sheet "${s.name}" (${s.part}) could not be read`);
  }
  const tables = new MemoryTables();
  const pending: Uncalculated[] = [];
  for (const name of TABLE_NAMES) {
    const ws = wb.getWorksheet(name);
    if (ws) tables.sheets.set(name, readSheet(name, ws, pending));
  }
  resolveUncalculated(bytes, found.sheets, tables, pending);
  tables.calls.length = 0;
  const objects = [...new Set(found.cannotKeep)];
  const readOnly = objects.length
    ? `this workbook has ${objects.join(', ')}, which the billing CLI cannot keep; saving would delete ${objects.length > 1 ? 'them' : 'it'}, so nothing was saved. Keep charts and the like in another workbook, or bill in Google Sheets with the add-on`
    : undefined;
  return {
    path,
    tables,
    readOnly,
    async save() {
      const changed = [...new Set(tables.calls.filter((c) => c.op === 'apply').map((c) => c.table as TableName))];
      if (!changed.length) return;
      if (readOnly) throw new Error(`cannot save ${path}: ${readOnly}`);
      // Every value is checked before the first cell changes: a refused save leaves nothing half-done.
      for (const name of changed) checkSheet(path, name, tables);
      for (const name of changed) writeSheet(wb, name, tables);
      writeFileAtomic(path, (await wb.xlsx.writeBuffer()) as unknown as Uint8Array, 'xlsx save');
      tables.calls.length = 0;
    },
  };
}

/** The columns of a table the engine writes: all of an engine sheet, the engine's of a user sheet. */
function writableColumns(name: TableName, headers: Cell[]): { index: number; col?: ColumnDef }[] {
  const def = SCHEMA[name];
  const at = headerIndex(name, headers);
  const colOf = new Map<number, ColumnDef>();
  for (const col of def.columns) if (at.has(col.key)) colOf.set(at.get(col.key)!, col);
  if (def.engineOwned) return headers.map((_, index) => ({ index, col: colOf.get(index) }));
  return [...colOf].filter(([, col]) => col.engine || col.key === 'status').map(([index, col]) => ({ index, col }));
}

/** Every schema column found in the headers. */
function schemaColumns(name: TableName, headers: Cell[]): { index: number; col?: ColumnDef }[] {
  const at = headerIndex(name, headers);
  return SCHEMA[name].columns.filter((c) => at.has(c.key)).map((col) => ({ index: at.get(col.key)!, col }));
}

function checkSheet(path: string, name: TableName, tables: MemoryTables) {
  const data = tables.sheets.get(name)!;
  const columns = writableColumns(name, data.headers);
  data.rows.forEach((cells, r) => {
    for (const { index, col } of columns) fileValue(cells[index], col, { path, sheet: name, row: r + 2, col: index, header: data.headers[index] });
  });
}

function writeSheet(wb: ExcelJS.Workbook, name: TableName, tables: MemoryTables) {
  const data = tables.sheets.get(name)!;
  const ws = wb.getWorksheet(name) ?? addProtectedSheet(wb, name);
  data.headers.forEach((h, i) => {
    const cell = ws.getRow(1).getCell(i + 1);
    if (cellValue(cell.value) !== h) cell.value = h as ExcelJS.CellValue;
  });
  const columns = writableColumns(name, data.headers);
  if (SCHEMA[name].engineOwned) {
    // Engine sheets: every row is the engine's, so rows past the table go, values and all.
    // (exceljs's spliceRows cannot remove rows at the end of a sheet: it only shifts later rows up.)
    const rows = (ws as unknown as { _rows: unknown[] })._rows;
    if (!Array.isArray(rows)) throw new Error('exceljs changed: Worksheet._rows is gone (see writeSheet)');
    if (rows.length > data.rows.length + 1) rows.length = data.rows.length + 1;
  }
  // A row the engine added to a user sheet (a Payments row it imported) is the engine's whole row:
  // every schema column of it is written, not only the engine's columns.
  const whole = SCHEMA[name].engineOwned ? columns : schemaColumns(name, data.headers);
  data.rows.forEach((cells, r) => {
    const row = ws.getRow(r + 2);
    for (const { index, col } of row.hasValues ? columns : whole) {
      const cell = row.getCell(index + 1);
      setCell(cell, fileValue(cells[index], col));
      const format = formatOf(col);
      if (format && (cell.value instanceof Date || typeof cell.value === 'number')) cell.numFmt = format;
    }
  });
  fitWidths(ws, columns, data);
}

/** The width a value needs, in characters (dates and amounts as they are shown). */
function shownLength(v: Cell, col: ColumnDef | undefined): number {
  if (v === '' || v === null || v === undefined) return 0;
  if (col?.type === 'datetime') return DATETIME_FORMAT.length;
  if (col?.type === 'date') return DATE_FORMAT.length;
  if (col?.type === 'money' && typeof v === 'number') return v.toFixed(2).length + Math.floor(Math.log10(Math.max(1, Math.abs(v))) / 3);
  return Math.max(
    ...String(v)
      .split('\n')
      .map((l) => l.length),
  );
}

/**
 * Widens the columns written to fit their header and values ("RE-2026-00001", names), up to a
 * limit; a column the user made wider stays as it is.
 */
function fitWidths(ws: ExcelJS.Worksheet, columns: { index: number; col?: ColumnDef }[], data: { headers: Cell[]; rows: Cell[][] }) {
  for (const { index, col } of columns) {
    let need = String(data.headers[index] ?? '').length + 4;
    for (const cells of data.rows) need = Math.max(need, shownLength(cells[index], col) + 2);
    const column = ws.getColumn(index + 1);
    const width = Math.min(WIDTH.max, Math.max(WIDTH.min, need));
    if ((column.width ?? 0) < width) column.width = width;
  }
}

function addSheet(wb: ExcelJS.Workbook, name: TableName): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  styleHeader(ws, name);
  return ws;
}

/** A sheet the engine adds to an existing workbook (one the user deleted or an older file lacked) is protected like a new one. */
function addProtectedSheet(wb: ExcelJS.Workbook, name: TableName): ExcelJS.Worksheet {
  const ws = addSheet(wb, name);
  protectSheet(ws, name);
  return ws;
}

/** Header colours: the engine's columns grey, required ones dark red, the others black. */
const HEADER = { engine: 'FF555555', required: 'FF9C0006', other: 'FF000000' } as const;

function styleHeader(ws: ExcelJS.Worksheet, name: TableName) {
  const def = SCHEMA[name];
  def.columns.forEach((col, i) => {
    const cell = ws.getRow(1).getCell(i + 1);
    const engine = col.engine || def.engineOwned;
    cell.value = col.header;
    cell.font = { bold: true, color: { argb: engine ? HEADER.engine : isRequiredInput(name, col) ? HEADER.required : HEADER.other } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: engine ? 'FFE8E8E8' : 'FFDDEBF7' } };
    cell.note = engine ? `${columnNote(name, col)} ${UNPROTECT_HINT}` : columnNote(name, col);
    ws.getColumn(i + 1).width = Math.min(WIDTH.max, Math.max(WIDTH.min, col.header.length + 4, typicalWidth(col)));
  });
}

/** The width a column's usual values need before any is written (dates, amounts, invoice numbers). */
function typicalWidth(col: ColumnDef): number {
  if (col.type === 'datetime') return DATETIME_FORMAT.length + 2;
  if (col.type === 'date') return DATE_FORMAT.length + 2;
  if (col.type === 'money') return 14;
  if (col.type === 'ref' || col.key.endsWith('Id') || col.key === 'number' || col.key === 'name' || col.key === 'legalName') return 18;
  return 0;
}

/**
 * The engine's sheets and columns are protected like in Google Sheets (there: only billing admins
 * may edit): engine sheets whole, and in Items and Transactions the engine's columns, while the
 * user's columns stay editable. No password: it guards against slips, UNPROTECT_HINT says how to lift it.
 */
function protectSheet(ws: ExcelJS.Worksheet, name: TableName) {
  const def = SCHEMA[name];
  if (!def.engineOwned && !def.columns.some((c) => c.engine)) return;
  if (!def.engineOwned) {
    // Every column is locked in a protected sheet unless unlocked: the user's columns (and spare ones for their own) are.
    for (let i = 1; i <= Math.max(def.columns.length, USER_COLUMNS); i++) {
      const col = def.columns[i - 1];
      if (!col?.engine) ws.getColumn(i).protection = { locked: false };
    }
  }
  const userSheet = !def.engineOwned;
  void ws.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    formatCells: userSheet,
    insertRows: userSheet,
    deleteRows: userSheet,
    insertColumns: userSheet,
    sort: userSheet,
    autoFilter: true,
  });
}

/** Rows of a referenced sheet whose ids a drop-down offers (blank rows are left out of the list). */
const REFERENCED_ROWS = 100000;

/** Columns of a protected user sheet left editable: the schema's, and the user's own up to here. */
const USER_COLUMNS = 52;

/**
 * Reference columns (Account ID, Subscription ID, Product ID, Tenant) get a drop-down of the ids in
 * the referenced sheet's id column.
 */
function referenceList(name: TableName, col: ColumnDef): ExcelJS.DataValidation | undefined {
  const target = col.ref && SCHEMA[col.ref];
  const idAt = target?.id ? target.columns.findIndex((c) => c.key === target.id) : -1;
  if (!target || idAt < 0) return undefined;
  const letter = columnLetter(idAt);
  return {
    type: 'list',
    allowBlank: !col.required,
    formulae: [`${target.name}!$${letter}$2:$${letter}$${REFERENCED_ROWS}`],
    // A warning, not a refusal: an id the list does not reach can still be typed (the run checks it anyway).
    showErrorMessage: true,
    errorStyle: 'warning',
    errorTitle: col.header,
    error: `Choose a ${target.columns[idAt].header} of the ${target.name} sheet (${name} ${col.header} refers to it)`,
  };
}

type Rows = Partial<Record<TableName, Record<string, Cell>[]>>;

/**
 * A new workbook with every sheet of the schema: styled, frozen header rows with a note per
 * column (required columns in dark red), drop-downs on enum and reference columns, number formats,
 * column widths that fit, the engine's sheets and columns protected, and the rows given. Given no
 * rows at all (a fresh workbook), TaxRules gets the example rules for `country` (default DE).
 */
export async function createWorkbook(path: string, rows: Rows = {}, opts: { country?: string } = {}): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Sheets Billing';
  const fill: Rows = Object.keys(rows).length ? rows : { TaxRules: starterTaxRules(opts.country ?? STARTER_DEFAULT_COUNTRY) };
  for (const name of TABLE_NAMES) {
    const ws = addSheet(wb, name);
    const def = SCHEMA[name];
    def.columns.forEach((col, i) => {
      const letter = ws.getColumn(i + 1).letter;
      const list = col.values?.length && !def.engineOwned ? enumList(col) : referenceList(name, col);
      // One range rule per column (not one per cell): small files, fast saves.
      if (list && !def.engineOwned) (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(`${letter}2:${letter}${VALIDATED_ROWS}`, list);
      const format = formatOf(col);
      if (format) ws.getColumn(i + 1).numFmt = format;
    });
    protectSheet(ws, name);
    const data = fill[name] ?? [];
    data.forEach((r, k) => {
      const row = ws.getRow(k + 2);
      def.columns.forEach((col, i) => {
        setCell(row.getCell(i + 1), fileValue(r[col.key] ?? '', col, { path, sheet: name, row: k + 2, col: i, header: col.header }));
      });
    });
    const cells = { headers: def.columns.map((c) => c.header), rows: data.map((r) => def.columns.map((c) => r[c.key] ?? '')) };
    fitWidths(
      ws,
      def.columns.map((col, index) => ({ index, col })),
      cells,
    );
  }
  writeFileAtomic(path, (await wb.xlsx.writeBuffer()) as unknown as Uint8Array, 'xlsx save');
}

function enumList(col: ColumnDef): ExcelJS.DataValidation {
  return {
    type: 'list',
    allowBlank: !col.required,
    formulae: [`"${col.values!.join(',')}"`],
    showErrorMessage: true,
    errorTitle: col.header,
    error: `Choose one of: ${col.values!.join(', ')}`,
  };
}
