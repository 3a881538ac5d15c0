// Targeted cases, each valid in every format against XSD, EN 16931, XRechnung and the adopted
// Peppol rules: reverse charge, intra-community supply, export, exempt, mixed rates, 100 lines,
// discount lines, a cancellation's credit note, a partial credit, CHF cash rounding, SEPA direct
// debit, and a name with &, <, umlauts and emoji.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import type { Rows } from '../support/fixtures';
import { CH_TENANT, DE_TENANT, TAX_RULES, account, item, ports, product, subscription } from '../support/fixtures';
import { problemsOf, xmlOf } from '../support/einvoiceCases';

const SELLER = { ...DE_TENANT, phone: '+49 30 1234567', email: 'rechnung@muster.example', contactName: 'Erika Mustermann', bic: 'COBADEFFXXX', creditorId: 'DE98ZZZ09999999999' };
const contact = (accountId: string) => ({ contactId: `C-${accountId}`, accountId, email: `ap@${accountId.toLowerCase()}.example`, role: 'invoice' });
const RULES = [
  ...TAX_RULES,
  {
    ruleId: 'DE-EU-GOODS',
    sellerCountry: 'DE',
    buyerCountry: 'EU',
    taxClass: 'goods',
    customerType: 'B2B',
    rate: 0,
    category: 'K',
    exemptionCode: 'VATEX-EU-IC',
    exemptionText: 'Intra-community supply',
  },
  {
    ruleId: 'DE-EXEMPT',
    sellerCountry: 'DE',
    buyerCountry: 'DE',
    taxClass: 'medical',
    customerType: '*',
    rate: 0,
    category: 'E',
    exemptionCode: 'VATEX-EU-132-1B',
    exemptionText: 'Exempt under § 4 Nr. 14 UStG',
  },
];

/** One account's November invoice, finalized, then `after` (cancel, credit) on it. */
function ledger(rows: Rows, after?: (p: ReturnType<typeof ports>, number: string) => void) {
  const p = ports({ Settings: [SELLER], TaxRules: RULES, ...rows });
  const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  expect([run.failed, run.rowErrors]).toEqual([[], []]);
  const fin = finalizeInvoices(p, {});
  expect(fin.failed).toEqual([]);
  after?.(p, fin.invoices[0].number!);
  const ds = readDataset(p);
  return { ds, docs: ds.invoices.map((r) => r.record).filter((i) => i.status !== 'Draft') };
}

const one = (acc: Record<string, unknown>, products: ReturnType<typeof product>[], items: ReturnType<typeof item>[], extra: Rows = {}): Rows => ({
  Accounts: [account('A1', { city: 'München', postalCode: '80331', ...acc })],
  Contacts: [contact('A1')],
  Products: products,
  Subscriptions: [subscription('S1', 'A1')],
  Items: items,
  ...extra,
});

const CASES: [string, () => ReturnType<typeof ledger>][] = [
  ['reverse charge (AT business)', () => ledger(one({ country: 'AT', vatId: 'ATU12345678', city: 'Wien', postalCode: '1010' }, [product('P1', '100.00')], [item('I1', 'S1', 'P1')]))],
  [
    'intra-community supply of goods (FR business)',
    () => ledger(one({ country: 'FR', vatId: 'FR12345678901', city: 'Paris', postalCode: '75001' }, [product('G1', '80.00', { taxClass: 'goods' })], [item('I1', 'S1', 'G1', { quantity: 3 })])),
  ],
  ['export (US customer)', () => ledger(one({ country: 'US', city: 'New York', postalCode: '10001' }, [product('P1', '250.00')], [item('I1', 'S1', 'P1')]))],
  ['exempt and standard rate on one invoice', () => ledger(one({}, [product('M1', '60.00', { taxClass: 'medical' }), product('P1', '10.00')], [item('I1', 'S1', 'M1'), item('I2', 'S1', 'P1')]))],
  [
    'mixed 19 % and 7 % with discounts',
    () =>
      ledger(
        one(
          {},
          [product('P1', '49.99'), product('B1', '12.35', { taxClass: 'reduced' })],
          [item('I1', 'S1', 'P1', { quantity: 3, discountPercent: 12.5 }), item('I2', 'S1', 'B1', { quantity: 7, discountPercent: 3 })],
        ),
      ),
  ],
  [
    '100 lines',
    () =>
      ledger(
        one(
          {},
          [product('P1', '1.37')],
          Array.from({ length: 100 }, (_, i) => item(`I${i}`, 'S1', 'P1', { quantity: 1 + (i % 7), discountPercent: i % 3 ? 0 : 5 })),
        ),
      ),
  ],
  ['prorated start mid-month', () => ledger(one({}, [product('P1', '99.00')], [item('I1', 'S1', 'P1')]), undefined)],
  ['cancelled: the credit note', () => ledger(one({}, [product('P1', '100.00')], [item('I1', 'S1', 'P1')]), (p, n) => cancelInvoice(p, { invoiceId: n }))],
  [
    'partly credited',
    () =>
      ledger(one({}, [product('P1', '100.00'), product('B1', '20.00', { taxClass: 'reduced' })], [item('I1', 'S1', 'P1'), item('I2', 'S1', 'B1')]), (p, n) =>
        creditInvoice(p, { invoiceId: n, amount: '33.33' }),
      ),
  ],
  [
    'CHF with cash rounding',
    () => {
      const p = ports({
        Settings: [{ ...CH_TENANT, street: 'Bahnhofstrasse 1', postalCode: '8001', phone: '+41 44 1234567', email: 'rechnung@beispiel.example', iban: 'CH9300762011623852957' }],
        TaxRules: RULES,
        Accounts: [account('A1', { country: 'CH', city: 'Bern', postalCode: '3000', tenantId: 'CH' })],
        Contacts: [contact('A1')],
        Products: [product('P1', '10.03', { currency: 'CHF' })],
        Subscriptions: [subscription('S1', 'A1', { tenantId: 'CH' })],
        Items: [item('I1', 'S1', 'P1')],
      });
      runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
      finalizeInvoices(p, {});
      const ds = readDataset(p);
      expect(ds.invoices[0].record.rounding.isZero()).toBe(false);
      return { ds, docs: ds.invoices.map((r) => r.record) };
    },
  ],
  ['SEPA direct debit', () => ledger(one({ paymentMethod: 'direct_debit', mandateReference: 'MANDATE-0001', iban: 'DE02120300000000202051' }, [product('P1', '29.00')], [item('I1', 'S1', 'P1')]))],
  [
    'a name with &, <, umlauts and emoji',
    () => ledger(one({ name: 'Müller & <Söhne> GmbH 🚀 "Ölmühle"', street: 'Straße <1> & 2' }, [product('P1', '10.00', { name: 'Paket "Grün" & <mehr> ✨' })], [item('I1', 'S1', 'P1')])),
  ],
];

describe.each(['xrechnung-ubl', 'xrechnung-cii', 'zugferd'] as const)('%s', (format) => {
  it.each(CASES)(
    '%s: valid',
    async (_name, make) => {
      const { ds, docs } = make();
      expect(docs.length).toBeGreaterThan(0);
      for (const inv of docs) expect([inv.number, (await problemsOf(xmlOf(ds, inv, format), format)).errors]).toEqual([inv.number, []]);
    },
    120_000,
  );
});
