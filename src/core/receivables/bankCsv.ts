// A bank's CSV export read into BankEntry records, with the column mapping the user writes in
// Settings ("date=Buchungstag; amount=Betrag; reference=Verwendungszweck; ..."). German exports:
// ';' separated, quoted fields, decimal comma, dates TT.MM.JJJJ, a few preamble lines before the
// header, CRLF, Windows-1252 bytes. Pure: no Node APIs, so it runs in Apps Script's V8 as well.
import { BillingError } from '../errors';
import { utf8 } from '../pdf/text';
import type { BankEntry, Origin, StatementRead } from './types';

export const CSV_KEYS = ['date', 'valueDate', 'amount', 'currency', 'reference', 'name', 'iban', 'bic', 'bankReference', 'endToEndId'] as const;
export type CsvKey = (typeof CSV_KEYS)[number];
/** Which column header holds which field; date, amount and reference are always there. */
export type CsvMapping = Partial<Record<CsvKey, string>> & { date: string; amount: string; reference: string };

const REQUIRED: CsvKey[] = ['date', 'amount', 'reference'];

/** Header names compare without case and spaces: "Buchungs tag" is "buchungstag". */
const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/** The mapping as a user writes it in a Settings cell: `key=Header` pairs, separated by ';' or line breaks. */
export function parseCsvMapping(text: string): CsvMapping {
  const mapping: Partial<Record<CsvKey, string>> = {};
  const unknown: string[] = [];
  const problems: string[] = [];
  for (const part of text.split(/[;\r\n]+/)) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const [rawKey, header] = eq < 0 ? [part.trim(), ''] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    const key = CSV_KEYS.find((k) => k.toLowerCase() === rawKey.toLowerCase());
    if (!key) unknown.push(rawKey);
    else if (header === '') problems.push(`"${rawKey}" names no column (write ${key}=Header)`);
    else if (mapping[key] !== undefined) problems.push(`"${key}" is given twice`);
    else mapping[key] = header;
  }
  if (unknown.length) problems.unshift(`unknown ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${CSV_KEYS.join(', ')})`);
  const missing = REQUIRED.filter((k) => mapping[k] === undefined);
  if (missing.length) problems.push(`missing ${missing.join(', ')}`);
  if (problems.length) throw new BillingError(`Bank CSV Columns: ${problems.join('; ')}`, { code: 'invalid' });
  return mapping as CsvMapping;
}

// ---------- bytes to text ----------

// Windows-1252's 0x80–0x9F, where it differs from Latin-1 (0x80 is €); the five unused bytes
// (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay C1 controls, as browsers decode them.
const CP1252_80 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Whether the bytes are well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
function isUtf8(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const size = c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (!size || i + size > b.length) return false;
    for (let k = 1; k < size; k++) if ((b[i + k] & 0xc0) !== 0x80) return false;
    const second = b[i + 1];
    if (c === 0xe0 && second < 0xa0) return false; // overlong
    if (c === 0xed && second >= 0xa0) return false; // a surrogate
    if (c === 0xf0 && second < 0x90) return false; // overlong
    if (c === 0xf4 && second >= 0x90) return false; // past U+10FFFF
    i += size;
  }
  return true;
}

/** A statement file's text: UTF-8 (a BOM dropped) when the bytes are valid UTF-8, else Windows-1252. */
export function decodeStatementBytes(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return utf8(bytes);
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const codes = Array.from(bytes.subarray(i, i + 8192), (c) => (c >= 0x80 && c < 0xa0 ? CP1252_80.charCodeAt(c - 0x80) : c));
    out += String.fromCharCode(...codes);
  }
  return out;
}

// ---------- CSV records ----------

interface CsvRecord {
  /** The line the record starts on (1-based). */
  line: number;
  fields: string[];
}

/** Records of ';'-separated fields; quoted fields may hold ';', doubled quotes and line breaks. */
function csvRecords(text: string, sep = ';'): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const end = () => {
    fields.push(field);
    records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === sep) fields.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      end();
      start = ++line;
    } else field += c;
  }
  if (field !== '' || fields.length) end();
  return records;
}

// ---------- values ----------

/**
 * A written amount to its sign and a plain decimal string: "1.234,56", "-12,50", "+119,00",
 * "1234.56" (one dot with one or two decimals and no comma is a decimal point), "1.234" (thousands).
 */
export function parseGermanAmount(raw: string): { negative: boolean; value: string } | undefined {
  const s = raw.replace(/[\s\u00a0]/g, '').replace(/(EUR|€)$/i, '');
  const m = /^([+-]?)(.+)$/.exec(s);
  if (!m) return undefined;
  const [, sign, body] = m;
  let value: string | undefined;
  if (/^(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/.test(body)) value = body.replace(/\./g, '').replace(',', '.');
  else if (/^\d+\.\d{1,2}$/.test(body)) value = body;
  if (value === undefined) return undefined;
  return { negative: sign === '-' && /[1-9]/.test(value), value };
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "29.11.2026", "29.11.26" (20yy) or "2026-11-29" to YYYY-MM-DD; undefined when it is no date. */
export function parseGermanDate(raw: string): string | undefined {
  const s = raw.trim();
  const de = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const [y, mo, d] = de ? [de[3].length === 2 ? 2000 + Number(de[3]) : Number(de[3]), Number(de[2]), Number(de[1])] : iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : [0, 0, 0];
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1]) return undefined;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return undefined;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// ---------- the statement ----------

/** Where each mapped field is: its column index and the header as the file writes it. */
type Columns = Partial<Record<CsvKey, { index: number; header: string }>>;

/** The header row: the first record that has every mapped header; throws naming the headers when none has. */
function findHeader(records: CsvRecord[], mapping: CsvMapping, file: string): { at: number; columns: Columns } {
  const wanted = (Object.entries(mapping) as [CsvKey, string][]).filter(([, h]) => h !== undefined);
  for (let at = 0; at < records.length; at++) {
    const names = records[at].fields.map(norm);
    if (!wanted.every(([, h]) => names.includes(norm(h)))) continue;
    const columns: Columns = {};
    for (const [key, h] of wanted) {
      const index = names.indexOf(norm(h));
      columns[key] = { index, header: records[at].fields[index].trim() };
    }
    return { at, columns };
  }
  const list = wanted.map(([, h]) => `"${h}"`).join(', ');
  throw new BillingError(`${file}: no line has all the columns named in Bank CSV Columns (${list}); is it the right file, and are the headers written as in the file?`, { code: 'invalid', ref: file });
}

/** Reads a bank CSV export with a column mapping; rows that cannot be read are skipped, each with its reason. */
export function readBankCsv(text: string, file: string, mapping: CsvMapping, opts: { currency: string }): StatementRead {
  if (!/^[A-Z]{3}$/.test(opts.currency)) throw new BillingError(`${file}: the default currency "${opts.currency}" is not a currency code`, { code: 'invalid', ref: file });
  const records = csvRecords(text);
  const { at, columns } = findHeader(records, mapping, file);
  const read: StatementRead = { format: 'csv', entries: [], skipped: [] };
  const seen = new Map<string, number>();
  for (const record of records.slice(at + 1)) {
    if (record.fields.every((f) => f.trim() === '')) continue;
    const origin: Origin = { file, entry: record.line };
    const row = csvRow(record, columns, opts.currency, `${file} line ${record.line}`);
    if (typeof row === 'string') {
      read.skipped.push({ origin, reason: row });
      continue;
    }
    // Equal rows (two equal transfers on one day) differ by their count; a second export of the
    // same days gives the same keys, whatever lines came before.
    const content = JSON.stringify(['csv', row.bookingDate, row.valueDate ?? '', row.amount, row.currency, row.direction, row.counterpartyIban ?? '', row.remittance ?? '', row.endToEndId ?? '']);
    const n = (seen.get(content) ?? 0) + 1;
    seen.set(content, n);
    read.entries.push({ ...row, entryKey: `${content}#${n}`, origin });
  }
  return read;
}

type Row = Omit<BankEntry, 'entryKey' | 'origin'>;

/** One data row to an entry's fields, or the reason it cannot be read (file, line, column and value). */
function csvRow(record: CsvRecord, columns: Columns, defaultCurrency: string, where: string): Row | string {
  const cell = (key: CsvKey): string | undefined => {
    const c = columns[key];
    const v = c ? record.fields[c.index]?.replace(/\r?\n/g, ' ').trim() : undefined;
    return v === '' ? undefined : v;
  };
  const bad = (key: CsvKey, what: string) => `${where}, column "${columns[key]!.header}": ${JSON.stringify(cell(key) ?? '')} ${what}`;
  const bookingDate = parseGermanDate(cell('date') ?? '');
  if (!bookingDate) return bad('date', 'is not a date (TT.MM.JJJJ)');
  const valueDate = cell('valueDate') === undefined ? undefined : parseGermanDate(cell('valueDate')!);
  if (cell('valueDate') !== undefined && !valueDate) return bad('valueDate', 'is not a date (TT.MM.JJJJ)');
  const amount = parseGermanAmount(cell('amount') ?? '');
  if (!amount) return bad('amount', 'is not an amount (like -1.234,56)');
  const currency = (cell('currency') ?? defaultCurrency).toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) return bad('currency', 'is not a currency code');
  const row: Row = {
    bookingDate,
    valueDate,
    amount: amount.value,
    currency,
    direction: amount.negative ? 'DBIT' : 'CRDT',
    reversal: false,
    counterpartyName: cell('name'),
    counterpartyIban: cell('iban')?.replace(/\s+/g, '').toUpperCase(),
    counterpartyBic: cell('bic'),
    remittance: cell('reference'),
    endToEndId: cell('endToEndId') === 'NOTPROVIDED' ? undefined : cell('endToEndId'),
    bankReference: cell('bankReference'),
  };
  for (const k of Object.keys(row) as (keyof Row)[]) if (row[k] === undefined) delete row[k];
  return row;
}
