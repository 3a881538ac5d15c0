import { BillingError } from '../../src/core/errors';
import { D } from '../../src/core/money';
import type { TaxRule } from '../../src/core/model';
import { EU_COUNTRIES, resolveTax, taxSituation, type TaxQuery } from '../../src/core/tax';

const rule = (
  ruleId: string,
  sellerCountry: string,
  buyerCountry: string,
  taxClass: string,
  customerType: TaxRule['customerType'],
  rate: number | string,
  category: TaxRule['category'],
  extra: Partial<TaxRule> = {},
): TaxRule => ({ ruleId, sellerCountry, buyerCountry, taxClass, customerType, rate: new D(rate), category, ...extra });

const RULES: TaxRule[] = [
  rule('DE-S', 'DE', 'DE', 'standard', '*', 19, 'S'),
  rule('DE-R', 'DE', 'DE', 'reduced', '*', 7, 'S'),
  rule('DE-EU-B2B', 'DE', 'EU', '*', 'B2B', 0, 'AE', { exemptionCode: 'VATEX-EU-AE' }),
  rule('DE-AT-B2C', 'DE', 'AT', 'standard', 'B2C', 20, 'S'),
  rule('DE-EU-B2C', 'DE', 'EU', 'standard', 'B2C', 19, 'S'),
  rule('DE-EXPORT', 'DE', 'NON-EU', '*', '*', 0, 'G', { exemptionCode: 'VATEX-EU-G' }),
  rule('ANY', '*', '*', '*', '*', 0, 'O'),
];

const q = (over: Partial<TaxQuery> = {}): TaxQuery => ({
  sellerCountry: 'DE',
  buyerCountry: 'DE',
  customerType: 'B2B',
  taxClass: 'standard',
  date: '2026-11-15',
  ...over,
});
const id = (rules: TaxRule[], over: Partial<TaxQuery> = {}) => resolveTax(rules, q(over)).rule.ruleId;

function error(rules: TaxRule[], over: Partial<TaxQuery>): string {
  try {
    resolveTax(rules, q(over));
  } catch (e) {
    expect(e).toBeInstanceOf(BillingError);
    return (e as Error).message;
  }
  throw new Error('resolved without an error');
}

describe('EU_COUNTRIES', () => {
  it('has the 27 member states, not CH, GB, NO', () => {
    expect(EU_COUNTRIES.size).toBe(27);
    for (const c of ['DE', 'AT', 'FR', 'IE', 'GR', 'HR']) expect(EU_COUNTRIES.has(c)).toBe(true);
    for (const c of ['CH', 'GB', 'NO', 'US', 'EU']) expect(EU_COUNTRIES.has(c)).toBe(false);
  });
});

describe('resolveTax: specificity', () => {
  it('domestic: the exact country and tax class', () => {
    const r = resolveTax(RULES, q()).rule;
    expect([r.ruleId, r.rate.toString(), r.category]).toEqual(['DE-S', '19', 'S']);
    expect(id(RULES, { taxClass: 'reduced' })).toBe('DE-R');
  });

  it('an exact buyer country beats EU, EU beats *', () => {
    expect(id(RULES, { buyerCountry: 'AT', customerType: 'B2C' })).toBe('DE-AT-B2C');
    expect(id(RULES, { buyerCountry: 'FR', customerType: 'B2C' })).toBe('DE-EU-B2C');
    expect(
      id(
        RULES.filter((r) => r.ruleId !== 'DE-EU-B2C'),
        { buyerCountry: 'FR', customerType: 'B2C' },
      ),
    ).toBe('ANY');
  });

  it('the buyer country outranks a more specific seller, class or customer type', () => {
    const rules = [rule('EXACT-BUYER', '*', 'AT', '*', '*', 20, 'S'), rule('EU-ALL-EXACT', 'DE', 'EU', 'standard', 'B2C', 19, 'S')];
    expect(id(rules, { buyerCountry: 'AT', customerType: 'B2C' })).toBe('EXACT-BUYER');
  });

  it('then the exact seller beats *, then the tax class, then the customer type', () => {
    const rules = [rule('ANY-SELLER', '*', 'DE', 'standard', 'B2B', 1, 'S'), rule('DE-SELLER', 'DE', 'DE', '*', '*', 2, 'S')];
    expect(id(rules)).toBe('DE-SELLER');
    const byClass = [rule('STAR-CLASS', 'DE', 'DE', '*', 'B2B', 1, 'S'), rule('STD-CLASS', 'DE', 'DE', 'standard', '*', 2, 'S')];
    expect(id(byClass)).toBe('STD-CLASS');
    const byType = [rule('STAR-TYPE', 'DE', 'DE', 'standard', '*', 1, 'S'), rule('B2B', 'DE', 'DE', 'standard', 'B2B', 2, 'S')];
    expect(id(byType)).toBe('B2B');
    expect(id(byType.slice().reverse())).toBe('B2B');
  });

  it('matches the tax class case-insensitively and rule countries in any case', () => {
    expect(id([rule('X', 'de', 'de', 'Standard', '*', 19, 'S')], { taxClass: 'STANDARD' })).toBe('X');
  });

  it("EU never matches the seller's own country; NON-EU never matches an EU buyer", () => {
    const rules = [rule('EU', 'DE', 'EU', '*', '*', 0, 'AE'), rule('NONEU', 'DE', 'NON-EU', '*', '*', 0, 'G')];
    expect(error(rules, { buyerCountry: 'DE' })).toMatch(/^no tax rule/);
    expect(id(rules, { buyerCountry: 'AT' })).toBe('EU');
    expect(id(rules, { buyerCountry: 'US' })).toBe('NONEU');
    expect(id(rules, { buyerCountry: 'CH' })).toBe('NONEU');
  });

  it('the result does not depend on the order of the rules', () => {
    const queries: Partial<TaxQuery>[] = [
      {},
      { taxClass: 'reduced' },
      { buyerCountry: 'AT', customerType: 'B2C' },
      { buyerCountry: 'AT', buyerVatId: 'ATU123' },
      { buyerCountry: 'US' },
      { buyerCountry: 'FR', customerType: 'B2C' },
      { sellerCountry: 'FR', buyerCountry: 'JP' },
    ];
    for (const over of queries) expect(id(RULES.slice().reverse(), over)).toBe(id(RULES, over));
  });
});

describe('resolveTax: EU business customers', () => {
  it('cross-border B2B with a VAT ID is reverse charge (AE), without a warning', () => {
    const res = resolveTax(RULES, q({ buyerCountry: 'AT', buyerVatId: 'ATU12345678' }));
    expect([res.rule.ruleId, res.rule.category, res.rule.rate.toString()]).toEqual(['DE-EU-B2B', 'AE', '0']);
    expect(res.warning).toBeUndefined();
  });

  it('cross-border B2B without a VAT ID is taxed as B2C, with a warning', () => {
    const res = resolveTax(RULES, q({ buyerCountry: 'AT' }));
    expect([res.rule.ruleId, res.rule.category, res.rule.rate.toString()]).toEqual(['DE-AT-B2C', 'S', '20']);
    expect(res.warning).toBe('business customer in AT has no VAT ID: taxed as a consumer (no reverse charge)');
  });

  it('domestic B2B without a VAT ID stays B2B (no warning)', () => {
    expect(taxSituation({ sellerCountry: 'DE', buyerCountry: 'DE', customerType: 'B2B' })).toEqual({ customerType: 'B2B' });
    expect(resolveTax(RULES, q()).warning).toBeUndefined();
  });

  it('B2B outside the EU needs no VAT ID', () => {
    expect(taxSituation({ sellerCountry: 'DE', buyerCountry: 'US', customerType: 'B2B' })).toEqual({ customerType: 'B2B' });
    expect(taxSituation({ sellerCountry: 'CH', buyerCountry: 'DE', customerType: 'B2B' })).toEqual({ customerType: 'B2B' });
  });

  it('B2C stays B2C', () => {
    expect(taxSituation({ sellerCountry: 'DE', buyerCountry: 'AT', customerType: 'B2C' })).toEqual({ customerType: 'B2C' });
  });
});

describe('resolveTax: exports', () => {
  it('a buyer outside the EU gets the NON-EU rule (G, export)', () => {
    for (const buyer of ['US', 'CH', 'GB']) {
      const r = resolveTax(RULES, q({ buyerCountry: buyer, customerType: 'B2C' })).rule;
      expect([r.ruleId, r.category, r.rate.toString(), r.exemptionCode]).toEqual(['DE-EXPORT', 'G', '0', 'VATEX-EU-G']);
    }
  });
});

describe('resolveTax: validity dates', () => {
  const rules = [rule('OLD', 'DE', 'DE', 'standard', '*', 16, 'S', { validFrom: '2020-07-01', validTo: '2020-12-31' }), rule('NOW', 'DE', 'DE', 'standard', '*', 19, 'S', { validFrom: '2021-01-01' })];

  it('applies rules only from their first to their last day (inclusive)', () => {
    expect(id(rules, { date: '2020-07-01' })).toBe('OLD');
    expect(id(rules, { date: '2020-12-31' })).toBe('OLD');
    expect(id(rules, { date: '2021-01-01' })).toBe('NOW');
    expect(id(rules, { date: '2030-01-01' })).toBe('NOW');
  });

  it('no rule valid on the date is an error', () => {
    expect(error(rules, { date: '2020-06-30' })).toBe('no tax rule for seller DE, buyer DE, tax class "standard", B2B on 2020-06-30: add a row to TaxRules');
  });

  it('a rule that is not valid yet does not shadow a valid, less specific one', () => {
    const r = [rule('FUTURE', 'DE', 'DE', 'standard', '*', 21, 'S', { validFrom: '2027-01-01' }), rule('ANY', '*', '*', '*', '*', 19, 'S')];
    expect(id(r, { date: '2026-12-31' })).toBe('ANY');
    expect(id(r, { date: '2027-01-01' })).toBe('FUTURE');
  });
});

describe('resolveTax: errors', () => {
  it('no matching rule names seller, buyer, class, customer type and date', () => {
    expect(
      error(
        RULES.filter((r) => r.ruleId !== 'ANY'),
        { sellerCountry: 'FR', buyerCountry: 'JP', taxClass: 'digital', customerType: 'B2C' },
      ),
    ).toBe('no tax rule for seller FR, buyer JP, tax class "digital", B2C on 2026-11-15: add a row to TaxRules');
    expect(error([], {})).toMatch(/^no tax rule for seller DE, buyer DE/);
  });

  it('the message uses the customer type actually looked up (B2C for an EU business without VAT ID)', () => {
    expect(error([rule('B2B-ONLY', 'DE', 'AT', '*', 'B2B', 0, 'AE')], { buyerCountry: 'AT' })).toBe(
      'no tax rule for seller DE, buyer AT, tax class "standard", B2C on 2026-11-15: add a row to TaxRules',
    );
  });

  it('two equally specific matches are an error naming both rules', () => {
    const rules = [rule('A', 'DE', 'DE', 'standard', '*', 19, 'S'), rule('B', 'DE', 'DE', 'standard', '*', 7, 'S')];
    expect(error(rules, {})).toBe('tax rules A and B both match equally (seller DE, buyer DE, class "standard", B2B)');
  });

  it('a tie below the best match is no error', () => {
    const rules = [rule('T1', '*', '*', '*', '*', 0, 'O'), rule('T2', '*', '*', '*', '*', 0, 'O'), rule('BEST', 'DE', 'DE', 'standard', '*', 19, 'S')];
    expect(id(rules)).toBe('BEST');
    expect(id(rules.slice().reverse())).toBe('BEST');
  });

  it('a tie is detected even when a weaker rule comes between the two', () => {
    const rules = [rule('A', 'DE', 'DE', 'standard', '*', 19, 'S'), rule('W', '*', '*', '*', '*', 0, 'O'), rule('B', 'DE', 'DE', 'standard', '*', 7, 'S')];
    expect(error(rules, {})).toMatch(/^tax rules A and B both match equally/);
  });
});
