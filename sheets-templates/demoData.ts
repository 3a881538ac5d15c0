// The demo workbook's rows (keyed by schema column): two tenants (a German GmbH in EUR, a Swiss AG
// in CHF), customers in DE, AT, FR, NL, CH and the US, every billing period and price model.
import type { Cell } from '../src/core/cells';
import type { TableName } from '../src/core/schema';

export type Rows = Partial<Record<TableName, Record<string, Cell>[]>>;

/** The hand-made core of the demo (8 customers): tests check its totals by hand. */
export function coreDemoRows(): Rows {
  return {
    Settings: [
      { tenantId: 'DE', legalName: 'Nordlicht Software GmbH', street: 'Torstraße 12', postalCode: '10119', city: 'Berlin', country: 'DE', vatId: 'DE812345678', email: 'billing@nordlicht.example', phone: '+49 30 5550 1234', contactName: 'Jana Krüger', creditorId: 'DE98ZZZ09999999999', currency: 'EUR', language: 'de', locale: 'de', paymentTermsDays: 14, iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', numberFormat: 'RE-{yyyy}-{seq:5}', creditNumberFormat: 'GS-{yyyy}-{seq:5}' },
      { tenantId: 'CH', legalName: 'Alpenblick Services AG', street: 'Bahnhofstrasse 5', postalCode: '8001', city: 'Zürich', country: 'CH', vatId: 'CHE-123.456.789 MWST', email: 'rechnung@alpenblick.example', phone: '+41 44 555 12 34', contactName: 'Urs Meier', currency: 'CHF', language: 'de', paymentTermsDays: 30, cashRounding: 0.05, numberFormat: 'CH-{yyyy}-{seq:4}', creditNumberFormat: 'CHG-{yyyy}-{seq:4}' },
    ],
    Accounts: [
      { accountId: 'ACC-001', name: 'Bäckerei Müller & Söhne KG', status: 'Active', customerType: 'B2B', street: 'Marktplatz 3', postalCode: '80331', city: 'München', country: 'DE', vatId: 'DE298765432', eInvoiceFormat: 'zugferd' },
      { accountId: 'ACC-002', name: 'Wiener Design OG', status: 'Active', customerType: 'B2B', street: 'Ringstraße 8', postalCode: '1010', city: 'Wien', country: 'AT', vatId: 'ATU12345678' },
      { accountId: 'ACC-003', name: 'Éditions Léon SARL', status: 'Active', customerType: 'B2B', street: '12 rue de Rivoli', postalCode: '75001', city: 'Paris', country: 'FR', vatId: 'FR40303265045', language: 'fr' },
      { accountId: 'ACC-004', name: 'Jan de Vries', status: 'Active', customerType: 'B2C', street: 'Prinsengracht 1', postalCode: '1015', city: 'Amsterdam', country: 'NL', language: 'en' },
      { accountId: 'ACC-005', name: 'Acme Corp.', status: 'Active', customerType: 'B2B', street: '1 Market St', postalCode: '94105', city: 'San Francisco', country: 'US', language: 'en', currency: 'USD' },
      { accountId: 'ACC-006', name: 'Stadtwerke Musterstadt', status: 'Active', customerType: 'B2B', street: 'Am Rathaus 1', postalCode: '12345', city: 'Musterstadt', country: 'DE', vatId: 'DE111222333', buyerReference: '04011000-12345-67' },
      { accountId: 'ACC-101', name: 'Gipfel Treuhand GmbH', status: 'Active', customerType: 'B2B', street: 'Seestrasse 10', postalCode: '6004', city: 'Luzern', country: 'CH', tenantId: 'CH' },
      { accountId: 'ACC-102', name: 'Lara Brunner', status: 'Active', customerType: 'B2C', street: 'Dorfstrasse 2', postalCode: '3000', city: 'Bern', country: 'CH', tenantId: 'CH' },
    ],
    Contacts: [
      { contactId: 'C-1', accountId: 'ACC-001', name: 'Anna Müller', email: 'anna@baeckerei-mueller.example', role: 'invoice' },
      { contactId: 'C-2', accountId: 'ACC-001', name: 'Steuerbüro', email: 'kanzlei@steuer.example', role: 'cc' },
      { contactId: 'C-3', accountId: 'ACC-005', name: 'AP', email: 'ap@acme.example', role: 'invoice' },
      { contactId: 'C-4', accountId: 'ACC-005', name: 'Controller', email: 'controller@acme.example', role: 'bcc' },
      { contactId: 'C-5', accountId: 'ACC-002', name: 'Office', email: 'office@wiener-design.example', role: 'invoice' },
      { contactId: 'C-6', accountId: 'ACC-003', name: 'Comptabilité', email: 'compta@editions-leon.example', role: 'invoice' },
      { contactId: 'C-7', accountId: 'ACC-004', name: 'Jan de Vries', email: 'jan@devries.example', role: 'invoice' },
      { contactId: 'C-8', accountId: 'ACC-006', name: 'Rechnungseingang', email: 'rechnung@stadtwerke-musterstadt.example', role: 'invoice' },
      { contactId: 'C-9', accountId: 'ACC-006', name: 'Newsletter', email: 'info@stadtwerke-musterstadt.example', role: 'mailing' },
      { contactId: 'C-10', accountId: 'ACC-101', name: 'Buchhaltung', email: 'buchhaltung@gipfel.example', role: 'invoice' },
      { contactId: 'C-11', accountId: 'ACC-102', name: 'Lara Brunner', email: 'lara@brunner.example', role: 'invoice' },
    ],
    Products: [
      { productId: 'PLAN-S', name: 'Cloud Plan S', unit: 'MON', price: 49, taxClass: 'standard', priceModel: 'per_unit' },
      { productId: 'PLAN-USD', name: 'Cloud Plan S (USD)', unit: 'MON', price: 59, currency: 'USD', taxClass: 'standard', priceModel: 'per_unit' },
      { productId: 'SEAT', name: 'User seat', unit: 'C62', price: 9.99, taxClass: 'standard', priceModel: 'volume', tiers: '1-10: 9.99; 11-50: 8.99; 51+: 7.99' },
      { productId: 'SUPPORT', name: 'Premium support', unit: 'MON', price: 150, taxClass: 'standard', priceModel: 'flat' },
      { productId: 'SETUP', name: 'Onboarding workshop', unit: 'C62', price: 890, taxClass: 'standard', priceModel: 'per_unit' },
      { productId: 'API', name: 'API calls (thousands)', unit: 'C62', price: 0, taxClass: 'standard', priceModel: 'graduated', tiers: '0-100: 0.50; 100-1000: 0.40 + 10; 1000+: 0.25' },
      { productId: 'STORAGE', name: 'Storage (GB)', unit: 'E34', price: 5, taxClass: 'standard', priceModel: 'package', packageSize: 50, freeUnits: 20 },
      { productId: 'BOOK', name: 'Handbuch (print)', unit: 'C62', price: 29.9, taxClass: 'reduced', priceModel: 'per_unit' },
      { productId: 'CH-PLAN', name: 'Treuhand Cloud', unit: 'MON', price: 120, currency: 'CHF', taxClass: 'standard', priceModel: 'per_unit' },
    ],
    Subscriptions: [
      { subscriptionId: 'SUB-001', accountId: 'ACC-001', status: 'Active', startDate: '2026-01-01', billingPeriod: 'monthly', billingTiming: 'advance', alignment: 'calendar', orderReference: 'PO-4711' },
      { subscriptionId: 'SUB-002', accountId: 'ACC-002', status: 'Active', startDate: '2026-11-15', billingPeriod: 'quarterly', billingTiming: 'advance', alignment: 'calendar' },
      { subscriptionId: 'SUB-003', accountId: 'ACC-003', status: 'Active', startDate: '2025-12-01', billingPeriod: 'annual', billingTiming: 'arrears', alignment: 'start' },
      { subscriptionId: 'SUB-004', accountId: 'ACC-004', status: 'Active', startDate: '2026-03-10', billingPeriod: 'monthly', billingTiming: 'advance', alignment: 'start' },
      { subscriptionId: 'SUB-005', accountId: 'ACC-005', status: 'Active', startDate: '2026-06-01', billingPeriod: 'semiannual', billingTiming: 'advance', alignment: 'start' },
      { subscriptionId: 'SUB-006', accountId: 'ACC-006', status: 'Active', startDate: '2026-01-01', endDate: '2026-11-20', billingPeriod: 'monthly', billingTiming: 'arrears', alignment: 'calendar', priceIncreasePercent: 5, priceIncreaseFrom: '2026-11-01' },
      { subscriptionId: 'SUB-101', accountId: 'ACC-101', status: 'Active', startDate: '2026-01-01', billingPeriod: 'monthly', billingTiming: 'advance' },
      { subscriptionId: 'SUB-102', accountId: 'ACC-102', status: 'Active', startDate: '2026-11-01', billingPeriod: 'monthly', billingTiming: 'advance' },
    ],
    Items: [
      { itemId: 'IT-001', subscriptionId: 'SUB-001', productId: 'PLAN-S', quantity: 1, billingType: 'recurring', status: 'Active', billedUntil: '2026-10-31' },
      { itemId: 'IT-002', subscriptionId: 'SUB-001', productId: 'SEAT', quantity: 12, billingType: 'recurring', status: 'Active', discountPercent: 10, billedUntil: '2026-10-31' },
      { itemId: 'IT-003', subscriptionId: 'SUB-001', productId: 'API', billingType: 'usage', status: 'Active' },
      { itemId: 'IT-004', subscriptionId: 'SUB-002', productId: 'PLAN-S', quantity: 2, billingType: 'recurring', status: 'Active' },
      { itemId: 'IT-005', subscriptionId: 'SUB-002', productId: 'SETUP', quantity: 1, billingType: 'one_time', status: 'Active' },
      { itemId: 'IT-006', subscriptionId: 'SUB-003', productId: 'SUPPORT', quantity: 1, billingType: 'recurring', status: 'Active', unitPrice: 1500 },
      { itemId: 'IT-007', subscriptionId: 'SUB-004', productId: 'PLAN-S', quantity: 1, billingType: 'recurring', status: 'Active', billedUntil: '2026-11-09' },
      { itemId: 'IT-008', subscriptionId: 'SUB-004', productId: 'BOOK', quantity: 1, billingType: 'one_time', status: 'Active', startDate: '2026-11-20' },
      { itemId: 'IT-009', subscriptionId: 'SUB-005', productId: 'PLAN-USD', quantity: 3, billingType: 'recurring', status: 'Active', billedUntil: '2026-11-30' },
      { itemId: 'IT-010', subscriptionId: 'SUB-005', productId: 'STORAGE', billingType: 'usage', status: 'Active' },
      { itemId: 'IT-011', subscriptionId: 'SUB-006', productId: 'PLAN-S', quantity: 4, billingType: 'recurring', status: 'Active', billedUntil: '2026-10-31' },
      { itemId: 'IT-101', subscriptionId: 'SUB-101', productId: 'CH-PLAN', quantity: 1, billingType: 'recurring', status: 'Active', billedUntil: '2026-10-31', discountPercent: 3.3 },
      { itemId: 'IT-102', subscriptionId: 'SUB-102', productId: 'CH-PLAN', quantity: 1, billingType: 'recurring', status: 'Active', unitPrice: 33.33 },
    ],
    Transactions: [
      { transactionId: 'TX-1', subscriptionId: 'SUB-001', productId: 'API', date: '2026-11-03', quantity: 420 },
      { transactionId: 'TX-2', subscriptionId: 'SUB-001', productId: 'API', date: '2026-11-17', quantity: 815.5 },
      { transactionId: 'TX-3', subscriptionId: 'SUB-001', productId: 'API', date: '2026-10-28', quantity: 300 },
      { transactionId: 'TX-4', subscriptionId: 'SUB-005', productId: 'STORAGE', date: '2026-11-30', quantity: 133 },
    ],
    TaxRules: [
      { ruleId: 'DE-S', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'standard', customerType: '*', rate: 19, category: 'S' },
      { ruleId: 'DE-R', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'reduced', customerType: '*', rate: 7, category: 'S' },
      { ruleId: 'DE-EU-B2B', sellerCountry: 'DE', buyerCountry: 'EU', taxClass: '*', customerType: 'B2B', rate: 0, category: 'AE', exemptionCode: 'VATEX-EU-AE', exemptionText: 'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL)' },
      { ruleId: 'DE-NL-B2C', sellerCountry: 'DE', buyerCountry: 'NL', taxClass: 'standard', customerType: 'B2C', rate: 21, category: 'S' },
      { ruleId: 'DE-NL-B2C-R', sellerCountry: 'DE', buyerCountry: 'NL', taxClass: 'reduced', customerType: 'B2C', rate: 9, category: 'S' },
      { ruleId: 'DE-EXPORT', sellerCountry: 'DE', buyerCountry: 'NON-EU', taxClass: '*', customerType: '*', rate: 0, category: 'G', exemptionCode: 'VATEX-EU-G', exemptionText: 'Nicht im Inland steuerbare Leistung (Export)' },
      { ruleId: 'CH-S', sellerCountry: 'CH', buyerCountry: 'CH', taxClass: 'standard', customerType: '*', rate: 8.1, category: 'S' },
    ],
  };
}
