// Gapless invoice numbers: one counter per number range (tenant × document type × optional
// yearly/monthly reset), formatted by a template with tokens.
import type { IsoDate } from './dates';
import { BillingError } from './errors';
import type { InvoiceType, Tenant } from './model';

export const DEFAULT_FORMATS: Record<InvoiceType, string> = {
  invoice: 'INV-{yyyy}-{seq:5}',
  credit_note: 'CN-{yyyy}-{seq:5}',
  pro_forma: 'PF-{yyyy}-{seq:5}',
  prepayment: 'INV-{yyyy}-{seq:5}',
  partial: 'INV-{yyyy}-{seq:5}',
  final: 'INV-{yyyy}-{seq:5}',
};

/** Prepayment and partial invoices count in their own range only when the tenant gives them a format. */
export function rangeType(t: Tenant, type: InvoiceType): InvoiceType {
  if (type === 'final') return 'invoice';
  if ((type === 'prepayment' || type === 'partial') && !t.prepaymentNumberFormat) return 'invoice';
  return type === 'partial' ? 'prepayment' : type;
}

export function numberFormat(t: Tenant, type: InvoiceType): string {
  const r = rangeType(t, type);
  const f = r === 'invoice' ? t.numberFormat : r === 'credit_note' ? t.creditNumberFormat : r === 'pro_forma' ? t.proFormaNumberFormat : t.prepaymentNumberFormat;
  return f ?? DEFAULT_FORMATS[r];
}

/** Range key: which counter a number comes from. */
export function rangeKey(t: Tenant, type: InvoiceType, date: IsoDate): string {
  const reset = t.numberReset ?? 'none';
  const period = reset === 'yearly' ? date.slice(0, 4) : reset === 'monthly' ? date.slice(0, 7) : '*';
  return `${t.tenantId}/${rangeType(t, type)}/${period}`;
}

/** Tokens: {yyyy} {yy} {mm} {seq} {seq:N} (zero-padded to N digits) {tenant}. */
export function formatNumber(format: string, seq: number, date: IsoDate, tenantId: string): string {
  if (!/\{seq(:\d+)?\}/.test(format)) throw new BillingError(`number format "${format}" has no {seq} token`);
  return format.replace(/\{(yyyy|yy|mm|seq(?::(\d+))?|tenant)\}/g, (_m, token: string, width?: string) => {
    if (token === 'yyyy') return date.slice(0, 4);
    if (token === 'yy') return date.slice(2, 4);
    if (token === 'mm') return date.slice(5, 7);
    if (token === 'tenant') return tenantId;
    return String(seq).padStart(width ? Number(width) : 1, '0');
  });
}
