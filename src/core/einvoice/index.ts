// The e-invoice of a finalized invoice or credit note in the format its customer gets.
import { isValidBIC, isValidIBAN } from 'ibantools';
import { BillingError } from '../errors';
import type { InvoiceDoc } from '../model';
import { toCii } from './cii';
import { eInvoiceChoice, type EInvoiceFormat } from './mandate';
import { invoiceTerms, type EInvoice, type TermsContext } from './terms';
import { toUbl } from './ubl';

export type { EInvoiceChoice, EInvoiceFormat } from './mandate';
export { eInvoiceChoice, formatFor, MANDATE_FROM, underMandate } from './mandate';

/**
 * What XRechnung requires beyond EN 16931 that only the user can supply (BR-DE-2..9, BR-DE-15,
 * Peppol R010/R020), named by sheet and column so it can be fixed.
 */
export function xrechnungProblems(e: EInvoice, tenantId: string, accountId: string): string[] {
  const out: string[] = [];
  const s = e.seller;
  if (!s.city || !s.postalCode) out.push(`Settings (${tenantId}): City and Postal Code are required (BR-DE-3, BR-DE-4)`);
  if (!s.contact.phone) out.push(`Settings (${tenantId}): Phone is required for the seller contact (BR-DE-6)`);
  if (!s.contact.email) out.push(`Settings (${tenantId}): Email is required for the seller contact and electronic address (BR-DE-7, PEPPOL-EN16931-R020)`);
  if (!e.buyer.city || !e.buyer.postalCode) out.push(`Accounts (${accountId}): City and Postal Code are required (BR-DE-8, BR-DE-9)`);
  if (e.payment.iban && !isValidIBAN(e.payment.iban)) out.push(`Settings (${tenantId}): IBAN "${e.payment.iban}" is not a valid IBAN (BR-DE-19)`);
  if (e.payment.bic && !isValidBIC(e.payment.bic)) out.push(`Settings (${tenantId}): BIC "${e.payment.bic}" is not a valid BIC`);
  if (e.payment.mandate?.debitedIban && !isValidIBAN(e.payment.mandate.debitedIban.replace(/\s+/g, '')))
    out.push(`Accounts (${accountId}): IBAN "${e.payment.mandate.debitedIban}" is not a valid IBAN`);
  if (e.payment.mandate && !s.creditorId) out.push(`Settings (${tenantId}): Creditor ID is required for direct debit (BR-DE-30)`);
  if (e.payment.mandate && !e.payment.mandate.debitedIban) out.push(`Accounts (${accountId}): IBAN is required for direct debit (BR-DE-31)`);
  if (!e.buyer.endpoint) out.push(`Contacts (${accountId}): an active contact with role "invoice" gives the buyer's electronic address (PEPPOL-EN16931-R010)`);
  return out;
}

export interface EInvoiceFile {
  format: Exclude<EInvoiceFormat, 'none'>;
  xml: string;
  /** "<number>_<date>.xml" ("factur-x.xml" inside the PDF for ZUGFeRD). */
  extension: 'xml';
}

/** The e-invoice a finalized invoice gets, by its invoice date (the German mandate) and the sheets. */
export function choiceOf(doc: InvoiceDoc, c: Pick<TermsContext, 'tenant' | 'account'>, accountRow?: number) {
  return eInvoiceChoice(c.tenant, c.account, { invoiceDate: doc.invoice.invoiceDate, invoice: doc.invoice, accountRow });
}

/** The XML, or a BillingError listing what is missing; undefined when the customer gets none. */
export function eInvoice(doc: InvoiceDoc, c: TermsContext, format: EInvoiceFormat = choiceOf(doc, c).format): EInvoiceFile | undefined {
  if (format === 'none' || doc.invoice.type === 'pro_forma') return undefined;
  const e = invoiceTerms(doc, c);
  if (format !== 'zugferd') {
    const problems = xrechnungProblems(e, c.tenant.tenantId, doc.invoice.accountId);
    if (problems.length) throw new BillingError(`${doc.invoice.number}: no XRechnung: ${problems.join('; ')}`);
  }
  const xml = format === 'xrechnung-ubl' ? toUbl(e) : toCii(e, format === 'zugferd' ? 'facturx-en16931' : 'xrechnung');
  return { format, xml, extension: 'xml' };
}
