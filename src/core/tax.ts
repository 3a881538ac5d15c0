// Tax rules: seller country × buyer country × tax class × customer type → rate and EN 16931 category.
import type { IsoDate } from './dates';
import { BillingError } from './errors';
import type { TaxRule } from './model';

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
