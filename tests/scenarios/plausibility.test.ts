// Issue 10, defects 4 and 5: implausible cells are errors that name sheet, row, column and value;
// nothing is taxed, totalled or dated by a silent fallback.
import { runInvoicing } from '../../src/app/runInvoicing';
import { checkCountry, checkCurrency } from '../../src/core/codes';
import type { Cell } from '../../src/core/cells';
import { NOV, account, item, ports, product, subscription, TAX_RULES, DE_TENANT } from './helpers';

/** One German B2B customer with one monthly item; `patch` changes one sheet's first row. */
function run(patch: { sheet: 'Accounts' | 'Products' | 'Subscriptions' | 'Items' | 'TaxRules' | 'Settings'; values: Record<string, Cell> }) {
  const rows = {
    Settings: [{ ...DE_TENANT }] as Record<string, Cell>[],
    Accounts: [account('A1'), account('A2')] as Record<string, Cell>[],
    Products: [product('P1', '100.00')] as Record<string, Cell>[],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2', { startDate: '2026-01-01' })] as Record<string, Cell>[],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1', { billedUntil: '2026-10-31' })] as Record<string, Cell>[],
    TaxRules: TAX_RULES.map((r) => ({ ...r })) as Record<string, Cell>[],
  };
  Object.assign(rows[patch.sheet][0], patch.values);
  return runInvoicing(ports(rows), NOV);
}

describe('implausible cells are refused by name', () => {
  const cases: [string, Parameters<typeof run>[0], string][] = [
    ['a country name', { sheet: 'Accounts', values: { country: 'Germany' } }, 'Accounts row 2, column Country (value "Germany"): use the ISO country code DE for "Germany"'],
    [
      'an unknown country',
      { sheet: 'Accounts', values: { country: 'Atlantis' } },
      'Accounts row 2, column Country (value "Atlantis"): "Atlantis" is not an ISO 3166 two-letter country code, e.g. DE, AT, CH',
    ],
    ['a currency name', { sheet: 'Subscriptions', values: { currency: 'EURO' } }, 'Subscriptions row 2, column Currency (value "EURO"): use the ISO currency code EUR for "EURO"'],
    ['a 1900 % tax rate', { sheet: 'TaxRules', values: { rate: 1900 } }, 'TaxRules row 2, column Rate (value "1900"): 1900 is above the largest allowed value 50'],
    ['negative payment terms', { sheet: 'Accounts', values: { paymentTermsDays: -10 } }, 'Accounts row 2, column Payment Terms Days (value "-10"): -10 is below the smallest allowed value 0'],
    ['a 150 % discount', { sheet: 'Items', values: { discountPercent: 150 } }, 'Items row 2, column Discount % (value "150"): 150 is above the largest allowed value 100'],
    [
      'a date cell of 0 read as 1899-12-30',
      { sheet: 'Subscriptions', values: { startDate: new Date(Date.UTC(1899, 11, 30)) } },
      'Subscriptions row 2, column Start Date (value "1899-12-30T00:00:00.000Z"): 1899-12-30 is not a plausible date (a billing date lies between 1970-01-01 and 2199-12-31)',
    ],
    [
      'a start date in 1900',
      { sheet: 'Subscriptions', values: { startDate: '1900-01-01' } },
      'Subscriptions row 2, column Start Date (value "1900-01-01"): 1900-01-01 is not a plausible date (a billing date lies between 1970-01-01 and 2199-12-31)',
    ],
    ['a quantity of 1E308', { sheet: 'Items', values: { quantity: 1e308 } }, 'Items row 2, column Quantity (value "1e+308"): "1e+308" is too large (a billing amount or quantity stays below 10^13)'],
    [
      'a price of 10^13',
      { sheet: 'Products', values: { price: '10000000000000' } },
      'Products row 2, column Price (value "10000000000000"): "10000000000000" is too large (a billing amount or quantity stays below 10^13)',
    ],
    [
      'a spreadsheet error value in a name',
      { sheet: 'Accounts', values: { name: '#N/A' } },
      'Accounts row 2, column Name (value "#N/A"): "#N/A" is an error value of the spreadsheet: fix the formula',
    ],
    [
      'a formula the file never computed',
      { sheet: 'Items', values: { description: '=A1&B1 (formula without a computed value: open and save the file in a spreadsheet program)' } },
      'Items row 2, column Description (value "=A1&B1 (formula without a computed value: open and save the file in a spreadsheet program)"): a formula without a computed value: open and save the file in a spreadsheet program',
    ],
    [
      'a 40,000-character description',
      { sheet: 'Items', values: { description: 'x'.repeat(40000) } },
      `Items row 2, column Description (value "${'x'.repeat(200)}… (40000 characters)"): the text is 40000 characters long, more than the 10000 a cell of this sheet may have`,
    ],
    ['a tenant id that is a path', { sheet: 'Settings', values: { tenantId: '..' } }, 'Settings row 2, column Tenant ID (value ".."): ".." is not a valid id: use up to 40 letters, digits, - and _'],
  ];
  it.each(cases)('%s', (_what, patch, message) => {
    const r = run(patch);
    const texts = r.rowErrors.map((e) => e.text);
    expect(texts).toContain(message);
    // The customer with the bad cell gets no invoice; nothing is billed from a fallback value.
    if (patch.sheet !== 'Settings' && patch.sheet !== 'TaxRules' && patch.sheet !== 'Products') expect(r.drafts.map((d) => d.subscriptionId)).toEqual(['S2']);
  });

  it('lower-case codes are read as the code', () => {
    const r = run({ sheet: 'Accounts', values: { country: 'de', currency: 'eur' } });
    expect(r.rowErrors).toEqual([]);
    expect(r.drafts.map((d) => [d.subscriptionId, d.tax])).toEqual([
      ['S1', '19.00'],
      ['S2', '19.00'],
    ]);
  });

  it('years of catch-up fail the subscription with the reason; a few months are billed with a warning', () => {
    const far = run({ sheet: 'Subscriptions', values: { startDate: '2020-01-01' } });
    expect(far.failed.map((f) => [f.subscriptionId, f.reason])).toEqual([
      ['S1', 'item I1 would catch up 82 earlier periods from 2020-01-01 never billed (more than 24 months): check the start date, or set Billed Until if they were billed elsewhere'],
    ]);
    const near = run({ sheet: 'Subscriptions', values: { startDate: '2026-08-01' } });
    expect(near.drafts.find((d) => d.subscriptionId === 'S1')!.warnings).toBe('item I1: catching up 3 earlier period(s) from 2026-08-01 never billed (set Billed Until if they were billed elsewhere)');
  });

  it('lines that add up beyond 10^13 fail the subscription instead of writing Infinity', () => {
    const r = run({ sheet: 'Items', values: { quantity: '9999999999999', unitPrice: '9999999999' } });
    expect(r.failed.map((f) => f.subscriptionId)).toEqual(['S1']);
    expect(r.failed[0].reason).toMatch(/beyond any plausible invoice/);
  });
});

describe('codes', () => {
  it('every EU country, CH, GB, US and the TaxRules wildcards are accepted; names get the code', () => {
    for (const c of [
      'AT',
      'BE',
      'BG',
      'CY',
      'CZ',
      'DE',
      'DK',
      'EE',
      'ES',
      'FI',
      'FR',
      'GR',
      'HR',
      'HU',
      'IE',
      'IT',
      'LT',
      'LU',
      'LV',
      'MT',
      'NL',
      'PL',
      'PT',
      'RO',
      'SE',
      'SI',
      'SK',
      'CH',
      'GB',
      'US',
    ]) {
      expect([c, checkCountry(c)]).toEqual([c, { ok: true, code: c }]);
    }
    expect(checkCountry('eu', ['EU', 'NON-EU', '*'])).toEqual({ ok: true, code: 'EU' });
    expect(checkCountry('*')).toEqual({ ok: false, message: '"*" is not an ISO 3166 two-letter country code, e.g. DE, AT, CH' });
    expect(checkCountry('Deutschland')).toEqual({ ok: false, message: 'use the ISO country code DE for "Deutschland"' });
    expect(checkCountry('United Kingdom')).toEqual({ ok: false, message: 'use the ISO country code GB for "United Kingdom"' });
    expect(checkCountry('EL')).toEqual({ ok: false, message: 'use the ISO country code GR for "EL"' });
    expect(checkCurrency('chf')).toEqual({ ok: true, code: 'CHF' });
    expect(checkCurrency('€')).toEqual({ ok: false, message: 'use the ISO currency code EUR for "€"' });
    expect(checkCurrency('XAU')).toEqual({ ok: false, message: '"XAU" is not an ISO 4217 currency code, e.g. EUR, CHF, USD' });
  });
});
