// What the German e-invoice mandate says about an invoice, for the reviewer: an account whose
// E-Invoice Format is "none" without a reason in E-Invoice Opt-Out (the invoice gets the default
// e-invoice anyway), and the reason kept when it is given (no e-invoice). Drafts show it in their
// Warnings (by the run's invoice date, else today: the date they are expected to be issued on);
// the documents step logs it for the invoice as finalized (core/einvoice/mandate.ts decides).
import type { Dataset } from '../core/dataset';
import { eInvoiceChoice, type EInvoiceChoice } from '../core/einvoice';
import type { Account, Invoice, InvoiceDoc, Tenant } from '../core/model';

/** The mandate's choice for one invoice, with the account's row in its warning. */
export function mandateChoice(t: Tenant, a: Account | undefined, inv: Invoice, date: string | undefined, rowOf: (accountId: string) => number | undefined): EInvoiceChoice {
  const facts = { invoiceDate: date, invoice: inv };
  const choice = eInvoiceChoice(t, a, facts);
  return choice.warning ? eInvoiceChoice(t, a, { ...facts, accountRow: rowOf(inv.accountId) }) : choice;
}

/** The text a reviewer reads: the warning, or the opt-out reason kept. */
export function mandateNote(c: EInvoiceChoice, accountId: string): string | undefined {
  if (c.warning) return c.warning;
  if (c.optOut) return `no e-invoice although the German e-invoice mandate applies: account ${accountId} opted out (E-Invoice Opt-Out: ${c.optOut})`;
  return undefined;
}

/** Adds the mandate's note to each draft's Warnings; `today` stands for a draft without an invoice date. */
export function addMandateWarnings(ds: Dataset, drafts: readonly InvoiceDoc[], today: string): void {
  const rowOf = (accountId: string) => ds.accountRow.get(accountId);
  for (const { invoice: inv } of drafts) {
    const tenant = ds.tenantById.get(inv.tenantId);
    if (!tenant || inv.type === 'pro_forma') continue;
    const note = mandateNote(mandateChoice(tenant, ds.accounts.get(inv.accountId), inv, inv.invoiceDate ?? today, rowOf), inv.accountId);
    if (note) inv.warnings = [inv.warnings, note].filter(Boolean).join('; ');
  }
}
