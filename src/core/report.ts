// Revenue by month, tenant and currency from the ledger: finalized invoices less credit notes;
// drafts, pro-forma invoices and cancelled pairs cancel out or are left out.
import { ZERO, type Decimal } from './money';
import type { Invoice } from './model';

export interface RevenueRow {
  month: string;
  tenantId: string;
  currency: string;
  invoices: number;
  creditNotes: number;
  net: Decimal;
  tax: Decimal;
  gross: Decimal;
}

export function revenueByMonth(invoices: readonly Invoice[]): RevenueRow[] {
  const rows = new Map<string, RevenueRow>();
  for (const i of invoices) {
    if (i.status === 'Draft' || i.type === 'pro_forma' || !i.invoiceDate) continue;
    const month = i.invoiceDate.slice(0, 7);
    const key = `${month}|${i.tenantId}|${i.currency}`;
    const r = rows.get(key) ?? { month, tenantId: i.tenantId, currency: i.currency, invoices: 0, creditNotes: 0, net: ZERO, tax: ZERO, gross: ZERO };
    if (i.type === 'credit_note') r.creditNotes++;
    else r.invoices++;
    r.net = r.net.plus(i.net);
    r.tax = r.tax.plus(i.tax);
    r.gross = r.gross.plus(i.gross);
    rows.set(key, r);
  }
  return [...rows.values()].sort((a, b) => (a.month + a.tenantId + a.currency < b.month + b.tenantId + b.currency ? -1 : 1));
}
