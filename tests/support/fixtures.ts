// Test workbooks built from rows keyed by schema column key, with a German tenant and common tax rules by default.
import type { Cell } from '../../src/core/cells';
import { SCHEMA, TABLE_NAMES, type TableName } from '../../src/core/schema';
import { MemoryTables } from '../../src/node/memoryTables';
import { memoryPorts } from '../../src/node/memoryHost';
import { D } from '../../src/core/money';
import type { InvoiceDoc, Tenant } from '../../src/core/model';

export type Rows = Partial<Record<TableName, Record<string, Cell>[]>>;

export const DE_TENANT = {
  tenantId: 'DE',
  legalName: 'Muster GmbH',
  street: 'Hauptstr. 1',
  postalCode: '10115',
  city: 'Berlin',
  country: 'DE',
  vatId: 'DE123456789',
  currency: 'EUR',
  language: 'de',
  paymentTermsDays: 14,
  iban: 'DE89370400440532013000',
};

export const CH_TENANT = {
  tenantId: 'CH',
  legalName: 'Beispiel AG',
  city: 'Zürich',
  country: 'CH',
  vatId: 'CHE-123.456.789 MWST',
  currency: 'CHF',
  cashRounding: 0.05,
  numberFormat: 'CH-{yyyy}-{seq:4}',
  creditNumberFormat: 'CHG-{yyyy}-{seq:4}',
};

export const TAX_RULES = [
  { ruleId: 'DE-S', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'standard', customerType: '*', rate: 19, category: 'S' },
  { ruleId: 'DE-R', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'reduced', customerType: '*', rate: 7, category: 'S' },
  {
    ruleId: 'DE-EU-B2B',
    sellerCountry: 'DE',
    buyerCountry: 'EU',
    taxClass: '*',
    customerType: 'B2B',
    rate: 0,
    category: 'AE',
    exemptionCode: 'VATEX-EU-AE',
    exemptionText: 'Reverse charge: VAT to be paid by the recipient (Art. 196 VAT Directive)',
  },
  { ruleId: 'DE-AT-B2C', sellerCountry: 'DE', buyerCountry: 'AT', taxClass: 'standard', customerType: 'B2C', rate: 20, category: 'S' },
  { ruleId: 'DE-FR-B2C', sellerCountry: 'DE', buyerCountry: 'FR', taxClass: 'standard', customerType: 'B2C', rate: 20, category: 'S' },
  {
    ruleId: 'DE-EXPORT',
    sellerCountry: 'DE',
    buyerCountry: 'NON-EU',
    taxClass: '*',
    customerType: '*',
    rate: 0,
    category: 'G',
    exemptionCode: 'VATEX-EU-G',
    exemptionText: 'Export outside the EU, not taxable in Germany',
  },
  { ruleId: 'CH-S', sellerCountry: 'CH', buyerCountry: 'CH', taxClass: 'standard', customerType: '*', rate: 8.1, category: 'S' },
  {
    ruleId: 'CH-EXPORT',
    sellerCountry: 'CH',
    buyerCountry: '*',
    taxClass: '*',
    customerType: '*',
    rate: 0,
    category: 'G',
    exemptionCode: 'VATEX-EU-G',
    exemptionText: 'Export, not taxable in Switzerland',
  },
];

/** Rows of one table as a raw sheet: header row from the schema, cells by key. */
export function sheet(name: TableName, rows: Record<string, Cell>[]) {
  const cols = SCHEMA[name].columns;
  return { headers: cols.map((c) => c.header), rows: rows.map((r) => cols.map((c) => (r[c.key] === undefined ? '' : r[c.key]))) };
}

/** A workbook with every sheet; Settings and TaxRules default to the German tenant and TAX_RULES. */
export function workbook(rows: Rows): MemoryTables {
  const m = MemoryTables.template();
  const all: Rows = { Settings: [DE_TENANT], TaxRules: TAX_RULES, ...rows };
  for (const name of TABLE_NAMES) if (all[name]) m.sheets.set(name, sheet(name, all[name]!));
  return m;
}

/** Ports on a workbook with a fixed clock (default 2026-11-30 12:00 UTC). */
export function ports(rows: Rows, now = '2026-11-30T12:00:00Z') {
  return memoryPorts(workbook(rows), { now: () => new Date(now), user: 'tester@example.com' });
}

export const account = (id: string, extra: Record<string, Cell> = {}) => ({
  accountId: id,
  name: `Customer ${id}`,
  status: 'Active',
  customerType: 'B2B',
  country: 'DE',
  street: 'Weg 2',
  postalCode: '80331',
  city: 'München',
  ...extra,
});

export const product = (id: string, price: number | string, extra: Record<string, Cell> = {}) => ({
  productId: id,
  name: `Product ${id}`,
  unit: 'C62',
  price,
  taxClass: 'standard',
  priceModel: 'per_unit',
  ...extra,
});

export const subscription = (id: string, accountId: string, extra: Record<string, Cell> = {}) => ({
  subscriptionId: id,
  accountId,
  status: 'Active',
  startDate: '2026-11-01',
  billingPeriod: 'monthly',
  billingTiming: 'advance',
  ...extra,
});

export const item = (id: string, subscriptionId: string, productId: string, extra: Record<string, Cell> = {}) => ({
  itemId: id,
  subscriptionId,
  productId,
  quantity: 1,
  billingType: 'recurring',
  status: 'Active',
  ...extra,
});

/** Sheet rows as {header: value} objects. */
export function table(p: { tables: MemoryTables }, name: TableName) {
  return p.tables.objects(name);
}

/** A supplier for documents made in tests. */
export const oneTenant = { tenantId: 'DE', legalName: 'Supplier GmbH', country: 'DE', currency: 'EUR', language: 'en' } as Tenant;

/** A one-page invoice without lines: a PDF container for e-invoice tests. */
export function oneInvoiceDoc(): InvoiceDoc {
  return {
    invoice: {
      invoiceId: 'I-1',
      key: 'M',
      type: 'invoice',
      status: 'Open',
      number: 'X-1',
      tenantId: 'DE',
      accountId: 'A',
      currency: 'EUR',
      language: 'en',
      net: new D('1.00'),
      tax: new D('0.19'),
      gross: new D('1.19'),
      rounding: new D(0),
      payable: new D('1.19'),
      buyerName: 'Us',
    },
    lines: [],
  };
}
