// `billing invoice`: the lines of a manual or pro-forma invoice, typed as --line texts or read from
// a small CSV file, and checked against the workbook before anything is saved. Every error names
// the line ("--line 2", "lines.csv row 3") and the field, so the user knows what to fix.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Dataset } from '../core/dataset';
import { isIsoDate } from '../core/dates';
import { BillingError } from '../core/errors';
import type { ManualInvoiceType, ManualLineInput } from '../core/manual';
import { D } from '../core/money';

/** A line the user must fix: a usage error (exit 2), nothing was saved. */
export class LineError extends Error {}

/** One line as typed, before it is checked; `where` names it in errors. */
export interface RawLine {
  where: string;
  product?: string;
  description?: string;
  quantity?: string;
  unitPrice?: string;
  taxClass?: string;
  serviceStart?: string;
  serviceEnd?: string;
}

export const LINE_HELP = `Each --line is "<product ID or text>; <quantity>; <unit price>; <tax class>; <from>..<to>":
  - first a product ID of the Products sheet (its name is the description), "<product ID>: <text>"
    (that product with your description) or any other text (a line without a product);
  - quantity and unit price with a dot as the decimal mark; the unit price may be left empty for a
    per-unit product without its own currency (its Price is taken);
  - tax class (optional): a Tax Class of the TaxRules sheet; default the product's, else standard;
  - service period (optional): 2026-11-01..2026-11-30, or one date.
  Fields may be left empty ("SETUP; 2;;; 2026-11-14"); a text with a ";" goes into a CSV file.
--lines-csv reads lines from a CSV file whose first row names the columns: product, description,
  quantity, unitPrice, taxClass, serviceStart, serviceEnd (any order; only quantity is required;
  separated by commas or semicolons, texts in double quotes may hold them).`;

const FIELDS = ['product', 'quantity', 'unit price', 'tax class', 'service period'];

/** `--line "<product or text>; <quantity>; <unit price>; <tax class>; <from>..<to>"` as raw fields. */
export function lineFromOption(text: string, n: number, ds: Dataset): RawLine {
  const where = `--line ${n}`;
  const f = text.split(';').map((s) => s.trim());
  if (f.length > FIELDS.length) throw new LineError(`${where}: ${f.length} fields, at most ${FIELDS.length} (${FIELDS.join('; ')}): "${text}"`);
  const [first = '', quantity, unitPrice, taxClass, period] = f;
  const colon = /^([^:]+):\s*(.*)$/.exec(first);
  const product = ds.products.has(first) ? first : colon && ds.products.has(colon[1].trim()) ? colon[1].trim() : undefined;
  const description = product === first ? undefined : colon && product ? colon[2] : first;
  const [serviceStart, serviceEnd, extra] = (period ?? '').split('..').map((s) => s.trim());
  if (extra !== undefined) throw new LineError(`${where}, service period: "${period}" is not <from>..<to> (e.g. 2026-11-01..2026-11-30)`);
  return { where, product, description, quantity, unitPrice, taxClass, serviceStart, serviceEnd: serviceEnd ?? serviceStart };
}

const CSV_COLUMNS = ['product', 'description', 'quantity', 'unitPrice', 'taxClass', 'serviceStart', 'serviceEnd'] as const;

/** The lines of a CSV file with a header row (comma or semicolon separated, RFC 4180 quotes). */
export function linesFromCsv(file: string): RawLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new LineError(`--lines-csv ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const rows = csvRows(text);
  const name = basename(file);
  const header = rows[0] ?? [];
  const columns = header.map((h) => CSV_COLUMNS.find((c) => c.toLowerCase() === h.replace(/[\s_]/g, '').toLowerCase()));
  const unknown = header.filter((h, i) => !columns[i] && h.trim());
  if (unknown.length || !columns.includes('quantity')) {
    throw new LineError(`${name} row 1: the header names the columns ${CSV_COLUMNS.join(', ')} (quantity is required)${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
  }
  const lines: RawLine[] = [];
  rows.slice(1).forEach((cells, i) => {
    if (cells.every((c) => !c.trim())) return;
    const line: RawLine = { where: `${name} row ${i + 2}` };
    columns.forEach((c, k) => {
      const v = cells[k]?.trim();
      if (c && v) line[c] = v;
    });
    lines.push(line);
  });
  if (!lines.length) throw new LineError(`${name}: no lines below the header`);
  return lines;
}

/** Splits CSV text into rows of cells; the delimiter is the header's (";" when it has one and no ","). */
function csvRows(text: string): string[][] {
  const firstLine = text.split(/\r?\n/, 1)[0];
  const sep = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) row.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += ch;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

/** Checks one line against the workbook: the input of the manual-invoice use case, or a LineError naming the field. */
export function checkLine(raw: RawLine, ds: Dataset): ManualLineInput {
  const bad = (field: string, why: string) => new LineError(`${raw.where}, ${field}: ${why}`);
  const product = raw.product ? ds.products.get(raw.product) : undefined;
  if (raw.product && !product) throw bad('product', `"${raw.product}" is not in the Products sheet`);
  const description = raw.description?.trim() || product?.name;
  if (!description) throw bad('description', 'empty: give a text or a product ID');
  const number = (field: string, v: string | undefined) => {
    if (!v) throw bad(field, 'missing');
    if (!/^-?\d+(\.\d+)?$/.test(v)) throw bad(field, `"${v}" is not a number (a dot as the decimal mark: 1234.50)`);
    return new D(v).toFixed();
  };
  const quantity = number('quantity', raw.quantity);
  const ownPrice = product && product.priceModel === 'per_unit' && !product.currency ? product.price.toFixed() : undefined;
  if (!raw.unitPrice && !ownPrice) throw bad('unit price', product ? `missing (product ${product.productId} has no single per-unit price to take)` : 'missing');
  const unitPrice = raw.unitPrice ? number('unit price', raw.unitPrice) : (ownPrice as string);
  for (const [field, d] of [
    ['service start', raw.serviceStart],
    ['service end', raw.serviceEnd],
  ] as const) {
    if (d && !isIsoDate(d)) throw bad(field, `"${d}" is not a date in the form YYYY-MM-DD`);
  }
  if (raw.serviceEnd && !raw.serviceStart) throw bad('service start', 'missing (the service end is given)');
  if (raw.serviceStart && raw.serviceEnd && raw.serviceEnd < raw.serviceStart) throw bad('service period', `ends (${raw.serviceEnd}) before it starts (${raw.serviceStart})`);
  return { description, quantity, unitPrice, productId: product?.productId, taxClass: raw.taxClass, serviceStart: raw.serviceStart, serviceEnd: raw.serviceEnd || raw.serviceStart };
}

/**
 * An error of the manual-invoice use case in the CLI's words: "line 3" becomes the line as the user
 * gave it ("lines.csv row 2"); a malformed line (code invalid) is a usage error (exit 2), any other
 * refusal stays one (exit 1).
 */
export function inLineTerms(e: unknown, lines: readonly RawLine[]): unknown {
  if (!(e instanceof BillingError)) return e;
  const m = /^line (\d+)\b/.exec(e.message);
  const where = m ? lines[Number(m[1]) - 1]?.where : undefined;
  const message = m && where ? `${where}${e.message.slice(m[0].length)}` : e.message;
  return e.code === 'invalid' ? new LineError(message) : new BillingError(message, { code: e.code, ref: e.ref });
}

/** What `billing invoice` says it saved, per invoice type. */
export const SAVED_AS: Partial<Record<string, string>> = {
  invoice: 'draft',
  pro_forma: 'pro-forma',
  prepayment: 'prepayment invoice draft',
  partial: 'partial invoice draft',
  final: 'final invoice draft',
};

const TYPE_CHOICES = ['invoice', 'prepayment', 'partial', 'final'] as const;

/** The invoice type of `billing invoice` from --type and --proforma, or a usage error naming the choices. */
export function invoiceTypeOption(o: { proforma?: boolean; type?: string; project?: string }): ManualInvoiceType {
  if (o.proforma && o.type && o.type !== 'pro_forma') throw new LineError(`--proforma and --type ${o.type} exclude each other: give one`);
  if (o.proforma) return 'pro_forma';
  const type = (o.type ?? 'invoice').trim().toLowerCase();
  if (!(TYPE_CHOICES as readonly string[]).includes(type)) throw new LineError(`unknown --type ${o.type}: give ${TYPE_CHOICES.join(', ')} (or --proforma)`);
  if (type === 'final' && !o.project?.trim()) throw new LineError('--type final needs --project <project>: the prepayment and partial invoices of that project are deducted');
  return type as ManualInvoiceType;
}
