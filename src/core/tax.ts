// Tax rules: seller country × buyer country × tax class × customer type → rate and EN 16931 category.
import type { IsoDate } from './dates';
import { BillingError } from './errors';
import type { TaxRule } from './model';
import type { ParsedRow, RowError } from './table';

export const EU_COUNTRIES = new Set(['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK']);

export interface TaxQuery {
  sellerCountry: string;
  buyerCountry: string;
  customerType: 'B2B' | 'B2C';
  buyerVatId?: string;
  taxClass: string;
  date: IsoDate;
}

export interface TaxSituation {
  /** Customer type used for the lookup: an EU business abroad without a VAT ID is taxed as B2C. */
  customerType: 'B2B' | 'B2C';
  warning?: string;
}

export function taxSituation(q: Pick<TaxQuery, 'sellerCountry' | 'buyerCountry' | 'customerType' | 'buyerVatId'>): TaxSituation {
  const crossEu = EU_COUNTRIES.has(q.sellerCountry) && EU_COUNTRIES.has(q.buyerCountry) && q.sellerCountry !== q.buyerCountry;
  if (q.customerType === 'B2B' && crossEu && !q.buyerVatId) {
    return { customerType: 'B2C', warning: `business customer in ${q.buyerCountry} has no VAT ID: taxed as a consumer (no reverse charge)` };
  }
  return { customerType: q.customerType };
}

function buyerScore(rule: string, q: TaxQuery): number {
  if (rule === q.buyerCountry) return 3;
  const buyerEu = EU_COUNTRIES.has(q.buyerCountry);
  if (rule === 'EU') return buyerEu && q.buyerCountry !== q.sellerCountry ? 2 : -1;
  if (rule === 'NON-EU') return !buyerEu && q.buyerCountry !== q.sellerCountry ? 2 : -1;
  return rule === '*' ? 1 : -1;
}

const exactOrStar = (rule: string, value: string) => (rule === value ? 2 : rule === '*' ? 1 : -1);

/**
 * The most specific rule that matches: an exact buyer country beats EU/NON-EU beats *, then
 * an exact seller country, tax class and customer type beat *. Two equally specific matches are an error.
 */
export function resolveTax(rules: readonly TaxRule[], query: TaxQuery): { rule: TaxRule; warning?: string } {
  const situation = taxSituation(query);
  const q = { ...query, customerType: situation.customerType };
  let best: TaxRule | undefined;
  let bestScore: number[] = [];
  let tie: TaxRule | undefined;
  for (const r of rules) {
    if ((r.validFrom && q.date < r.validFrom) || (r.validTo && q.date > r.validTo)) continue;
    const score = [
      buyerScore(r.buyerCountry.toUpperCase(), q),
      exactOrStar(r.sellerCountry.toUpperCase(), q.sellerCountry),
      exactOrStar(r.taxClass.toLowerCase(), q.taxClass.toLowerCase()),
      exactOrStar(r.customerType, q.customerType),
    ];
    if (score.some((s) => s < 0)) continue;
    const cmp = compareScores(score, bestScore);
    if (!best || cmp > 0) {
      best = r;
      bestScore = score;
      tie = undefined;
    } else if (cmp === 0) tie = r;
  }
  if (!best) {
    throw new BillingError(`no tax rule for seller ${q.sellerCountry}, buyer ${q.buyerCountry}, tax class "${q.taxClass}", ${q.customerType} on ${q.date}: add a row to TaxRules`);
  }
  if (tie) throw new BillingError(`tax rules ${best.ruleId} and ${tie.ruleId} both match equally (seller ${q.sellerCountry}, buyer ${q.buyerCountry}, class "${q.taxClass}", ${q.customerType})`);
  return { rule: best, warning: situation.warning };
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== (b[i] ?? -9)) return a[i] - (b[i] ?? -9);
  return 0;
}

/** EN 16931 categories whose VAT breakdown needs an exemption reason (BR-AE-10, BR-E-10, BR-G-10, BR-IC-10, BR-O-10): the invoice's legal note. */
export const NEEDS_EXEMPTION_TEXT: readonly string[] = ['AE', 'E', 'G', 'K', 'O'];
/** Rule IDs of the starter rules a new workbook gets (starterTaxRules.ts): examples until someone checks and renames them. */
export const EXAMPLE_RULE_PREFIX = 'EXAMPLE-';

/**
 * What a run says about the TaxRules sheet: a reverse-charge or exempt rule without the legal note
 * the invoice must print, and starter rules nobody has checked yet.
 */
export function taxRuleWarnings(rows: readonly ParsedRow<TaxRule>[]): RowError[] {
  const out: RowError[] = [];
  for (const { row, record: r } of rows) {
    if (NEEDS_EXEMPTION_TEXT.includes(r.category) && !r.exemptionText) {
      out.push({
        sheet: 'TaxRules',
        row,
        column: 'Exemption Text',
        value: '',
        message: `rule ${r.ruleId} (category ${r.category}) has no exemption text: invoices it taxes must state why no VAT is charged (e.g. reverse charge, export); add the legal note`,
      });
    }
  }
  const examples = rows.filter((r) => r.record.ruleId.toUpperCase().startsWith(EXAMPLE_RULE_PREFIX));
  if (examples.length) {
    out.push({
      sheet: 'TaxRules',
      row: examples[0].row,
      column: 'Rule ID',
      value: examples.map((r) => r.record.ruleId).join(', '),
      message: `${examples.length} example tax rule${examples.length > 1 ? 's' : ''} (rows ${examples.map((r) => r.row).join(', ')}) not checked yet: check rate, category and texts with your tax adviser, then rename the Rule ID without ${EXAMPLE_RULE_PREFIX}`,
    });
  }
  return out;
}
