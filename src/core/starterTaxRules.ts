// The TaxRules a new workbook starts with (`billing init` without --demo, and Google setup when it
// creates the TaxRules sheet), for the tenant's country: domestic standard and reduced rate, EU
// business customers (reverse charge), EU consumers, and customers outside the EU (export). They
// are examples: their Rule IDs start with EXAMPLE-, and every run warns until they are checked
// and renamed (tax.ts, taxRuleWarnings). Rates as of 2026.
import { EU_COUNTRIES, EXAMPLE_RULE_PREFIX } from './tax';

type Language = 'de' | 'en' | 'fr';

/** Standard and reduced VAT rate per seller country this file knows. */
const RATES: Record<string, { standard: number; reduced: number; language: Language }> = {
  DE: { standard: 19, reduced: 7, language: 'de' },
  AT: { standard: 20, reduced: 10, language: 'de' },
  FR: { standard: 20, reduced: 5.5, language: 'fr' },
  BE: { standard: 21, reduced: 6, language: 'fr' },
  LU: { standard: 17, reduced: 8, language: 'fr' },
  NL: { standard: 21, reduced: 9, language: 'en' },
  IT: { standard: 22, reduced: 10, language: 'en' },
  ES: { standard: 21, reduced: 10, language: 'en' },
  PL: { standard: 23, reduced: 8, language: 'en' },
  IE: { standard: 23, reduced: 13.5, language: 'en' },
  CH: { standard: 8.1, reduced: 2.6, language: 'de' },
};

/** The country a new workbook's rules are for when no tenant names one yet. */
export const STARTER_DEFAULT_COUNTRY = 'DE';
/** The countries with example tax rules (ISO codes). */
export const STARTER_COUNTRIES: readonly string[] = Object.keys(RATES);

const REVERSE_CHARGE: Record<Language, string> = {
  de: 'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL)',
  en: 'Reverse charge: VAT to be paid by the recipient (Art. 196 Council Directive 2006/112/EC)',
  fr: 'Autoliquidation : TVA due par le preneur (article 196 de la directive 2006/112/CE)',
};

const EXPORT: Record<Language, string> = {
  de: 'Nicht im Inland steuerbare Leistung bzw. steuerfreie Ausfuhr (Kunde außerhalb der EU)',
  en: "Not subject to VAT in the seller's country: export to a customer outside the EU",
  fr: 'Opération non soumise à la TVA du pays du vendeur : exportation, client hors UE',
};

const EXPORT_CH: Record<Language, string> = {
  de: 'Nicht in der Schweiz steuerbare Leistung bzw. steuerfreie Ausfuhr (Kunde im Ausland)',
  en: 'Not subject to Swiss VAT: export to a customer abroad',
  fr: 'Opération non soumise à la TVA suisse : exportation, client à l’étranger',
};

/** A TaxRules row as cells (the sheet's keys). */
export type StarterRule = Record<'ruleId' | 'sellerCountry' | 'buyerCountry' | 'taxClass' | 'customerType' | 'category', string> & {
  rate: number;
  exemptionCode?: string;
  exemptionText?: string;
};

/** Whether starter rules exist for a seller country. */
export function hasStarterRules(country: string): boolean {
  return country.toUpperCase() in RATES;
}

/**
 * The example rules for a seller country (ISO code), legal notes in `language` (default: the
 * country's). An unknown country gets none: a run then says which rule is missing.
 */
export function starterTaxRules(country: string, language?: Language): StarterRule[] {
  const c = country.toUpperCase();
  const known = RATES[c];
  if (!known) return [];
  const lang = language ?? known.language;
  const id = (s: string) => `${EXAMPLE_RULE_PREFIX}${c}-${s}`;
  const rule = (ruleId: string, buyerCountry: string, taxClass: string, customerType: string, rate: number, category: string, more: Partial<StarterRule> = {}): StarterRule => ({
    ruleId: id(ruleId),
    sellerCountry: c,
    buyerCountry,
    taxClass,
    customerType,
    rate,
    category,
    ...more,
  });
  const domestic = [rule('S', c, 'standard', '*', known.standard, 'S'), rule('R', c, 'reduced', '*', known.reduced, 'S')];
  if (!EU_COUNTRIES.has(c)) {
    const text = { exemptionCode: 'VATEX-EU-G', exemptionText: EXPORT_CH[lang] };
    return [...domestic, rule('EXPORT-EU', 'EU', '*', '*', 0, 'G', text), rule('EXPORT', 'NON-EU', '*', '*', 0, 'G', text)];
  }
  return [
    ...domestic,
    rule('EU-B2B', 'EU', '*', 'B2B', 0, 'AE', { exemptionCode: 'VATEX-EU-AE', exemptionText: REVERSE_CHARGE[lang] }),
    // Below the EU-wide EUR 10,000 threshold a consumer in another EU country pays the seller's VAT;
    // above it (or for digital services past it), the customer's country's rate (OSS): add rows per country then.
    rule('EU-B2C', 'EU', 'standard', 'B2C', known.standard, 'S'),
    rule('EU-B2C-R', 'EU', 'reduced', 'B2C', known.reduced, 'S'),
    rule('EXPORT', 'NON-EU', '*', '*', 0, 'G', { exemptionCode: 'VATEX-EU-G', exemptionText: EXPORT[lang] }),
  ];
}
