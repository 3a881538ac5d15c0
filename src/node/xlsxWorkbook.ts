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
import { cutText, type Cell } from '../core/cells';
import { isIsoDate } from '../core/dates';
import { SCHEMA, TABLE_NAMES, type ColumnDef, type TableName } from '../core/schema';
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
  const read = (cell: ExcelJS.Cell, r: number, c: number): Cell => {
    if (cell.type !== ExcelJS.ValueType.Formula) return cellValue(cell.value);
    // The result, not cell.value: exceljs leaves a result of 0, false or "" out of the value.
    const result = cell.result as ExcelJS.CellValue | undefined;
    if (result !== undefined) return cellValue(result);
    pending.push({ table: name, row: r, col: c, address: cell.address, formula: cell.formula });
    return uncalculated(cell.formula);
  };
  const headers: Cell[] = [];
  const header = ws.getRow(1);
  for (let c = 1; c <= width; c++) headers.push(read(header.getCell(c), -1, c - 1));
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
  return v as ExcelJS.CellValue;
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

function checkSheet(path: string, name: TableName, tables: MemoryTables) {
  const data = tables.sheets.get(name)!;
  const columns = writableColumns(name, data.headers);
  data.rows.forEach((cells, r) => {
    for (const { index, col } of columns) fileValue(cells[index], col, { path, sheet: name, row: r + 2, col: index, header: data.headers[index] });
  });
}

function writeSheet(wb: ExcelJS.Workbook, name: TableName, tables: MemoryTables) {
  const data = tables.sheets.get(name)!;
  const ws = wb.getWorksheet(name) ?? addSheet(wb, name);
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
  data.rows.forEach((cells, r) => {
    const row = ws.getRow(r + 2);
    for (const { index, col } of columns) {
      const cell = row.getCell(index + 1);
      setCell(cell, fileValue(cells[index], col));
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
          type: 'list',
          allowBlank: !col.required,
          formulae: [`"${col.values.join(',')}"`],
          showErrorMessage: true,
          errorTitle: col.header,
          error: `Choose one of: ${col.values.join(', ')}`,
        });
      }
      if (col.type === 'date') ws.getColumn(i + 1).numFmt = DATE_FORMAT;
    });
    (rows[name] ?? []).forEach((r, k) => {
      const row = ws.getRow(k + 2);
      def.columns.forEach((col, i) => {
        setCell(row.getCell(i + 1), fileValue(r[col.key] ?? '', col, { path, sheet: name, row: k + 2, col: i, header: col.header }));
      });
    });
  }
  writeFileAtomic(path, (await wb.xlsx.writeBuffer()) as unknown as Uint8Array, 'xlsx save');
}
