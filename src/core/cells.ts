// Reading one raw cell (as Sheets or an xlsx reader gives it) into a typed value, and back.
import { D, Decimal } from './money';
import { fromSerial, isIsoDate, iso, type IsoDate } from './dates';
import type { ColumnDef } from './schema';
import { checkCountry, checkCurrency } from './codes';

/**
 * No amount, quantity or price of a billing sheet comes near this (10^13 is ten trillion in any
 * currency); above it a cell is a typo, and products of such numbers stop being finite doubles.
 */
export const MAX_NUMBER = new Decimal('1e13');
/** Dates outside these years are typos (a 0 in a date cell is 1899-12-30). */
export const DATE_RANGE = { first: '1970-01-01', last: '2199-12-31' } as const;
/**
 * No cell the user fills needs more text than this; longer is a paste gone wrong, and an .xlsx cell
 * holds at most 32,767 characters, so a finalized invoice carrying it could not be saved whole.
 */
export const MAX_TEXT = 10000;
/** What a spreadsheet shows for a formula that failed: never a value to bill with. */
const ERROR_VALUE = /^#(N\/A|REF!|VALUE!|NAME\?|DIV\/0!|NULL!|NUM!|SPILL!|CALC!|GETTING_DATA|ERROR!)$/i;
/** How the .xlsx reader hands over a formula whose result was never computed. */
export const UNCOMPUTED = '(formula without a computed value';
/** Ids that become part of file and folder names. */
const ID = /^[A-Za-z0-9_-]{1,40}$/;

/** What a spreadsheet cell can hold when read in bulk. */
export type Cell = string | number | boolean | Date | null | undefined;

export interface ParseContext {
  /** How numbers typed as text are read: "de" 1.234,50 · "en" 1,234.50. */
  locale: 'de' | 'en';
  /** Turns a Date cell into a calendar date (a host knows the sheet's time zone); default: UTC fields. */
  dateOf?: (d: Date) => IsoDate;
}

/** A parsed cell; `warning` when the value was read in a way the user may not have meant. */
export type Parsed = { ok: true; value: unknown; warning?: string } | { ok: false; message: string };

const ok = (value: unknown): Parsed => ({ ok: true, value });
const fail = (message: string): Parsed => ({ ok: false, message });

/** A Date from any realm (a Date made by another script context fails `instanceof Date`). */
export function isDate(v: unknown): v is Date {
  return Object.prototype.toString.call(v) === '[object Date]';
}

export function isBlank(v: Cell): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

/** Spaces, no-break and thin spaces, apostrophes (Swiss grouping) and currency marks are dropped. */
const NOISE = /[\s\u00a0\u202f\u2009'’]|€|\$|£|¥|CHF|EUR|USD|GBP|JPY/g;

/** A decimal from a cell; text is read in the sheet's locale. Returns undefined if it is not a number. */
export function parseDecimal(v: Cell, locale: 'de' | 'en'): Decimal | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? new D(String(v)) : undefined;
  if (typeof v !== 'string') return undefined;
  let s = v.replace(NOISE, '');
  if (s.startsWith('(') && s.endsWith(')')) s = '-' + s.slice(1, -1);
  const [group, decimal] = locale === 'de' ? ['.', ','] : [',', '.'];
  const grouped = new RegExp(`^[-+]?\\d{1,3}(\\${group}\\d{3})+(\\${decimal}\\d+)?$`);
  const plain = new RegExp(`^[-+]?\\d*(\\${decimal}\\d+)?$`);
  if (grouped.test(s)) s = s.split(group).join('');
  else if (!plain.test(s) || s === '' || s === '-' || s === '+') {
    // "1.5" in a de sheet or "1,5" in an en sheet: accept when unambiguous (one separator, not 3 digits after).
    const other = locale === 'de' ? /^[-+]?\d+\.\d{1,2}$|^[-+]?\d+\.\d{4,}$/ : /^[-+]?\d+,\d{1,2}$|^[-+]?\d+,\d{4,}$/;
    if (!other.test(s)) return undefined;
    return new D(s.replace(',', '.'));
  }
  s = s.replace(decimal, '.');
  try {
    return new D(s);
  } catch {
    return undefined;
  }
}

function parseDate(v: Cell, ctx: ParseContext): IsoDate | undefined {
  if (isDate(v)) {
    if (Number.isNaN(v.getTime())) return undefined;
    return ctx.dateOf ? ctx.dateOf(v) : iso(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate());
  }
  if (typeof v === 'number') return v > 0 && v < 2958466 ? fromSerial(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s.length === 10 && isIsoDate(s)) return s; // the common case, and what the engine writes
  const isoMatch = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s);
  const euMatch = isoMatch ? null : /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  const slash = isoMatch || euMatch ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  let y: number, m: number, d: number;
  if (isoMatch) [y, m, d] = [Number(isoMatch[1]), Number(isoMatch[2]), Number(isoMatch[3])];
  else if (euMatch) [d, m, y] = [Number(euMatch[1]), Number(euMatch[2]), Number(euMatch[3])];
  else if (slash) {
    // 31/12/2026 (de/en-GB day first) vs 12/31/2026 (US): day first unless that is impossible.
    const a = Number(slash[1]);
    const b = Number(slash[2]);
    [d, m] = a > 12 || b <= 12 ? [a, b] : [b, a];
    y = Number(slash[3]);
  } else return undefined;
  const out = iso(y, m, d);
  return isIsoDate(out) ? out : undefined;
}

const TRUE = ['true', 'yes', 'ja', 'oui', 'y', 'x', '1', 'wahr'];
const FALSE = ['false', 'no', 'nein', 'non', 'n', '0', 'falsch'];

/** A number within the column's bounds, or why not. */
function bounded(n: Decimal, v: Cell, col: ColumnDef): Parsed {
  if (n.abs().gte(MAX_NUMBER)) return fail(`"${String(v)}" is too large (a billing amount or quantity stays below 10^13)`);
  if (col.min !== undefined && n.lt(col.min)) return fail(`${n.toString()} is below the smallest allowed value ${col.min}`);
  if (col.max !== undefined && n.gt(col.max)) return fail(`${n.toString()} is above the largest allowed value ${col.max}`);
  return ok(n);
}

function code(s: string, col: ColumnDef): Parsed {
  if (col.code === 'id') return ID.test(s) ? ok(s) : fail(`"${s}" is not a valid id: use up to 40 letters, digits, - and _`);
  const c = col.code === 'country' ? checkCountry(s, col.extra) : checkCurrency(s);
  return c.ok ? ok(c.code) : fail(c.message);
}

/** Whether a text cell can be taken as it is (most cells of a large sheet are plain ids and names). */
export function plainText(v: string): boolean {
  return v.length <= MAX_TEXT && v[0] !== '#' && !v.includes(UNCOMPUTED);
}

/** Parse one non-blank cell for a column. */
export function parseCell(v: Cell, col: ColumnDef, ctx: ParseContext): Parsed {
  if (typeof v === 'string') {
    if (ERROR_VALUE.test(v.trim())) return fail(`"${v}" is an error value of the spreadsheet: fix the formula`);
    if (v.includes(UNCOMPUTED)) return fail('a formula without a computed value: open and save the file in a spreadsheet program');
    if (v.length > MAX_TEXT && !col.engine) return fail(`the text is ${v.length} characters long, more than the ${MAX_TEXT} a cell of this sheet may have`);
  }
  switch (col.type) {
    case 'text':
    case 'ref': {
      const s = isDate(v) ? parseDate(v, ctx) : String(v).trim();
      return col.code ? code(s ?? String(v), col) : ok(s);
    }
    case 'number':
    case 'money': {
      // A number cell inside the bounds needs no Decimal to check them (most cells of a ledger are).
      if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e13 && (col.min === undefined || v >= col.min) && (col.max === undefined || v <= col.max)) return ok(new D(String(v)));
      const n = parseDecimal(v, ctx.locale);
      return n ? bounded(n, v, col) : fail(`"${String(v)}" is not a number`);
    }
    case 'integer': {
      const n = parseDecimal(v, ctx.locale);
      if (!n?.isInteger()) return fail(`"${String(v)}" is not a whole number`);
      const b = bounded(n, v, col);
      return b.ok ? ok(n.toNumber()) : b;
    }
    case 'percent':
      return parsePercent(v, col, ctx);
    case 'date': {
      const d = parseDate(v, ctx);
      if (!d) return fail(`"${String(v)}" is not a date (use YYYY-MM-DD or DD.MM.YYYY)`);
      if (d < DATE_RANGE.first || d > DATE_RANGE.last) return fail(`${d} is not a plausible date (a billing date lies between ${DATE_RANGE.first} and ${DATE_RANGE.last})`);
      return ok(d);
    }
    case 'datetime':
      if (isDate(v) && Number.isNaN(v.getTime())) return fail(`"${String(v)}" is not a date and time`);
      return ok(isDate(v) ? v.toISOString() : String(v));
    case 'boolean': {
      if (typeof v === 'boolean') return ok(v);
      const s = String(v).trim().toLowerCase();
      if (TRUE.includes(s)) return ok(true);
      if (FALSE.includes(s)) return ok(false);
      return fail(`"${String(v)}" is not TRUE or FALSE`);
    }
    case 'enum': {
      const s = String(v)
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_');
      const hit = col.values?.find((x) => x.toLowerCase().replace(/[\s-]+/g, '_') === s);
      return hit !== undefined ? ok(hit) : fail(`"${String(v)}" is not one of ${col.values?.join(', ')}`);
    }
  }
}

/** "19 %", 19, or a cell formatted as percent (19 % arrives as 0.19). */
function parsePercent(v: Cell, col: ColumnDef, ctx: ParseContext): Parsed {
  const text = typeof v === 'string' ? v.trim() : v;
  if (typeof text === 'string' && text.endsWith('%')) {
    const n = parseDecimal(text.slice(0, -1), ctx.locale);
    return n ? bounded(n, v, col) : fail(`"${String(v)}" is not a percentage`);
  }
  const n = parseDecimal(text, ctx.locale);
  if (!n) return fail(`"${String(v)}" is not a percentage`);
  // A cell formatted as percent arrives as a fraction (19 % → 0.19): read |x| < 1 as a fraction.
  // Not in the engine's columns: it writes percents (0.5 for 0.5 %), and must read back what it hashed.
  if (typeof v !== 'number' || col.engine || !n.abs().lt(1) || n.isZero()) return bounded(n, v, col);
  const read = bounded(n.times(100), v, col);
  // A plain 0.5 typed for half a percent is the trap: the same cell value as "50 %" formatted as percent.
  const warning = `${n} is read as ${n.times(100)} % (a fraction, as a cell formatted as percent gives it); write ${n} % if you meant ${n} percent`;
  return read.ok ? { ...read, warning } : read;
}

/** A record field back to a plain cell value: Decimal → number, dates stay ISO strings. */
export function toCell(value: unknown): string | number | boolean {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (Decimal.isDecimal(value)) {
    const n = (value as Decimal).toNumber();
    // A sheet cell holds a finite double; anything else is a bug upstream, never a cell "Infinity".
    if (!Number.isFinite(n)) throw new Error(`${(value as Decimal).toString()} cannot be written to a cell`);
    return n;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${value} cannot be written to a cell`);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/**
 * Text Sheets would read as a formula (= + - @) gets a leading apostrophe, which Sheets
 * treats as "this is text" and does not show. Used by hosts that write through setValues.
 */
export function asPlainText(value: string | number | boolean): string | number | boolean {
  return typeof value === 'string' && /^[=+\-@]/.test(value) ? `'${value}` : value;
}

/**
 * Text cut to at most `max` characters, ending in "…" (never half a surrogate pair). Cells have a
 * limit (Google Sheets 50,000 characters, Excel 32,767) and a write over it fails as a whole.
 */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  let keep = max - 1;
  const last = s.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep--;
  return `${s.slice(0, keep)}…`;
}

/** The longest list the engine writes into one cell (e.g. a run's failed subscriptions). */
export const LIST_TEXT_MAX = 2000;
const MORE = /\s…and (\d+) more$/;

/**
 * A list of ids as "a, b, c …and N more", at most `max` characters. `before` is such a text written
 * earlier: its items come first and its count of the rest is kept.
 */
export function listText(before: string | undefined, add: readonly string[], max = LIST_TEXT_MAX): string | undefined {
  const more = MORE.exec(before ?? '');
  const items = [
    ...(before ?? '')
      .replace(MORE, '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    ...add,
  ];
  let hidden = more ? Number(more[1]) : 0;
  if (!items.length) return undefined;
  let text = items.join(', ');
  while (text.length + (hidden ? ` …and ${hidden} more`.length : 0) > max && items.length > 1) {
    items.pop();
    hidden++;
    text = items.join(', ');
  }
  return hidden ? `${text} …and ${hidden} more` : text;
}

/**
 * A fraction from a cell formatted as percent, as the user typed it: 0.19 → "19%", 0.00125 →
 * "0.1250%", a text both number locales read alike (parseDecimal takes a point with 1–2 or 4+
 * decimals as the decimal point in a de sheet too; 3 would be a thousands group).
 */
export function percentText(fraction: number): string {
  const s = new D(fraction).times(100).toString();
  return `${/\.\d{3}$/.test(s) ? s + '0' : s}%`;
}

/** Whether a number format scales by 100 and shows "%" (0%, 0.00%), not a literal "%" (0.0"%", 0\%). */
export function isPercentFormat(format: string | undefined): boolean {
  return !!format && /%/.test(format.replace(/"[^"]*"|\\./g, ''));
}
