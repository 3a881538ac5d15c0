import { loadDataset, type RawWorkbook } from '../../src/core/dataset';
import { parseTable } from '../../src/core/table';
import { resolveTax } from '../../src/core/tax';
import { starterTaxRules } from '../../src/core/starterTaxRules';
import { DE_TENANT, sheet } from '../support/fixtures';

/** The starter rules as the TaxRules sheet reads them. */
const parsed = (country: string) => parseTable('TaxRules', sheet('TaxRules', starterTaxRules(country)), { locale: 'en' });

describe('starter tax rules of a new workbook', () => {
  it('cover a German seller: domestic standard and reduced, EU business (reverse charge), EU consumer, export', () => {
    const t = parsed('DE');
    expect(t.errors).toEqual([]);
    const rules = t.rows.map((r) => r.record);
    const pick = (buyerCountry: string, customerType: 'B2B' | 'B2C', taxClass = 'standard', buyerVatId?: string) => {
      const { rule } = resolveTax(rules, { sellerCountry: 'DE', buyerCountry, customerType, taxClass, buyerVatId, date: '2026-11-30' });
      return [rule.ruleId, rule.rate.toString(), rule.category, rule.exemptionCode ?? '', rule.exemptionText ?? ''];
    };
    expect([pick('DE', 'B2B'), pick('DE', 'B2C', 'reduced'), pick('AT', 'B2B', 'standard', 'ATU123'), pick('FR', 'B2C'), pick('US', 'B2B')]).toEqual([
      ['EXAMPLE-DE-S', '19', 'S', '', ''],
      ['EXAMPLE-DE-R', '7', 'S', '', ''],
      ['EXAMPLE-DE-EU-B2B', '0', 'AE', 'VATEX-EU-AE', 'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL)'],
      ['EXAMPLE-DE-EU-B2C', '19', 'S', '', ''],
      ['EXAMPLE-DE-EXPORT', '0', 'G', 'VATEX-EU-G', 'Nicht im Inland steuerbare Leistung bzw. steuerfreie Ausfuhr (Kunde außerhalb der EU)'],
    ]);
  });

  it('follow the seller country and language (French rates and notes for FR, Swiss rates for CH), none for a country it does not know', () => {
    expect(starterTaxRules('FR').map((r) => [r.ruleId, r.rate])).toEqual([
      ['EXAMPLE-FR-S', 20],
      ['EXAMPLE-FR-R', 5.5],
      ['EXAMPLE-FR-EU-B2B', 0],
      ['EXAMPLE-FR-EU-B2C', 20],
      ['EXAMPLE-FR-EU-B2C-R', 5.5],
      ['EXAMPLE-FR-EXPORT', 0],
    ]);
    expect(starterTaxRules('FR').find((r) => r.category === 'AE')!.exemptionText).toMatch(/^Autoliquidation/);
    expect(starterTaxRules('DE', 'en').find((r) => r.category === 'AE')!.exemptionText).toMatch(/^Reverse charge/);
    expect(starterTaxRules('CH').map((r) => [r.ruleId, r.rate, r.category])).toEqual([
      ['EXAMPLE-CH-S', 8.1, 'S'],
      ['EXAMPLE-CH-R', 2.6, 'S'],
      ['EXAMPLE-CH-EXPORT-EU', 0, 'G'],
      ['EXAMPLE-CH-EXPORT', 0, 'G'],
    ]);
    expect(starterTaxRules('ZZ')).toEqual([]);
  });

  it('are marked as examples: a run warns once, listing them, and no rule lacks its legal note', () => {
    const raw: RawWorkbook = { Settings: sheet('Settings', [DE_TENANT]), TaxRules: sheet('TaxRules', starterTaxRules('DE')) };
    const ds = loadDataset(raw);
    expect(ds.cellWarnings.map((w) => [w.sheet, w.column, w.message])).toEqual([
      ['TaxRules', 'Rule ID', '6 example tax rules (rows 2, 3, 4, 5, 6, 7) not checked yet: check rate, category and texts with your tax adviser, then rename the Rule ID without EXAMPLE-'],
    ]);
  });
});
