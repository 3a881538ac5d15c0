// Invoices of 100.00 EUR net at 19 % (119.00 EUR) dated 2027-01-01, due 2027-01-15: one paid by
// transfer, one by SEPA direct debit (mandate M-4711, IBAN ending 1234), in the account's language.
import { createManualInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { documentText } from '../../src/core/docText';
import type { Dataset } from '../../src/core/dataset';
import type { Invoice } from '../../src/core/model';
import { account, ports } from './fixtures';
import { SELLER } from './projectInvoices';

export const DEBTOR_IBAN = 'DE21370400440000001234';

export function paymentLedger(language: 'de' | 'en' | 'fr' = 'de') {
  const p = ports(
    {
      Settings: [SELLER],
      Accounts: [account('T1', { language }), account('D1', { language, paymentMethod: 'direct_debit', mandateReference: 'M-4711', mandateDate: '2026-10-01', iban: DEBTOR_IBAN })],
      Contacts: ['T1', 'D1'].map((a) => ({ contactId: `C-${a}`, accountId: a, email: `ap@${a.toLowerCase()}.example`, role: 'invoice' })),
    },
    '2027-01-01T12:00:00Z',
  );
  const ids = ['T1', 'D1'].map((a) => createManualInvoice(p, { accountId: a, invoiceDate: '2027-01-01', lines: [{ description: 'Beratung', quantity: '1', unitPrice: '100.00' }] }).invoiceId);
  const fin = finalizeInvoices(p, { invoiceIds: ids });
  if (fin.failed.length) throw new Error(JSON.stringify(fin.failed));
  const ds = readDataset(p);
  const of = (id: string) => ds.invoices.find((r) => r.record.invoiceId === id)!.record;
  return { ds, transfer: of(ids[0]), debit: of(ids[1]) };
}

export function textOf(ds: Dataset, inv: Invoice) {
  return documentText({ invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((r) => r.record) }, ds.tenantById.get(inv.tenantId)!, ds.accounts.get(inv.accountId));
}
