// Tamper evidence: SHA-256 over a canonical form of an invoice and its lines, chained to the
// previous invoice of the same number range. The digest itself comes from the host.
import { D } from './money';
import type { Decimal } from './money';
import type { Invoice, InvoiceDoc, InvoiceLine } from './model';

export type Sha256Hex = (text: string) => string;

const INVOICE_FIELDS: (keyof Invoice)[] = [
  'invoiceId',
  'type',
  'number',
  'tenantId',
  'accountId',
  'subscriptionId',
  'periodStart',
  'periodEnd',
  'invoiceDate',
  'dueDate',
  'currency',
  'net',
  'tax',
  'gross',
  'rounding',
  'payable',
  'taxNote',
  'buyerName',
  'buyerAddress',
  'buyerCountry',
  'buyerVatId',
  'customerType',
  'buyerReference',
  'orderReference',
  'originalInvoiceId',
  'originalNumber',
];
const LINE_FIELDS: (keyof InvoiceLine)[] = [
  'lineNo',
  'kind',
  'itemId',
  'productId',
  'description',
  'serviceStart',
  'serviceEnd',
  'quantity',
  'unit',
  'unitPrice',
  'discountPercent',
  'periodFactor',
  'net',
  'taxCategory',
  'taxRate',
  'exemptionCode',
  'exemptionText',
];

function norm(v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (D.isDecimal(v)) return new D(v as Decimal).toString();
  if (typeof v === 'number') return new D(v).toString();
  return String(v);
}

/** Stable text of what an invoice says (not its status, files or delivery, which may change). */
export function canonicalInvoice(doc: InvoiceDoc): string {
  const head = INVOICE_FIELDS.map((f) => norm(doc.invoice[f]));
  // A credit note's reason counts only when given, appended: the hashes of invoices without one, made before it existed, still verify.
  if (norm(doc.invoice.reason)) head.push(norm(doc.invoice.reason));
  const lines = doc.lines
    .slice()
    .sort((a, b) => a.lineNo - b.lineNo)
    .map((l) => LINE_FIELDS.map((f) => norm(l[f])));
  return JSON.stringify([head, lines]);
}

export function invoiceHash(doc: InvoiceDoc, previousHash: string, sha256: Sha256Hex): string {
  return sha256(`${previousHash}\n${canonicalInvoice(doc)}`);
}
