// Plain, serialisable summaries for the sidebar, the CLI and tests (no Decimal, no Date).
import type { Invoice, InvoiceLine } from '../core/model';
import { type Decimal, formatAmount, minorUnits, type RoundingMode } from '../core/money';
import { computeTotals } from '../core/totals';
import { formatError, type RowError } from '../core/table';

export interface InvoiceSummary {
  invoiceId: string;
  number?: string;
  type: Invoice['type'];
  status: Invoice['status'];
  tenantId: string;
  accountId: string;
  buyerName?: string;
  subscriptionId?: string;
  invoiceDate?: string;
  currency: string;
  net: string;
  tax: string;
  gross: string;
  payable: string;
  warnings?: string;
}

export function summarize(i: Invoice): InvoiceSummary {
  const m = (v: Invoice['net']) => formatAmount(v, i.currency);
  return {
    invoiceId: i.invoiceId,
    number: i.number,
    type: i.type,
    status: i.status,
    tenantId: i.tenantId,
    accountId: i.accountId,
    buyerName: i.buyerName,
    subscriptionId: i.subscriptionId,
    invoiceDate: i.invoiceDate,
    currency: i.currency,
    net: m(i.net),
    tax: m(i.tax),
    gross: m(i.gross),
    payable: m(i.payable),
    warnings: i.warnings,
  };
}

export interface ErrorSummary {
  sheet: string;
  row: number;
  column: string;
  value: string;
  message: string;
  text: string;
}

export function summarizeError(e: RowError): ErrorSummary {
  return { ...e, sheet: String(e.sheet), text: formatError(e) };
}

/** One invoice line as scripts read it: amounts and quantities as exact decimal strings. */
export interface LineSummary {
  lineNo: number;
  productId?: string;
  description: string;
  serviceStart?: string;
  serviceEnd?: string;
  quantity: string;
  /** The unit code of the sheet (UN/ECE Rec 20, e.g. C62, HUR, MON). */
  unit?: string;
  unitPrice: string;
  discountPercent?: string;
  net: string;
  taxCategory: string;
  taxRate: string;
}

/** Tax per category and rate, as on the invoice (EN 16931: rounded once per group). */
export interface TaxGroupSummary {
  category: string;
  rate: string;
  taxable: string;
  tax: string;
  exemptionText?: string;
}

/** An invoice with its lines, tax breakdown, cash rounding and notes: enough to check it without the workbook. */
export interface InvoiceDetail extends InvoiceSummary {
  lines: LineSummary[];
  taxBreakdown: TaxGroupSummary[];
  /** Cash rounding of the payable amount (payable = gross + rounding). */
  rounding: string;
  /** The legal notes printed on the invoice (reverse charge, exemption). */
  taxNote?: string;
}

/** The summary of an invoice with its lines; the tax groups are computed from the lines as the engine does. */
export function detail(i: Invoice, lines: readonly InvoiceLine[], mode?: RoundingMode): InvoiceDetail {
  const m = (v: Decimal) => formatAmount(v, i.currency);
  const exact = (v: Decimal | undefined) => v?.toFixed();
  // A unit price keeps every decimal it has (0.0125), and at least the currency's (890.00).
  const price = (v: Decimal) => v.toFixed(Math.max(v.decimalPlaces(), minorUnits(i.currency)));
  const sorted = [...lines].sort((a, b) => a.lineNo - b.lineNo);
  return {
    ...summarize(i),
    lines: sorted.map((l) => ({
      lineNo: l.lineNo,
      productId: l.productId,
      description: l.description,
      serviceStart: l.serviceStart,
      serviceEnd: l.serviceEnd,
      quantity: l.quantity.toFixed(),
      unit: l.unit,
      unitPrice: price(l.unitPrice),
      discountPercent: exact(l.discountPercent),
      net: m(l.net),
      taxCategory: l.taxCategory,
      taxRate: l.taxRate.toFixed(),
    })),
    taxBreakdown: computeTotals(sorted, { currency: i.currency, mode }).groups.map((g) => ({
      category: g.category,
      rate: g.rate.toFixed(),
      taxable: m(g.taxable),
      tax: m(g.tax),
      exemptionText: g.exemptionText,
    })),
    rounding: m(i.rounding),
    taxNote: i.taxNote,
  };
}
