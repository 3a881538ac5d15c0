// A project's prepayment, partial and final invoices made by hand and finalized, for the scenario
// and e-invoice tests of Anzahlungs-, Abschlags- and Schlussrechnungen.
import { createManualInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import type { Dataset } from '../../src/core/dataset';
import type { Invoice, InvoiceLine } from '../../src/core/model';
import { account, DE_TENANT, ports, type Rows } from './fixtures';

export const SELLER = {
  ...DE_TENANT,
  phone: '+49 30 1234567',
  email: 'rechnung@muster.example',
  contactName: 'Erika Mustermann',
  bic: 'COBADEFFXXX',
  creditorId: 'DE98ZZZ09999999999',
  prepaymentNumberFormat: 'AR-{yyyy}-{seq:5}',
};
export const RULES_19 = [{ ruleId: 'DE-S', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'standard', customerType: '*', rate: 19, category: 'S' }];
/** 16 % until the end of 2026, 19 % from 2027 (a rate change between prepayment and final invoice). */
export const RULES_16_19 = [
  { ruleId: 'DE-S16', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'standard', customerType: '*', rate: 16, category: 'S', validTo: '2026-12-31' },
  { ruleId: 'DE-S19', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'standard', customerType: '*', rate: 19, category: 'S', validFrom: '2027-01-01' },
];

export function projectWorkbook(taxRules = RULES_19, extra: Rows = {}) {
  return ports(
    {
      Settings: [SELLER],
      TaxRules: taxRules,
      Accounts: [account('A1', { language: 'de' })],
      Contacts: [{ contactId: 'C-A1', accountId: 'A1', email: 'ap@a1.example', role: 'invoice' }],
      ...extra,
    },
    '2027-03-01T12:00:00Z',
  );
}

type P = ReturnType<typeof projectWorkbook>;

/** A manual invoice of project P-100, finalized on its date; its ledger record. */
export function issue(
  p: P,
  type: 'prepayment' | 'partial' | 'final',
  invoiceDate: string,
  lines: { description: string; quantity: string; unitPrice: string; serviceStart?: string; serviceEnd?: string }[],
): Invoice {
  const draft = createManualInvoice(p, { accountId: 'A1', type, project: 'P-100', invoiceDate, lines });
  const fin = finalizeInvoices(p, { invoiceIds: [draft.invoiceId] });
  if (fin.failed.length) throw new Error(`${type} ${invoiceDate} not finalized: ${JSON.stringify(fin.failed)}`);
  return recordOf(readDataset(p), draft.invoiceId);
}

export const recordOf = (ds: Dataset, id: string) => ds.invoices.find((r) => r.record.invoiceId === id)!.record;
export const linesOf = (ds: Dataset, id: string): InvoiceLine[] => (ds.linesByInvoice.get(id) ?? []).map((r) => r.record);
/** The 30 % prepayment, a 40 % partial invoice and the final invoice of a 10,000.00 EUR service at 19 %. */
export function threeInvoices(p: P = projectWorkbook()) {
  const prepayment = issue(p, 'prepayment', '2027-01-15', [{ description: 'Anzahlung 30 % Projekt P-100', quantity: '1', unitPrice: '3000.00' }]);
  const partial = issue(p, 'partial', '2027-02-01', [{ description: 'Abschlag 40 % Projekt P-100', quantity: '1', unitPrice: '4000.00' }]);
  const final = issue(p, 'final', '2027-02-20', [{ description: 'Softwareprojekt P-100', quantity: '1', unitPrice: '10000.00', serviceStart: '2027-01-15', serviceEnd: '2027-02-15' }]);
  return { p, ds: readDataset(p), prepayment, partial, final };
}
