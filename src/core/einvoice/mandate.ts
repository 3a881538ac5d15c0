// Which e-invoice an invoice gets, including the German mandate (§14 Abs. 1 UStG with the transition
// of §27 Abs. 38 UStG): from invoice dates on or after 2027-01-01 a German seller's domestic B2B
// invoices are e-invoices. Issuers whose prior-year turnover was at most EUR 800,000 may send other
// formats until 2027-12-31 (Settings E-Invoice Transition "small-issuer": the default from 2028-01-01).
// Under the mandate the default is the Factur-X EN 16931 hybrid PDF, or XRechnung (UBL) for a buyer
// with a buyer reference / Leitweg-ID. An explicit format (account, else tenant) still wins, but
// "none" for an invoice under the mandate needs the account's reason in E-Invoice Opt-Out: without
// one the invoice gets the default e-invoice and a warning says why. The invoice date decides (the
// one it is finalized with); a draft's run date gives the format it is expected to get.
import type { Account, EInvoiceFormat, Invoice, Tenant } from '../model';

export type { EInvoiceFormat };

/** The first invoice date under the mandate, per Settings E-Invoice Transition. */
export const MANDATE_FROM = { standard: '2027-01-01', 'small-issuer': '2028-01-01' } as const;

export interface EInvoiceChoice {
  format: EInvoiceFormat;
  /** The invoice falls under the German mandate. */
  mandated: boolean;
  /** Why the format differs from what the sheets say (E-Invoice Format none without a reason): English, naming row, column and account. */
  warning?: string;
  /** The account's reason, when an invoice under the mandate gets no e-invoice. */
  optOut?: string;
}

export interface ChoiceFacts {
  /** The invoice date (finalized), or the date a draft is expected to be issued on. */
  invoiceDate?: string;
  /** The invoice's buyer snapshot: country and customer type as invoiced (default: the account's). */
  invoice?: Pick<Invoice, 'buyerCountry' | 'customerType'>;
  /** The account's sheet row, for the warning. */
  accountRow?: number;
}

/** True if the German mandate applies: German seller, German B2B buyer, invoice dated on or after the tenant's start date. */
export function underMandate(t: Tenant, a: Account | undefined, f: ChoiceFacts): boolean {
  const buyerCountry = (f.invoice?.buyerCountry ?? a?.country ?? '').toUpperCase();
  const b2b = (f.invoice?.customerType ?? a?.customerType) === 'B2B';
  const from = MANDATE_FROM[t.eInvoiceTransition ?? 'standard'];
  return t.country.toUpperCase() === 'DE' && buyerCountry === 'DE' && b2b && !!f.invoiceDate && f.invoiceDate >= from;
}

/** The e-invoice of one invoice, why it may differ from the sheets, and an opt-out reason kept. */
export function eInvoiceChoice(t: Tenant, a: Account | undefined, f: ChoiceFacts = {}): EInvoiceChoice {
  const mandated = underMandate(t, a, f);
  const fallback: EInvoiceFormat = a?.buyerReference ? 'xrechnung-ubl' : mandated ? 'zugferd' : 'none';
  const explicit = a?.eInvoiceFormat ?? t.eInvoiceFormat;
  if (!explicit) return { format: fallback, mandated };
  if (explicit !== 'none' || !mandated) return { format: explicit, mandated };
  const reason = a?.eInvoiceOptOut?.trim();
  if (reason) return { format: 'none', mandated, optOut: reason };
  const where = a?.eInvoiceFormat ? 'E-Invoice Format is "none"' : `E-Invoice Format is "none" in Settings (${t.tenantId})`;
  const row = f.accountRow ? ` row ${f.accountRow}` : '';
  return {
    format: fallback,
    mandated,
    warning:
      `Accounts${row}, column E-Invoice Opt-Out (account ${a?.accountId ?? '?'}): ${where}, but the German e-invoice mandate applies to this invoice ` +
      `(domestic B2B, dated ${f.invoiceDate}); without a reason there it gets the ${fallback === 'zugferd' ? 'Factur-X (zugferd)' : 'XRechnung (xrechnung-ubl)'} e-invoice`,
  };
}

/** The format alone: eInvoiceChoice(…).format. Without an invoice date, the format outside the mandate. */
export function formatFor(t: Tenant, a: Account | undefined, f: ChoiceFacts = {}): EInvoiceFormat {
  return eInvoiceChoice(t, a, f).format;
}
