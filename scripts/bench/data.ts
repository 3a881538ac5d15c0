// Generated benchmark data: N subscriptions with 5 items and 10 usage transactions each.
import type { Cell } from '../../src/core/cells';
import type { RawWorkbook } from '../../src/core/dataset';
import { SCHEMA, type TableName } from '../../src/core/schema';

export function table(name: TableName, rows: Record<string, Cell>[]) {
  const cols = SCHEMA[name].columns;
  return { headers: cols.map((c) => c.header), rows: rows.map((r) => cols.map((c) => r[c.key] ?? '')) };
}

/** Rows of N subscriptions (5 items, 10 usage transactions each) keyed by schema column. */
export function benchRows(n: number): Partial<Record<TableName, Record<string, Cell>[]>> {
  const accounts: Record<string, Cell>[] = [];
  const subs: Record<string, Cell>[] = [];
  const items: Record<string, Cell>[] = [];
  const txs: Record<string, Cell>[] = [];
  const periods = ['monthly', 'quarterly', 'semiannual', 'annual'];
  const countries = ['DE', 'DE', 'DE', 'AT', 'FR', 'US'];
  for (let i = 0; i < n; i++) {
    const a = `A${i}`;
    const s = `S${i}`;
    accounts.push({ accountId: a, name: `Customer ${i}`, status: 'Active', customerType: i % 3 ? 'B2B' : 'B2C', country: countries[i % 6], vatId: i % 3 ? `VAT${i}` : '' });
    subs.push({
      subscriptionId: s,
      accountId: a,
      status: 'Active',
      startDate: `2026-${String((i % 11) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      billingPeriod: periods[i % 4],
      billingTiming: i % 2 ? 'advance' : 'arrears',
      alignment: i % 5 ? 'calendar' : 'start',
    });
    for (let k = 0; k < 5; k++) {
      // Recurring items were billed through October (a steady-state monthly run); the one-time item starts in November.
      const type = k === 4 ? 'usage' : k === 3 ? 'one_time' : 'recurring';
      items.push({
        itemId: `I${i}-${k}`,
        subscriptionId: s,
        productId: `P${k}`,
        quantity: (k % 3) + 1,
        billingType: type,
        status: 'Active',
        discountPercent: k === 1 ? 10 : '',
        billedUntil: type === 'recurring' ? '2026-10-31' : '',
        startDate: type === 'one_time' ? '2026-11-15' : '',
      });
    }
    for (let t = 0; t < 10; t++) {
      txs.push({ transactionId: `T${i}-${t}`, subscriptionId: s, productId: t % 2 ? 'P4' : 'P5', date: `2026-11-${String(t * 3 + 1).padStart(2, '0')}`, quantity: 10 + t });
    }
  }
  const products = [
    { productId: 'P0', name: 'Base', price: 49, taxClass: 'standard', priceModel: 'per_unit' },
    { productId: 'P1', name: 'Seats', price: 9.99, taxClass: 'standard', priceModel: 'per_unit' },
    { productId: 'P2', name: 'Support', price: 100, taxClass: 'standard', priceModel: 'flat' },
    { productId: 'P3', name: 'Setup', price: 250, taxClass: 'standard', priceModel: 'per_unit' },
    { productId: 'P4', name: 'API calls', price: 0, taxClass: 'standard', priceModel: 'graduated', tiers: '0-50: 0.10; 50-200: 0.08 + 5; 200+: 0.05' },
    { productId: 'P5', name: 'Storage', price: 2, taxClass: 'standard', priceModel: 'package', packageSize: 25 },
  ];
  const rules = [
    { ruleId: 'DE', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: '*', customerType: '*', rate: 19, category: 'S' },
    { ruleId: 'EU-B2B', sellerCountry: 'DE', buyerCountry: 'EU', taxClass: '*', customerType: 'B2B', rate: 0, category: 'AE' },
    { ruleId: 'AT', sellerCountry: 'DE', buyerCountry: 'AT', taxClass: '*', customerType: 'B2C', rate: 20, category: 'S' },
    { ruleId: 'FR', sellerCountry: 'DE', buyerCountry: 'FR', taxClass: '*', customerType: 'B2C', rate: 20, category: 'S' },
    { ruleId: 'EX', sellerCountry: 'DE', buyerCountry: 'NON-EU', taxClass: '*', customerType: '*', rate: 0, category: 'G' },
  ];
  return {
    Settings: [{ tenantId: 'DE', legalName: 'Bench GmbH', country: 'DE', currency: 'EUR', iban: 'DE89370400440532013000' }],
    Accounts: accounts,
    Subscriptions: subs,
    Items: items,
    Transactions: txs,
    Products: products,
    TaxRules: rules,
  };
}

export function benchWorkbook(n: number): RawWorkbook {
  return Object.fromEntries(Object.entries(benchRows(n)).map(([name, rows]) => [name, table(name as TableName, rows!)]));
}
