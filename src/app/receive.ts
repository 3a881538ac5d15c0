// Accounts payable: supplier e-invoices (XRechnung UBL or CII XML, or a ZUGFeRD / Factur-X PDF with
// its XML inside) read into the Received and ReceivedLines sheets with their totals checked
// (BR-CO-10..16) and, where the host ran them, the official rules. A file that is not an e-invoice
// is reported and nothing of it is written; one already read is skipped.
import { checkTotals, clipText, parseEInvoice, type ReceivedInvoice } from '../core/einvoice/receive';
import { eInvoiceFromPdf } from '../core/einvoice/fromPdf';
import { isPdf } from '../core/pdf/attachments';
import { utf8 } from '../core/pdf/text';
import { SCHEMA } from '../core/schema';
import { toRowValues } from '../core/table';
import type { Ports } from '../ports';
import { runUseCase } from './useCase';

/** A supplier's file as a host has it: XML text, or the bytes of an XML file or a hybrid PDF. */
export interface IncomingFile {
  name: string;
  xml?: string;
  bytes?: Uint8Array;
  /** The official rule sets the host ran on it (XSD, EN 16931, XRechnung) and the errors they found. */
  rules?: { ran: string[]; errors: string[] };
}

/** Findings shown in the Validation cell before it says how many more there are. */
const SHOWN_FINDINGS = 10;

/**
 * The e-invoice XML of a file: its text, or the XML embedded in a Factur-X / ZUGFeRD PDF. Throws a
 * message for the user when a PDF carries none.
 */
export function xmlOfFile(f: IncomingFile): string {
  if (f.xml !== undefined) return f.xml;
  const bytes = f.bytes ?? new Uint8Array(0);
  const text = utf8(bytes.subarray(0, 1024)).trimStart();
  // XML first: a note in an XML file may mention "%PDF-", which the PDF test looks for in the first 1 KB.
  if (!text.startsWith('<') && isPdf(bytes)) return eInvoiceFromPdf(bytes).xml;
  return utf8(bytes);
}

export interface ReceiveReport {
  received: { file: string; receivedId: string; number: string; supplier: string; currency: string; payable: string; status: string; checked: string }[];
  /** Already in the Received sheet (same supplier and number; file names say nothing: many suppliers send "invoice.pdf"). */
  skipped: { file: string; number?: string; reason: string }[];
  failed: { file: string; reason: string }[];
}

/**
 * Amounts and quantities as numbers (a decimal string typed into Sheets is read by the sheet's
 * locale); every text within a cell's length, whatever a supplier's file holds (a VAT breakdown
 * of thousands of rates, a file name, the rules a file breaks).
 */
function numeric(table: 'Received' | 'ReceivedLines', row: Record<string, string | number | boolean>) {
  for (const c of SCHEMA[table].columns) {
    const v = row[c.key];
    if ((c.type === 'money' || c.type === 'number') && typeof v === 'string' && v !== '') row[c.key] = Number(v);
    else if (typeof v === 'string') row[c.key] = clipText(v);
  }
  return row;
}

function syntaxName(r: ReceivedInvoice): string {
  const spec = /xrechnung/i.test(r.customization ?? '') ? 'XRechnung' : /en16931/i.test(r.customization ?? '') ? 'EN 16931' : '';
  return [r.syntax.toUpperCase(), spec].filter(Boolean).join(' ');
}

export function receiveInvoices(ports: Ports, files: readonly IncomingFile[]): ReceiveReport {
  // The Received sheets are the engine's (protected): only billing admins write them.
  return runUseCase(ports, { action: 'read received e-invoices into the Received sheets', reads: ['Settings'], work: () => receiveAll(ports, files) });
}

type Row = Record<string, string | number | boolean>;

function receiveAll(ports: Ports, files: readonly IncomingFile[]): ReceiveReport {
  const existing = ports.tables.read('Received');
  const header = (existing?.headers ?? []).map(String);
  const col = (h: string) => header.indexOf(h);
  const rows = existing?.rows ?? [];
  const seen = new Set(rows.map((r) => `${r[col('Supplier VAT ID')] || r[col('Supplier')]}|${r[col('Number')]}`));
  let seq = rows.length;
  const report: ReceiveReport = { received: [], skipped: [], failed: [] };
  const heads: Row[] = [];
  const lines: Row[] = [];
  const now = ports.clock.now().toISOString();
  for (const f of files) {
    let r: ReceivedInvoice;
    try {
      r = parseEInvoice(xmlOfFile(f));
    } catch (e) {
      report.failed.push({ file: f.name, reason: (e as Error).message });
      continue;
    }
    const key = `${r.seller.vatId || r.seller.name}|${r.number}`;
    if (seen.has(key)) {
      report.skipped.push({ file: f.name, number: r.number, reason: `invoice ${r.number} of ${r.seller.name} is already in Received` });
      continue;
    }
    seen.add(key);
    const receivedId = `RCV-${String(++seq).padStart(6, '0')}`;
    const { status, checked } = findingsOf(f, r);
    heads.push(numeric('Received', toRowValues('Received', receivedRecord(r, { receivedId, receivedAt: now, file: f.name, status, checked }))));
    for (const l of r.lines) {
      const line = { receivedId, lineId: l.id, name: l.name, quantity: l.quantity, unit: l.unitCode, price: l.price, net: l.net, category: l.category, rate: l.rate };
      lines.push(numeric('ReceivedLines', toRowValues('ReceivedLines', line)));
    }
    report.received.push({ file: f.name, receivedId, number: r.number, supplier: r.seller.name, currency: r.currency, payable: r.totals.payable, status, checked });
  }
  // Lines first, then the documents: a document row never lacks its lines.
  if (lines.length) ports.tables.apply('ReceivedLines', { append: lines });
  if (heads.length) ports.tables.apply('Received', { append: heads });
  return report;
}

/** The Validation cell ("valid" or the findings) and which checks ran. */
function findingsOf(f: IncomingFile, r: ReceivedInvoice): { status: string; checked: string } {
  // Our totals check names the amounts; the official rules' finding for the same rule would only repeat it.
  const totals = checkTotals(r);
  const ruleOf = (p: string) => p.split(':')[0];
  const problems = [...totals, ...(f.rules?.errors ?? []).filter((e) => !totals.some((t) => ruleOf(t) === ruleOf(e)))];
  const shown = problems.slice(0, SHOWN_FINDINGS).join('; ') + (problems.length > SHOWN_FINDINGS ? `; and ${problems.length - SHOWN_FINDINGS} more` : '');
  return { status: problems.length ? shown : 'valid', checked: f.rules?.ran.length ? f.rules.ran.join(', ') : 'totals (BR-CO-10..16)' };
}

function receivedRecord(r: ReceivedInvoice, at: { receivedId: string; receivedAt: string; file: string; status: string; checked: string }) {
  return {
    ...at,
    syntax: syntaxName(r),
    typeCode: r.typeCode,
    number: r.number,
    issueDate: r.issueDate,
    dueDate: r.dueDate,
    currency: r.currency,
    supplier: r.seller.name,
    supplierVatId: r.seller.vatId,
    supplierCountry: r.seller.country,
    buyerReference: r.buyerReference,
    net: r.totals.taxExclusive,
    tax: r.totals.tax,
    gross: r.totals.taxInclusive,
    payable: r.totals.payable,
    vatBreakdown: r.vat.map((v) => `${v.category} ${v.rate ?? ''}%: ${v.taxable} → ${v.tax}`).join('; '),
    iban: r.payment.iban,
    bic: r.payment.bic,
    paymentTerms: r.payment.terms,
  };
}
