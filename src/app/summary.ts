// Plain, serialisable summaries for the sidebar, the CLI and tests (no Decimal, no Date).
import type { Invoice } from '../core/model';
import { formatAmount } from '../core/money';
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
