import { loadDataset, type RawWorkbook } from '../../src/core/dataset';
import { DE_TENANT, TAX_RULES, account, item, product, sheet, subscription, type Rows } from '../support/fixtures';

/** A raw workbook with the German tenant and tax rules unless given. */
function raw(rows: Rows): RawWorkbook {
  const all: Rows = { Settings: [DE_TENANT], TaxRules: TAX_RULES, ...rows };
  const out: RawWorkbook = {};
  for (const [name, r] of Object.entries(all)) out[name as keyof RawWorkbook] = sheet(name as keyof RawWorkbook, r!);
  return out;
}

const tx = (id: string, sub: string, prod: string, extra: Record<string, string | number> = {}) => ({
  transactionId: id,
  subscriptionId: sub,
  productId: prod,
  date: '2026-11-10',
  quantity: 3,
  ...extra,
});

const base: Rows = {
  Accounts: [account('A1'), account('A2', { country: 'AT', vatId: 'ATU1' })],
  Products: [product('P1', '100.00'), product('P2', '9.50')],
  Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2')],
  Items: [item('I1', 'S1', 'P1'), item('I2', 'S1', 'P2', { quantity: 2 }), item('I3', 'S2', 'P1')],
  Transactions: [tx('T1', 'S1', 'P2'), tx('T2', 'S2', 'P2')],
  Contacts: [{ contactId: 'C1', accountId: 'A1', email: 'a@example.com', role: 'invoice' }],
};

describe('loadDataset', () => {
  it('loads a consistent workbook without errors', () => {
    const ds = loadDataset(raw(base));
    expect(ds.errors).toEqual([]);
    expect(ds.tenants.map((t) => t.tenantId)).toEqual(['DE']);
    expect(ds.tenantById.get('DE')!.currency).toBe('EUR');
    expect([...ds.accounts.keys()]).toEqual(['A1', 'A2']);
    expect([...ds.products.keys()]).toEqual(['P1', 'P2']);
    expect(ds.products.get('P2')!.price.toFixed(2)).toBe('9.50');
    expect(ds.subscriptions.map((s) => s.record.subscriptionId)).toEqual(['S1', 'S2']);
    expect([...ds.itemsBySubscription.entries()].map(([k, v]) => [k, v.map((r) => r.record.itemId)])).toEqual([
      ['S1', ['I1', 'I2']],
      ['S2', ['I3']],
    ]);
    expect([...ds.transactionsBySubscription.keys()]).toEqual(['S1', 'S2']);
    expect(ds.taxRules.map((r) => r.ruleId)).toEqual(TAX_RULES.map((r) => r.ruleId));
    expect(ds.taxRules[0].rate.toString()).toBe('19');
    expect(ds.contacts.map((c) => c.contactId)).toEqual(['C1']);
    // The German tenant sets no Number Locale: it follows the tenant's language.
    expect(ds.ctx.locale).toBe('de');
  });

  it('an empty Number Locale follows the first tenant\'s language (de and fr: "de", en or none: "en"); a set one wins', () => {
    const localeOf = (tenant: Record<string, string>) => loadDataset(raw({ Settings: [{ ...DE_TENANT, language: '', ...tenant }] })).ctx.locale;
    expect([localeOf({ language: 'de' }), localeOf({ language: 'fr' }), localeOf({ language: 'en' }), localeOf({}), localeOf({ language: 'de', locale: 'en' })]).toEqual([
      'de',
      'de',
      'en',
      'en',
      'en',
    ]);
  });

  it('a percent below 1 typed as a plain number is read as a fraction and warned about, naming sheet, row, column and value', () => {
    const ds = loadDataset(
      raw({ ...base, Items: [item('I1', 'S1', 'P1', { discountPercent: 0.5 }), item('I2', 'S1', 'P2', { discountPercent: '0.5 %' }), item('I3', 'S2', 'P1', { discountPercent: 10 })] }),
    );
    expect(ds.itemsBySubscription.get('S1')!.map((r) => r.record.discountPercent?.toString())).toEqual(['50', '0.5']);
    const message = '0.5 is read as 50 % (a fraction, as a cell formatted as percent gives it); write 0.5 % if you meant 0.5 percent';
    expect(ds.cellWarnings).toEqual([{ sheet: 'Items', row: 2, column: 'Discount %', value: '0.5', message }]);
    expect(ds.structureWarnings).toEqual([`Items row 2, column Discount % (value "0.5"): ${message}`]);
  });

  it('a reverse-charge or exempt tax rule without an exemption text is warned about (TaxRules row, Exemption Text, rule id); example rules until renamed', () => {
    const rules = [
      ...TAX_RULES,
      { ruleId: 'RC-NO-TEXT', sellerCountry: 'DE', buyerCountry: 'AT', taxClass: '*', customerType: 'B2B', rate: 0, category: 'AE', exemptionCode: 'VATEX-EU-AE' },
      { ruleId: 'EXEMPT', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'medical', customerType: '*', rate: 0, category: 'E' },
      { ruleId: 'ZERO', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'books', customerType: '*', rate: 0, category: 'Z' },
      { ruleId: 'EXAMPLE-DE-X', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: 'x', customerType: '*', rate: 19, category: 'S' },
    ];
    const ds = loadDataset(raw({ ...base, TaxRules: rules }));
    const n = TAX_RULES.length;
    expect(ds.cellWarnings.map((w) => [w.sheet, w.row, w.column, w.value, w.message.split(':')[0]])).toEqual([
      ['TaxRules', n + 2, 'Exemption Text', '', 'rule RC-NO-TEXT (category AE) has no exemption text'],
      ['TaxRules', n + 3, 'Exemption Text', '', 'rule EXEMPT (category E) has no exemption text'],
      ['TaxRules', n + 5, 'Rule ID', 'EXAMPLE-DE-X', `1 example tax rule (rows ${n + 5}) not checked yet`],
    ]);
  });

  it('an item pointing to an unknown subscription is an error with sheet, row, column and value, and is left out', () => {
    const ds = loadDataset(raw({ ...base, Items: [item('I1', 'S1', 'P1'), item('I9', 'S9', 'P1')] }));
    expect(ds.errors).toEqual([{ sheet: 'Items', row: 3, column: 'Subscription ID', value: 'S9', message: 'subscription "S9" does not exist (or its row has errors)' }]);
    expect(ds.items.map((r) => r.record.itemId)).toEqual(['I1']);
    expect(ds.itemsBySubscription.has('S9')).toBe(false);
  });

  it('a subscription pointing to an unknown account is left out, and so are its items and transactions', () => {
    const ds = loadDataset(raw({ ...base, Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A404')] }));
    expect(ds.errors).toEqual([
      { sheet: 'Subscriptions', row: 3, column: 'Account ID', value: 'A404', message: 'account "A404" does not exist (or its row has errors)' },
      { sheet: 'Items', row: 4, column: 'Subscription ID', value: 'S2', message: 'subscription "S2" does not exist (or its row has errors)' },
      { sheet: 'Transactions', row: 3, column: 'Subscription ID', value: 'S2', message: 'subscription "S2" does not exist (or its row has errors)' },
    ]);
    expect(ds.subscriptions.map((s) => s.record.subscriptionId)).toEqual(['S1']);
    expect(ds.items.map((r) => r.record.itemId)).toEqual(['I1', 'I2']);
    expect(ds.transactions.map((r) => r.record.transactionId)).toEqual(['T1']);
  });

  it('a transaction for an unknown product is an error and left out', () => {
    const ds = loadDataset(raw({ ...base, Transactions: [tx('T1', 'S1', 'P2'), tx('T2', 'S1', 'NOPE')] }));
    expect(ds.errors).toEqual([{ sheet: 'Transactions', row: 3, column: 'Product ID', value: 'NOPE', message: 'product "NOPE" does not exist (or its row has errors)' }]);
    expect(ds.transactionsBySubscription.get('S1')!.map((r) => r.record.transactionId)).toEqual(['T1']);
  });

  it('an item for an unknown product, a contact for an unknown account, an account for an unknown tenant', () => {
    const ds = loadDataset(
      raw({
        ...base,
        Accounts: [account('A1'), account('A2', { tenantId: 'XX' })],
        Subscriptions: [subscription('S1', 'A1')],
        Items: [item('I1', 'S1', 'P7')],
        Transactions: [],
        Contacts: [{ contactId: 'C1', accountId: 'A3', email: 'x@example.com', role: 'cc' }],
      }),
    );
    expect(ds.errors.map((e) => [e.sheet, e.row, e.column, e.value])).toEqual([
      ['Accounts', 3, 'Tenant', 'XX'],
      ['Contacts', 2, 'Account ID', 'A3'],
      ['Items', 2, 'Product ID', 'P7'],
    ]);
    expect([...ds.accounts.keys()]).toEqual(['A1']);
    expect(ds.items).toEqual([]);
    expect(ds.contacts).toEqual([]);
  });

  it('a subscription with a row error drops its items with a reference error (the cause is reported first)', () => {
    const ds = loadDataset(raw({ ...base, Subscriptions: [subscription('S1', 'A1', { billingPeriod: 'weekly' }), subscription('S2', 'A2')] }));
    expect(ds.errors.map((e) => [e.sheet, e.row, e.column, e.value])).toEqual([
      ['Subscriptions', 2, 'Billing Period', 'weekly'],
      ['Items', 2, 'Subscription ID', 'S1'],
      ['Items', 3, 'Subscription ID', 'S1'],
      ['Transactions', 2, 'Subscription ID', 'S1'],
    ]);
    expect(ds.items.map((r) => r.record.itemId)).toEqual(['I3']);
  });

  it('without a company profile there is an error', () => {
    const ds = loadDataset(raw({ ...base, Settings: [] }));
    expect(ds.errors).toContainEqual({ sheet: 'Settings', row: 2, column: 'Tenant ID', value: '', message: 'no company profile: add a row to Settings' });
  });

  it("reads numbers in the first tenant's Number Locale, unless a locale is given", () => {
    const rows: Rows = { ...base, Settings: [{ ...DE_TENANT, locale: 'de', cashRounding: '0,05' }], Products: [product('P1', '1.234,50'), product('P2', '9,5')] };
    const ds = loadDataset(raw(rows));
    expect(ds.errors).toEqual([]);
    expect(ds.ctx.locale).toBe('de');
    expect(ds.products.get('P1')!.price.toFixed(2)).toBe('1234.50');
    expect(ds.products.get('P2')!.price.toFixed(2)).toBe('9.50');
    expect(ds.tenants[0].cashRounding!.toString()).toBe('0.05');
    const forced = loadDataset(raw(rows), { locale: 'en' });
    expect(forced.ctx.locale).toBe('en');
    expect(forced.errors.map((e) => [e.sheet, e.row, e.column, e.value])).toEqual([
      ['Products', 2, 'Price', '1.234,50'],
      ['Items', 2, 'Product ID', 'P1'],
      ['Items', 4, 'Product ID', 'P1'],
    ]);
  });

  it('passes the host dateOf to date cells', () => {
    const dateOf = (d: Date) => new Date(d.getTime() + 2 * 3600000).toISOString().slice(0, 10);
    const late = new Date(Date.UTC(2026, 10, 30, 23, 0));
    const ds = loadDataset(raw({ ...base, Subscriptions: [subscription('S1', 'A1', { startDate: late }), subscription('S2', 'A2')] }), { dateOf });
    expect(ds.subscriptions[0].record.startDate).toBe('2026-12-01');
    expect(loadDataset(raw({ ...base, Subscriptions: [subscription('S1', 'A1', { startDate: late })] })).subscriptions[0].record.startDate).toBe('2026-11-30');
  });

  it('missing sheets are empty tables, not crashes', () => {
    const ds = loadDataset({});
    expect(ds.errors.map((e) => e.message)).toEqual(['no company profile: add a row to Settings']);
    expect(ds.items).toEqual([]);
    expect(ds.invoices).toEqual([]);
  });
});
