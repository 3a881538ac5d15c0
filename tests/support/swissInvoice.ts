// A Swiss seller and one of its invoices in CHF, for the QR-bill tests (payload and PNG).
import { D } from '../../src/core/money';
import type { Invoice, Tenant } from '../../src/core/model';

/** The Swiss Payment Standards' example QR-IBAN, and a plain Swiss IBAN. */
export const QR_IBAN = 'CH4431999123000889012';
export const SWISS_IBAN = 'CH9300762011623852957';

export const swissTenant = (iban: string, o: Partial<Tenant> = {}): Tenant => ({
  tenantId: 'CH',
  legalName: 'Beispiel AG',
  street: 'Bahnhofstrasse 1',
  postalCode: '8001',
  city: 'Zürich',
  country: 'CH',
  currency: 'CHF',
  iban,
  vatId: 'CHE-123.456.789 MWST',
  ...o,
});

export const swissInvoice = (o: Partial<Invoice> = {}): Invoice => ({
  invoiceId: 'I-000001',
  key: 'K',
  type: 'invoice',
  status: 'Open',
  number: 'CH-2026-0042',
  tenantId: 'CH',
  accountId: 'C1',
  invoiceDate: '2026-11-30',
  dueDate: '2026-12-30',
  currency: 'CHF',
  net: new D('1000.00'),
  tax: new D('81.00'),
  gross: new D('1081.00'),
  rounding: new D(0),
  payable: new D('1081.00'),
  buyerName: 'Kunde AG',
  buyerAddress: 'Gasse 3, 3000 Bern',
  buyerCountry: 'CH',
  ...o,
});
