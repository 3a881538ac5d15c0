// Fakes of the Apps Script services the bundle uses, behaving like the real ones where it matters:
// values as Sheets returns them (numbers, Dates, ''), strict 2-D shapes, typed input parsed as Sheets
// parses it (dates, numbers, formulas; a leading apostrophe keeps text), document lock, digests.
// Drive, Docs, Mail and Blob fakes are in gasServices.ts; all share this spreadsheet's simulated clock,
// counters, daily quotas and crash injection (ss.call).
import { createHash } from 'node:crypto';
import { FakeDrive, FakeMailbox, formatDate, gasServices, serviceLatency, zoned } from './gasServices';

type V = string | number | boolean | Date;

export interface FakeCounters {
  [call: string]: number;
}

/** Sheets' limit of characters in one cell. */
export const CELL_CHARS = 50_000;
const PROTECTED = 'Exception: You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.';
const VIEW_ONLY = 'Exception: You do not have permission to edit this spreadsheet.';
const OUTSIDE = 'Exception: The coordinates of the range are outside the dimensions of the sheet.';

const DECIMAL_COMMA = /^(de|fr|es|it|nl|pt|pl|cs|da|fi|sv|nb|no|ru|tr)(?!_CH)/;

/**
 * A typed string as Sheets turns it into a value (setValues parses strings as if typed): a leading
 * apostrophe keeps text, '=' starts a formula, and numbers, percentages, currency amounts, booleans,
 * dates and times become values, with the spreadsheet locale's decimal and grouping marks.
 */
export function parseTyped(v: unknown, tz: string, locale = 'en_US'): { value: V; formula?: string } {
  if (typeof v !== 'string') return { value: v as V };
  if (v.startsWith("'")) return { value: v.slice(1) };
  if (/^[=]/.test(v)) return { value: '#FORMULA', formula: v };
  const t = v.trim();
  if (/^(true|false)$/i.test(t)) return { value: t.toLowerCase() === 'true' };
  if (/^[+-]?\d+(\.\d+)?$/.test(t)) return { value: Number(t) };
  const comma = DECIMAL_COMMA.test(locale);
  // Locale numbers: 1.234,56 and 1,5 (decimal comma) or 1,234.56 (decimal point); % divides by 100; a currency sign is dropped.
  const num = comma ? /^([+-]?)(?:[€$£]\s?)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s?(%|€)?$/ : /^([+-]?)(?:[€$£]\s?)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s?(%|€)?$/;
  const n = num.exec(t);
  if (n && (n[3] !== undefined || n[4] !== undefined || /[.,€$£]/.test(t))) {
    const value = Number(`${n[1]}${n[2].replace(/[.,]/g, '')}.${n[3] ?? '0'}`);
    return { value: n[4] === '%' ? value / 100 : value };
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) return { value: zonedMidnight(Number(m[1]), Number(m[2]), Number(m[3]), tz) };
  // Day/month (de: 1.2. or 1/2) or month/day (en: 1/2): a date in the current year.
  const dm = /^(\d{1,2})[/.](\d{1,2})\.?$/.exec(t);
  if (dm) {
    const [a, b] = [Number(dm[1]), Number(dm[2])];
    const [day, month] = comma ? [a, b] : [b, a];
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) return { value: zonedMidnight(new Date().getUTCFullYear(), month, day, tz) };
  }
  // A time of day: the date part is Sheets' epoch, 1899-12-30.
  const hm = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (hm && Number(hm[1]) < 24 && Number(hm[2]) < 60) {
    const d = zonedMidnight(1899, 12, 30, tz);
    return { value: new Date(d.getTime() + (Number(hm[1]) * 3600 + Number(hm[2]) * 60 + Number(hm[3] ?? 0)) * 1000) };
  }
  return { value: v };
}

/** The instant of local midnight of a calendar day in a time zone (how Sheets hands out date cells). */
export function zonedMidnight(y: number, m: number, d: number, tz: string): Date {
  const key = `${tz}|${y}-${m}-${d}`;
  let ms = midnights.get(key);
  if (ms === undefined) {
    const guess = Date.UTC(y, m - 1, d);
    const p = Object.fromEntries(
      zoned(tz)
        .formatToParts(guess)
        .map((x) => [x.type, x.value]),
    );
    const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    ms = guess - (local - guess);
    if (midnights.size > 100_000) midnights.clear();
    midnights.set(key, ms);
  }
  return new Date(ms);
}
/** Formatting in a time zone is slow; a day's midnight never changes. */
const midnights = new Map<string, number>();

/** A rectangle of a sheet, 1-based and inclusive. */
export interface Rect {
  r1: number;
  r2: number;
  c1: number;
  c2: number;
}
const overlaps = (a: Rect, b: Rect) => a.r1 <= b.r2 && b.r1 <= a.r2 && a.c1 <= b.c2 && b.c1 <= a.c2;

/**
 * Settings made on ranges (number formats, drop-downs), as Sheets keeps them: per cell, the last one
 * set wins. Rows inserted inside a range take it on; rows added after its last row do not.
 */
/** What a drop-down allows: a list of values, or the values of a range (requireValueInRange). */
export type ValidationValue = string[] | (Rect & { sheet: string; dropdown: boolean });

export class CellRules<T> {
  rules: (Rect & { value: T })[] = [];
  set(rect: Rect, value: T) {
    const covered = (r: Rect) => r.r1 >= rect.r1 && r.r2 <= rect.r2 && r.c1 >= rect.c1 && r.c2 <= rect.c2;
    this.rules = this.rules.filter((r) => !covered(r));
    this.rules.push({ ...rect, value });
  }
  at(row: number, col: number): T | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const r = this.rules[i];
      if (row >= r.r1 && row <= r.r2 && col >= r.c1 && col <= r.c2) return r.value;
    }
    return undefined;
  }
  /** The rules touching one column, last first (for looking up many rows fast). */
  column(col: number) {
    return this.rules.filter((r) => col >= r.c1 && col <= r.c2).reverse();
  }
  /** Test helper: the value every cell of column `col`, rows r1..r2, has (undefined when they differ or have none). */
  all(col: number, r1: number, r2: number): T | undefined {
    const first = this.at(r1, col);
    if (first === undefined) return undefined;
    const same = JSON.stringify(first);
    for (let r = r1; r <= r2; r++) if (JSON.stringify(this.at(r, col)) !== same) return undefined;
    return first;
  }
  insertRows(after: number, n: number) {
    for (const r of this.rules) {
      if (r.r1 > after) {
        r.r1 += n;
        r.r2 += n;
      } else if (r.r2 > after) r.r2 += n;
    }
  }
  deleteRows(start: number, n: number) {
    const end = start + n - 1;
    const shift = (x: number) => (x > end ? x - n : Math.min(x, start));
    for (const r of this.rules) {
      const gone = r.r1 >= start && r.r2 <= end;
      r.r1 = shift(r.r1);
      r.r2 = r.r2 > end ? r.r2 - n : r.r2 >= start ? start - 1 : r.r2;
      if (gone) r.r2 = r.r1 - 1;
    }
    this.rules = this.rules.filter((r) => r.r2 >= r.r1);
  }
}

export class FakeProtection {
  description = '';
  editors: string[];
  /** Workspace only: everyone in the owner's domain may edit (consumer accounts have no domain). */
  domainEdit: boolean;
  /** A sheet protection covers the whole sheet; a range protection its rectangle (moved by row inserts and deletes). */
  constructor(
    public type: 'SHEET' | 'RANGE',
    public rect: Rect | null,
    creator: string,
    private sheet: FakeSheet,
  ) {
    this.editors = [...new Set([sheet.ss.owner, creator].filter(Boolean))];
    this.domainEdit = sheet.ss.domain !== null;
  }
  private get ss() {
    return this.sheet.ss;
  }
  /** Only who may edit a protection may change it. */
  private change() {
    if (!this.canEdit()) throw new Error(PROTECTED);
  }
  /** The column a range protection starts at (tests). */
  get column() {
    return this.rect?.c1 ?? 0;
  }
  canEdit() {
    return this.ss.mayEditProtected(this.editors, this.domainEdit);
  }
  setDescription(d: string) {
    this.change();
    this.description = d;
    return this;
  }
  getDescription() {
    return this.description;
  }
  getEditors() {
    return this.editors.map((e) => ({ getEmail: () => e }));
  }
  /** Neither the spreadsheet's owner nor the current user can be removed (Apps Script's rule). */
  removeEditors(list: { getEmail(): string }[] | string[]) {
    this.change();
    const out = list.map((e) => (typeof e === 'string' ? e : e.getEmail()));
    this.editors = this.editors.filter((e) => !out.includes(e) || e === this.ss.owner || e === this.ss.user);
    return this;
  }
  addEditors(list: string[]) {
    this.change();
    this.editors = [...new Set([...this.editors, ...list])];
    return this;
  }
  canDomainEdit() {
    return this.domainEdit;
  }
  setDomainEdit(v: boolean) {
    this.change();
    if (v && this.ss.domain === null) throw new Error('Exception: Domain edit is only available to Google Workspace domains.');
    this.domainEdit = v;
    return this;
  }
  getRange() {
    const r = this.rect ?? { r1: 1, r2: this.sheet.maxRows, c1: 1, c2: this.sheet.maxCols };
    return this.sheet.getRange(r.r1, r.c1, r.r2 - r.r1 + 1, r.c2 - r.c1 + 1);
  }
  /** Moves a range protection to another range of its sheet. */
  setRange(range: { _rect(): Rect }) {
    this.change();
    if (this.type !== 'RANGE') throw new Error('Exception: A sheet protection covers its whole sheet.');
    this.rect = range._rect();
    return this;
  }
  remove() {
    this.change();
    this.sheet.protections = this.sheet.protections.filter((p) => p !== this);
  }
}

export class FakeSheet {
  cells: V[][] = [];
  formulas: string[] = [];
  frozenRows = 0;
  /** The grid: a new sheet has 1,000 rows and 26 columns; ranges outside it do not exist. */
  maxRows = 1000;
  maxCols = 26;
  /** Number formats and drop-down values per range (see CellRules); header notes per column. */
  formats = new CellRules<string>();
  validations = new CellRules<ValidationValue>();
  notes = new Map<number, string>();
  /** Header font colours per column ('#rrggbb'), and column widths in pixels set by setColumnWidths (default 100). */
  fontColors = new Map<number, string>();
  widths = new Map<number, number>();
  protections: FakeProtection[] = [];
  constructor(
    public name: string,
    readonly ss: FakeSpreadsheet,
  ) {}
  /** A counted Spreadsheet call: counters[k] and counters['k:<sheet name>']. */
  count(k: string, cells = 0) {
    this.ss.call(k, cells, this.name);
  }
  /** Throws what Sheets throws when the running user may not change these cells (rect null: the sheet itself). */
  checkEdit(rect: Rect | null) {
    const ss = this.ss;
    if (ss.role(ss.user) === 'view') throw new Error(VIEW_ONLY);
    if (ss.user === ss.owner) return;
    for (const p of this.protections) {
      if (p.type === 'RANGE' && rect && !overlaps(p.rect!, rect)) continue;
      if (!p.canEdit()) throw new Error(PROTECTED);
    }
  }
  /** Whether the running user may edit every cell of the rectangle (Range.canEdit). */
  canEdit(rect: Rect) {
    try {
      this.checkEdit(rect);
      return true;
    } catch {
      return false;
    }
  }
  /** Sets the width of columns start..start+n-1 (pixels); Sheets refuses columns outside the grid. */
  setColumnWidths(start: number, n: number, width: number) {
    this.count('setColumnWidths');
    if (!Number.isInteger(start) || !Number.isInteger(n) || start < 1 || n < 1 || start + n - 1 > this.maxCols) throw new Error(OUTSIDE);
    if (!(width >= 0)) throw new Error('Exception: Invalid argument: width');
    this.checkEdit(null);
    for (let c = start; c < start + n; c++) this.widths.set(c, width);
    return this;
  }
  getColumnWidth(col: number) {
    this.count('getColumnWidth');
    if (col < 1 || col > this.maxCols) throw new Error(OUTSIDE);
    return this.widths.get(col) ?? 100;
  }
  setFrozenRows(n: number) {
    this.count('setFrozenRows');
    this.checkEdit(null);
    this.frozenRows = n;
  }
  getFrozenRows() {
    return this.frozenRows;
  }
  protect() {
    this.count('protect');
    if (this.ss.role(this.ss.user) === 'view') throw new Error(VIEW_ONLY);
    const p = new FakeProtection('SHEET', null, this.ss.user, this);
    this.protections.push(p);
    return p;
  }
  getProtections(type: 'SHEET' | 'RANGE') {
    this.count('getProtections');
    return this.protections.filter((p) => p.type === type);
  }
  activate() {
    this.count('activate');
    this.ss.active = { sheet: this.name, row: 1, column: 1 };
    return this;
  }
  getName() {
    return this.name;
  }
  getLastRow() {
    return this.cells.length;
  }
  getLastColumn() {
    return Math.max(0, ...this.cells.map((r) => r.length));
  }
  getMaxRows() {
    return this.maxRows;
  }
  getMaxColumns() {
    return this.maxCols;
  }
  getDataRange() {
    return this.getRange(1, 1, Math.max(1, this.getLastRow()), Math.max(1, this.getLastColumn()));
  }
  /** Adds empty rows to the grid. They take on formats and validation only when inserted inside a range that has them. */
  insertRowsAfter(after: number, howMany: number) {
    this.count('insertRowsAfter');
    if (!Number.isInteger(after) || after < 1 || after > this.maxRows || !Number.isInteger(howMany) || howMany < 1) throw new Error('Exception: Those rows are out of bounds.');
    this.checkEdit({ r1: after, r2: after + 1, c1: 1, c2: this.maxCols });
    if (after < this.cells.length) this.cells.splice(after, 0, ...Array.from({ length: howMany }, () => new Array(this.getLastColumn()).fill('')));
    this.maxRows += howMany;
    this.formats.insertRows(after, howMany);
    this.validations.insertRows(after, howMany);
    for (const p of this.protections)
      if (p.rect) {
        if (p.rect.r1 > after) {
          p.rect.r1 += howMany;
          p.rect.r2 += howMany;
        } else if (p.rect.r2 > after) p.rect.r2 += howMany;
      }
    return this;
  }
  /** Adds columns at the right end of the grid (the only place this fake supports). */
  insertColumnsAfter(after: number, howMany: number) {
    this.count('insertColumnsAfter');
    if (after !== this.maxCols) throw new Error(`fake Sheet.insertColumnsAfter supports only adding after the last column (${this.maxCols}), not after ${after}`);
    if (!Number.isInteger(howMany) || howMany < 1) throw new Error('Exception: Those columns are out of bounds.');
    this.checkEdit(null);
    this.maxCols += howMany;
    return this;
  }
  getRange(row: number, col: number, numRows = 1, numCols = 1) {
    if (row < 1 || col < 1 || numRows < 1 || numCols < 1) throw new Error('Exception: The coordinates or dimensions of the range are invalid.');
    if (row + numRows - 1 > this.maxRows || col + numCols - 1 > this.maxCols) throw new Error(OUTSIDE);
    const rect: Rect = { r1: row, r2: row + numRows - 1, c1: col, c2: col + numCols - 1 };
    const range = {
      _rect: () => ({ ...rect }),
      _sheet: () => this,
      getRow: () => row,
      getColumn: () => col,
      getNumRows: () => numRows,
      getNumColumns: () => numCols,
      getLastRow: () => rect.r2,
      getLastColumn: () => rect.c2,
      canEdit: () => (this.count('canEdit'), this.canEdit(rect)),
      activate: () => {
        this.count('activate');
        this.ss.active = { sheet: this.name, row, column: col };
        return range;
      },
      getValues: () => {
        this.count('getValues', numRows * numCols);
        const width = this.getLastColumn();
        return Array.from({ length: numRows }, (_, i) => Array.from({ length: numCols }, (_, j) => (col - 1 + j < width ? (this.cells[row - 1 + i]?.[col - 1 + j] ?? '') : '')));
      },
      setValues: (values: unknown[][]) => {
        this.count('setValues', numRows * numCols);
        if (!Array.isArray(values) || values.length !== numRows || values.some((r) => !Array.isArray(r) || r.length !== numCols)) {
          throw new Error(`Exception: The number of rows or columns in the data does not match the range. The data has ${values.length} rows but the range has ${numRows}.`);
        }
        this.checkEdit(rect);
        for (const r of values)
          for (const v of r) {
            if (typeof v === 'string' && v.length - (v.startsWith("'") ? 1 : 0) > CELL_CHARS) {
              throw new Error(`Exception: Your input contains more than the maximum of ${CELL_CHARS} characters in a single cell.`);
            }
          }
        const formatsOf = Array.from({ length: numCols }, (_, j) => this.formats.column(col + j));
        const formatAt = (r: number, j: number) => formatsOf[j].find((x) => r >= x.r1 && r <= x.r2)?.value;
        values.forEach((r, i) => {
          r.forEach((v, j) => {
            while (this.cells.length < row + i) this.cells.push([]);
            const line = this.cells[row - 1 + i];
            while (line.length < col + j) line.push('');
            // A cell formatted as plain text (@) keeps what is typed as text; elsewhere Sheets converts it.
            const t =
              typeof v === 'string' && formatAt(row + i, j) === '@' ? ({ value: v.startsWith("'") ? v.slice(1) : v } as { value: V; formula?: string }) : parseTyped(v, this.ss.tz, this.ss.locale);
            line[col - 1 + j] = t.value;
            if (t.formula) this.formulas.push(t.formula);
          });
        });
        const width = this.getLastColumn();
        for (const r of this.cells) while (r.length < width) r.push('');
        return undefined;
      },
      setFontWeight: () => (this.count('setFontWeight'), this.checkEdit(rect), undefined),
      /** One colour per cell ('#rrggbb' or null for the default); the fake keeps the header row's. */
      setFontColors: (colors: (string | null)[][]) => {
        this.count('setFontColors');
        if (colors.length !== numRows || colors.some((r) => r.length !== numCols)) throw new Error('Exception: The number of rows or columns in the data does not match the range.');
        if (colors.some((r) => r.some((c) => c !== null && !/^#[0-9a-f]{6}$/i.test(c)))) throw new Error('Exception: Invalid argument: color');
        this.checkEdit(rect);
        if (row !== 1) return;
        colors[0].forEach((c, j) => {
          if (c === null) this.fontColors.delete(col + j);
          else this.fontColors.set(col + j, c);
        });
      },
      setNotes: (notes: string[][]) => {
        this.count('setNotes');
        if (notes.length !== numRows || notes.some((r) => r.length !== numCols)) throw new Error('Exception: The number of rows or columns in the data does not match the range.');
        this.checkEdit(rect);
        notes[0].forEach((n, j) => {
          this.notes.set(col + j, n);
        });
      },
      setNumberFormat: (f: string) => {
        this.count('setNumberFormat');
        this.checkEdit(rect);
        this.formats.set(rect, f);
      },
      /** One format per cell; the fake stores runs of equal formats per column. */
      setNumberFormats: (f: string[][]) => {
        this.count('setNumberFormats');
        if (f.length !== numRows || f.some((r) => r.length !== numCols)) throw new Error('Exception: The number of rows or columns in the data does not match the range.');
        this.checkEdit(rect);
        for (let j = 0; j < numCols; j++) {
          for (let i = 0; i < numRows; ) {
            let k = i;
            while (k + 1 < numRows && f[k + 1][j] === f[i][j]) k++;
            this.formats.set({ r1: row + i, r2: row + k, c1: col + j, c2: col + j }, f[i][j]);
            i = k + 1;
          }
        }
      },
      getNumberFormat: () => (this.count('getNumberFormat'), this.formats.at(row, col) ?? '0.###############'),
      getNumberFormats: () => {
        this.count('getNumberFormats', numRows * numCols);
        return Array.from({ length: numRows }, (_, i) => Array.from({ length: numCols }, (_, j) => this.formats.at(row + i, col + j) ?? '0.###############'));
      },
      setDataValidation: (rule: { values: ValidationValue }) => {
        this.count('setDataValidation');
        this.checkEdit(rect);
        this.validations.set(rect, rule.values);
      },
      protect: () => {
        this.count('protect');
        if (this.ss.role(this.ss.user) === 'view') throw new Error(VIEW_ONLY);
        const p = new FakeProtection('RANGE', { ...rect }, this.ss.user, this);
        this.protections.push(p);
        return p;
      },
    };
    return range;
  }
  /** Deletes grid rows (their content, formats and validation go with them); Sheets keeps at least one non-frozen row. */
  deleteRows(start: number, howMany: number) {
    this.count('deleteRows');
    if (start < 1 || howMany < 1 || start + howMany - 1 > this.maxRows) throw new Error('Exception: Those rows are out of bounds.');
    if (howMany >= this.maxRows - this.frozenRows) throw new Error('Exception: Sorry, it is not possible to delete all non-frozen rows.');
    this.checkEdit({ r1: start, r2: start + howMany - 1, c1: 1, c2: this.maxCols });
    this.cells.splice(start - 1, howMany);
    this.maxRows -= howMany;
    this.formats.deleteRows(start, howMany);
    this.validations.deleteRows(start, howMany);
    for (const p of this.protections)
      if (p.rect) {
        const end = start + howMany - 1;
        if (p.rect.r1 > end) {
          p.rect.r1 -= howMany;
          p.rect.r2 -= howMany;
        } else if (p.rect.r2 >= start) p.rect.r2 = Math.max(p.rect.r1, p.rect.r2 - Math.min(howMany, p.rect.r2 - start + 1));
      }
  }
}

/**
 * Typical latencies of Spreadsheet calls (ms, plus per cell), from the shape of Apps Script's
 * behaviour: a bulk call costs far more than nothing, a cell far less than a call.
 */
const LATENCY: Record<string, [number, number]> = {
  getValues: [60, 0.002],
  setValues: [120, 0.01],
  deleteRows: [90, 0],
  setNotes: [80, 0],
  setNumberFormat: [40, 0],
  setDataValidation: [60, 0],
  protect: [150, 0],
  setFontWeight: [30, 0],
  setFontColors: [30, 0],
  setColumnWidths: [40, 0],
  getColumnWidth: [20, 0],
  setFrozenRows: [30, 0],
  activate: [40, 0],
  setNumberFormats: [60, 0.002],
  insertRowsAfter: [90, 0],
  insertColumnsAfter: [90, 0],
  getProtections: [60, 0],
  canEdit: [40, 0],
  getNumberFormat: [30, 0],
  getNumberFormats: [50, 0.002],
};

/** Execution time of the Utilities calls the bundle makes in bulk (ms). */
export const UTILITY_MS = { computeDigest: 1, formatDate: 0.05 };

/** Apps Script stops an execution after 6 minutes with this error. */
export const TIME_LIMIT_MS = 6 * 60 * 1000;

/** A user's use of a daily quota: a window opens at the first use and closes 24 hours later. */
export interface DailyUsage {
  since: number;
  docsCreated: number;
  mailRecipients: number;
}

/** An installed trigger: its handler, the user who owns it and the document it belongs to. */
export interface FakeTrigger {
  handler: string;
  user: string;
  doc: string;
  id: string;
}

/**
 * The Apps Script project (the add-on), shared by every document it is used in: its installed
 * triggers are stored per user and document. Give two spreadsheets the same project to play one
 * user's two workbooks.
 */
export class FakeScriptProject {
  triggers: FakeTrigger[] = [];
  private seq = 0;
  nextTriggerId() {
    return `T${++this.seq}`;
  }
  /** Daily quotas are the user's, shared by every document and script they run (keyed by user). */
  usage = new Map<string, DailyUsage>();
  /** The scopes the add-on's current version asks for, and the ones each user has granted. */
  scopes = [...ADDON_SCOPES];
  private granted = new Map<string, Set<string>>();
  /** A user who never saw the consent screen is taken to have granted what the add-on asked for then. */
  grantedBy(user: string) {
    let g = this.granted.get(user);
    if (!g) this.granted.set(user, (g = new Set(this.scopes)));
    return g;
  }
  /** A new version asks for another scope: everybody's authorization lapses until they grant it. */
  addScope(scope: string) {
    this.scopes.push(scope);
    for (const g of this.granted.values()) g.delete(scope);
  }
  /** The user opens the add-on and grants what it asks for now. */
  authorize(user: string) {
    this.granted.set(user, new Set(this.scopes));
  }
  missingScopes(user: string) {
    const g = this.grantedBy(user);
    return this.scopes.filter((x) => !g.has(x));
  }
}

/** The add-on's OAuth scopes (src/gas/appsscript.json) and the service each one opens. */
export const ADDON_SCOPES = [
  'https://www.googleapis.com/auth/spreadsheets.currentonly',
  'https://www.googleapis.com/auth/script.container.ui',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/script.scriptapp',
  'https://www.googleapis.com/auth/documents',
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/script.send_mail',
];

let spreadsheetSeq = 0;

export class FakeSpreadsheet {
  sheets = new Map<string, FakeSheet>();
  /** Counted calls by name ('getValues', 'getValues:Invoices', 'DriveApp.getFileById', 'Element.findText', ...). */
  counters: FakeCounters = {};
  /** Counted calls ever made, all services (e.g. to inject a crash at each of them in turn). */
  callCount = 0;

  // --- Simulated clock -----------------------------------------------------------------------
  // Fully simulated: time moves only by the latency charged for each service call and utility and
  // by advance(), never by the test machine's speed, so where a slice ends is the same everywhere.
  /** The simulated instant this spreadsheet's clock started at (settable). */
  startMs: number;
  private simulatedMs = 0;
  private totalSpentMs = 0;
  private advancedMs = 0;
  /** Simulated latency spent by the current execution (tests may set it, e.g. `ss.elapsedMs = 0`). */
  get elapsedMs() {
    return this.simulatedMs;
  }
  set elapsedMs(v: number) {
    this.simulatedMs = v;
  }
  /** Now on the simulated clock: start + all latency ever spent + advance() jumps. */
  now() {
    return this.startMs + this.totalSpentMs + this.advancedMs;
  }
  /** Jump the clock (next hour, next day: daily quotas reset when the day in tz changes). */
  advance(ms: number) {
    this.advancedMs += ms;
  }
  /**
   * A new execution: elapsedMs 0. Documents the previous execution left open are saved and closed
   * first and its lock released, as Apps Script does when a script ends.
   */
  beginExecution(user?: string) {
    this.drive._endExecution();
    this.documentLocked = false;
    this.elapsedMs = 0;
    if (user !== undefined) this.user = user;
  }
  /** Charge simulated time to the execution; past 6 minutes it is stopped, as Apps Script stops it. */
  chargeMs(ms: number) {
    this.simulatedMs += ms;
    this.totalSpentMs += ms;
    if (this.simulatedMs > TIME_LIMIT_MS) throw new Error('Exceeded maximum execution time');
  }
  spend(call: string, cells = 0) {
    const [base, perCell] = LATENCY[call] ?? [serviceLatency(call) ?? 20, 0];
    this.chargeMs(base + perCell * cells);
  }

  // --- Counted calls and crash injection -------------------------------------------------------
  private failures: { remaining: number; error: string | Error }[] = [];
  /** The n-th counted call from now (1 = the next one), any service, throws `error` once. */
  failAt(n: number, error: string | Error = 'Service error: simulated crash') {
    if (!Number.isInteger(n) || n < 1) throw new Error(`failAt: n must be 1 or more, not ${n}`);
    this.failures.push({ remaining: n, error });
    return this;
  }
  /** Every service call goes through here: counted (also per sheet), charged, maybe made to fail. */
  call(name: string, cells = 0, sheet?: string, ms?: number) {
    this.callCount++;
    this.counters[name] = (this.counters[name] ?? 0) + 1;
    if (sheet !== undefined) this.counters[`${name}:${sheet}`] = (this.counters[`${name}:${sheet}`] ?? 0) + 1;
    // Cells moved by a call: counters['cells:getValues'] and counters['cells:getValues:<sheet>'].
    if (cells) {
      this.counters[`cells:${name}`] = (this.counters[`cells:${name}`] ?? 0) + cells;
      if (sheet !== undefined) this.counters[`cells:${name}:${sheet}`] = (this.counters[`cells:${name}:${sheet}`] ?? 0) + cells;
    }
    for (const f of this.failures) f.remaining--;
    const due = this.failures.find((f) => f.remaining === 0);
    this.failures = this.failures.filter((f) => f.remaining > 0);
    if (ms === undefined) this.spend(name, cells);
    else this.chargeMs(ms);
    if (due) throw typeof due.error === 'string' ? new Error(due.error) : due.error;
  }

  // --- Drive, mail, daily quotas ---------------------------------------------------------------
  drive = new FakeDrive(this);
  mail = new FakeMailbox();
  /** Daily quotas of a consumer account (settable). */
  quotas = { docsPerDay: 250, mailRecipientsPerDay: 100 };
  /**
   * The running user's usage of the daily quotas: shared with their other documents (the project's
   * usage map), and reset 24 hours after the first use of a window, not at midnight.
   */
  daily(user = this.user): DailyUsage {
    const now = this.now();
    let u = this.project.usage.get(user);
    if (!u || now - u.since >= 24 * 3600_000) this.project.usage.set(user, (u = { since: now, docsCreated: 0, mailRecipients: 0 }));
    return u;
  }
  /** Use n of a daily quota, or throw Apps Script's error (using nothing) when fewer are left. */
  useDaily(kind: 'docsCreated' | 'mailRecipients', n: number) {
    const u = this.daily();
    const docs = kind === 'docsCreated';
    if (u[kind] + n > (docs ? this.quotas.docsPerDay : this.quotas.mailRecipientsPerDay)) {
      throw new Error(`Service invoked too many times for one day: ${docs ? 'docs create' : 'email'}.`);
    }
    u[kind] += n;
  }

  /** The range last activated (Range.activate / Sheet.activate). */
  active: { sheet: string; row: number; column: number } | null = null;
  owner = 'owner@example.com';
  /** The Workspace domain that owns the file, or null for a consumer (gmail) account. */
  domain: string | null = null;
  /** Who the running execution acts as (the effective user): every write is checked against it. */
  user = this.owner;
  /** Sharing: 'view' or 'edit' per user; anyone not listed may edit (tests that play one admin). */
  access = new Map<string, 'edit' | 'view'>();
  share(user: string, role: 'edit' | 'view') {
    this.access.set(user, role);
    return this;
  }
  role(user: string): 'owner' | 'edit' | 'view' {
    return user === this.owner ? 'owner' : (this.access.get(user) ?? 'edit');
  }
  /** Whether the running user may edit what a protection with these editors covers. */
  mayEditProtected(editors: string[], domainEdit: boolean) {
    if (this.role(this.user) === 'view') return false;
    if (this.user === this.owner || editors.includes(this.user)) return true;
    return domainEdit && this.domain !== null && this.user.endsWith(`@${this.domain}`);
  }
  /** Runs fn as another user (tests: what that user typed or did by hand). */
  as<T>(user: string, fn: () => T): T {
    const was = this.user;
    this.user = user;
    try {
      return fn();
    } finally {
      this.user = was;
    }
  }
  /** LockService.getDocumentLock() is one lock per document, whoever asks. */
  documentLocked = false;
  /** Held by another execution still running (another user, the trigger): survives beginExecution. */
  lockedElsewhere = false;
  /** Document Properties live with the document. */
  properties = new Map<string, string>();
  /** The spreadsheet's id (Spreadsheet.getId()); installed triggers name their document by it. */
  readonly id = `SS${++spreadsheetSeq}`;
  /** The add-on's project: its triggers span every document of every user (see FakeScriptProject). */
  project: FakeScriptProject;
  /** This document's installed triggers, of any user. */
  get triggers(): FakeTrigger[] {
    return this.project.triggers.filter((t) => t.doc === this.id);
  }
  constructor(
    public tz = 'Europe/Berlin',
    public locale = 'de_DE',
    opts: { startMs?: number; project?: FakeScriptProject } = {},
  ) {
    this.startMs = opts.startMs ?? Date.now();
    this.project = opts.project ?? new FakeScriptProject();
  }
  getId() {
    return this.id;
  }
  /** The file's name in Drive. */
  name = 'Billing';
  getName() {
    return this.name;
  }
  getSheetByName(n: string) {
    return this.sheets.get(n) ?? null;
  }
  insertSheet(n: string) {
    this.call('insertSheet');
    if (this.role(this.user) === 'view') throw new Error(VIEW_ONLY);
    if (this.sheets.has(n)) throw new Error(`Exception: A sheet with the name "${n}" already exists. Please enter another name.`);
    const s = new FakeSheet(n, this);
    this.sheets.set(n, s);
    return s;
  }
  getSpreadsheetTimeZone() {
    return this.tz;
  }
  getSpreadsheetLocale() {
    return this.locale;
  }
  /**
   * Fill a sheet as its owner would paste it (strings parsed like Sheets input); pasting past the
   * grid grows it, as the Sheets UI does.
   */
  seed(name: string, rows: unknown[][]) {
    this.as(this.owner, () => {
      const s = this.getSheetByName(name) ?? this.insertSheet(name);
      const width = Math.max(...rows.map((r) => r.length));
      if (rows.length) {
        s.maxRows = Math.max(s.maxRows, rows.length);
        s.maxCols = Math.max(s.maxCols, width);
        s.getRange(1, 1, rows.length, width).setValues(rows.map((r) => [...r, ...new Array(width - r.length).fill('')]));
      }
    });
  }
}

/**
 * Utilities.base64Decode as Google decodes: the standard alphabet with its padding only. Node's
 * Buffer quietly skips what is not base64 (a data: URL's prefix, a cut-off upload); Google refuses.
 */
export function strictBase64(b64: unknown): Buffer {
  if (typeof b64 !== 'string') throw new Error(`Exception: The parameters (${b64 === null ? 'null' : typeof b64}) don't match the method signature for Utilities.base64Decode.`);
  if (b64.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || (b64.includes('=') && b64.length % 4 !== 0)) throw new Error('Exception: Could not decode string.');
  return Buffer.from(b64, 'base64');
}

const triggerObject = (t: FakeTrigger) => ({ getHandlerFunction: () => t.handler, getUniqueId: () => t.id, getTriggerSourceId: () => t.doc });

/** A global object for node:vm with the services the bundle touches. */
/**
 * `user` is who is signed in; `effectiveUser` whom the script runs as (default the same). An
 * installable trigger runs as its owner while Session.getActiveUser() is often '' (another domain,
 * consumer accounts): pass ('', owner).
 */
export function gasGlobals(ss: FakeSpreadsheet, user = 'admin@example.com', htmlFiles: string[] = ['Sidebar'], effectiveUser = user) {
  const alerts: string[] = [];
  const sidebars: { title: string; file: string; appended: string }[] = [];
  const props = ss.properties;
  const project = ss.project;
  /** Functions of the items under Extensions → <add-on>, in order (submenus flattened). */
  const menus: string[] = [];
  /** Every menu put into the UI, by kind: 'addon' (createAddonMenu) or 'custom' (createMenu(name)). */
  const menuBars: { kind: 'addon' | 'custom'; name: string; items: string[] }[] = [];
  const services = gasServices(ss);
  // Every call of this context runs as its effective user, with the scopes that user granted.
  const missing = (scope: string) => project.missingScopes(effectiveUser).includes(`https://www.googleapis.com/auth/${scope}`);
  const enter = (scope: string, what: string) => {
    ss.user = effectiveUser;
    if (missing(scope)) throw new Error(`Exception: You do not have permission to call ${what}. Required permissions: https://www.googleapis.com/auth/${scope}`);
  };
  /** A service object whose methods first act as this context's user and check its scope. */
  const guarded = <T extends object>(service: T, scope: string, name: string): T =>
    new Proxy(service, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          enter(scope, `${name}.${String(key)}`);
          return v.apply(target, args);
        };
      },
    });
  type FakeMenu = { addItem(caption: string, fn: string): FakeMenu; addSeparator(): FakeMenu; addSubMenu(m: FakeMenu): FakeMenu; addToUi(): void; _items: string[] };
  const menu = (kind: 'addon' | 'custom', name: string): FakeMenu => {
    const m: FakeMenu = {
      _items: [],
      addItem: (_caption, fn) => (m._items.push(fn), m),
      addSeparator: () => m,
      // A submenu is made with createMenu(name) and never added to the UI itself.
      addSubMenu: (sub) => (m._items.push(...sub._items), m),
      addToUi: () => {
        menuBars.push({ kind, name, items: [...m._items] });
        // An editor add-on's menu is createAddonMenu's, under Extensions → <add-on name>; createMenu
        // is a bound script's top-level menu, so its items are not counted as the add-on's menu.
        if (kind === 'addon') menus.push(...m._items);
      },
    };
    return m;
  };
  const ui = {
    createMenu: (name: string) => menu('custom', name),
    createAddonMenu: () => menu('addon', ''),
    alert: (msg: string) => alerts.push(msg),
    showSidebar: (html: { title: string; file: string; appended: string }) => sidebars.push(html),
  };
  return {
    alerts,
    menus,
    menuBars,
    sidebars,
    globals: {
      SpreadsheetApp: {
        getActive: () => (enter('spreadsheets.currentonly', 'SpreadsheetApp.getActive'), ss),
        getUi: () => (enter('script.container.ui', 'SpreadsheetApp.getUi'), ui),
        flush: () => undefined,
        ProtectionType: { SHEET: 'SHEET', RANGE: 'RANGE' },
        newDataValidation: () => {
          const rule = { values: [] as ValidationValue };
          const b = {
            requireValueInList: (values: string[]) => ((rule.values = values), b),
            /** A drop-down of a range's values: Google takes a range of this spreadsheet (another sheet too), never of another one. */
            requireValueInRange: (range: { _sheet?: () => FakeSheet; _rect: () => Rect }, showDropdown?: boolean) => {
              const sheet = range._sheet?.();
              if (!sheet || sheet.ss !== ss) throw new Error('Exception: The data validation range must be in this spreadsheet.');
              rule.values = { sheet: sheet.name, ...range._rect(), dropdown: showDropdown !== false };
              return b;
            },
            setAllowInvalid: () => b,
            setHelpText: () => b,
            build: () => rule,
          };
          return b;
        },
      },
      Utilities: {
        DigestAlgorithm: { SHA_256: 'SHA_256' },
        Charset: { UTF_8: 'UTF_8' },
        /** Bytes as Java gives them: signed. */
        // Utilities run on Google's side too: each call costs execution time (not counted as a
        // service call: they cannot fail half-way like a write).
        base64Decode: (b64: string) => (ss.chargeMs(1 + String(b64).length / 1e6), [...strictBase64(b64)].map((b) => (b > 127 ? b - 256 : b))),
        computeDigest: (_alg: string, text: string) => (
          ss.chargeMs(UTILITY_MS.computeDigest + text.length / 1e6), [...createHash('sha256').update(text, 'utf8').digest()].map((b) => (b > 127 ? b - 256 : b))
        ),
        formatDate: (d: Date, tz: string, pattern: string) => (ss.chargeMs(UTILITY_MS.formatDate), formatDate(d, tz, pattern)),
        newBlob: services.newBlob,
        /** Sleeping spends execution time and moves the simulated clock. */
        sleep: (ms: number) => ss.chargeMs(ms),
      },
      DriveApp: guarded(services.DriveApp, 'drive.file', 'DriveApp'),
      DocumentApp: guarded(services.DocumentApp, 'documents', 'DocumentApp'),
      MailApp: guarded(services.MailApp, 'script.send_mail', 'MailApp'),
      /** new Date() and Date.now() follow ss.now(). */
      Date: services.Date,
      LockService: {
        getDocumentLock: () => ({
          // One lock per document, shared by every user's execution.
          tryLock: () => (ss.documentLocked || ss.lockedElsewhere ? false : (ss.documentLocked = true)),
          releaseLock: () => {
            ss.documentLocked = false;
          },
        }),
      },
      Session: { getActiveUser: () => ({ getEmail: () => user }), getEffectiveUser: () => ({ getEmail: () => effectiveUser }) },
      HtmlService: {
        // Apps Script fails when the project has no such HTML file: the fake knows the bundle's files.
        createHtmlOutputFromFile: (file: string) => {
          if (!htmlFiles.includes(file)) throw new Error(`Exception: No HTML file named ${file} was found.`);
          const out = { title: '', file, appended: '', setTitle: (t: string) => ((out.title = t), out), append: (html: string) => ((out.appended += html), out) };
          return out;
        },
      },
      PropertiesService: {
        getDocumentProperties: () => ({
          getProperty: (k: string) => props.get(k) ?? null,
          setProperty: (k: string, v: string) => {
            // Properties: 9 KB a value, 500 KB a store.
            if (k.length + v.length > 9 * 1024) throw new Error('Exception: Argument too large: value');
            props.set(k, v);
            if ([...props].reduce((n, [a, b]) => n + a.length + b.length, 0) > 500 * 1024) throw new Error('Exception: You have exceeded the property storage quota.');
          },
          deleteProperty: (k: string) => void props.delete(k),
        }),
      },
      ScriptApp: {
        AuthMode: { NONE: 'NONE', LIMITED: 'LIMITED', FULL: 'FULL' },
        AuthorizationStatus: { REQUIRED: 'REQUIRED', NOT_REQUIRED: 'NOT_REQUIRED' },
        /** After an update that added scopes, REQUIRED until the user grants them (the add-on's triggers keep firing meanwhile). */
        getAuthorizationInfo: (mode: string) => {
          if (mode !== 'FULL' && mode !== 'LIMITED') throw new Error('Exception: Invalid argument: authMode');
          const need = project.missingScopes(effectiveUser);
          return {
            getAuthorizationStatus: () => (need.length ? 'REQUIRED' : 'NOT_REQUIRED'),
            getAuthorizationUrl: () => (need.length ? `https://script.google.com/a/authorize?scopes=${need.length}` : null),
          };
        },
        // Installed triggers belong to the user the script runs as and to one document. getProjectTriggers
        // is that user's triggers of this project in EVERY document; getUserTriggers(doc) only that document's.
        getProjectTriggers: () => project.triggers.filter((t) => t.user === effectiveUser).map(triggerObject),
        getUserTriggers: (doc: FakeSpreadsheet) => {
          if (!(doc instanceof FakeSpreadsheet)) throw new Error('Exception: Invalid argument: document');
          return project.triggers.filter((t) => t.user === effectiveUser && t.doc === doc.id).map(triggerObject);
        },
        newTrigger: (handler: string) => {
          enter('script.scriptapp', 'ScriptApp.newTrigger');
          const b = {
            timeBased: () => b,
            everyHours: (n: number) => {
              // Add-ons: time-driven triggers fire at most hourly, one per user and document.
              if (n < 1) throw new Error('Exception: Add-ons may not create triggers that run more often than once per hour.');
              return b;
            },
            // An add-on's trigger is bound to the document it was created in and to the user.
            create: () => {
              if (ss.triggers.some((t) => t.user === effectiveUser)) throw new Error('Exception: This add-on has created too many time-based triggers in this document for this Google user account.');
              const t: FakeTrigger = { handler, user: effectiveUser, doc: ss.id, id: project.nextTriggerId() };
              project.triggers.push(t);
              return triggerObject(t);
            },
          };
          return b;
        },
        deleteTrigger: (t: { getUniqueId(): string }) => {
          const i = project.triggers.findIndex((x) => x.id === t.getUniqueId());
          if (i >= 0) project.triggers.splice(i, 1);
        },
      },
    },
  };
}
