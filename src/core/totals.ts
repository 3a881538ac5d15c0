// Invoice totals as EN 16931 computes them: line nets are already rounded; tax is computed per
// VAT category and rate from the sum of that group's line nets and rounded once (BR-CO-14, BR-S-08).
import { type Decimal, ZERO, formatAmount, roundMoney, roundToIncrement, sum, type RoundingMode } from './money';
import type { InvoiceLine, TaxCategory } from './model';

export interface TaxGroup {
  category: TaxCategory;
  rate: Decimal;
  taxable: Decimal;
  tax: Decimal;
  exemptionCode?: string;
  exemptionText?: string;
}

export interface Totals {
  net: Decimal;
  tax: Decimal;
  gross: Decimal;
  /** Cash rounding of the payable total (BT-114), not taxed. */
  rounding: Decimal;
  payable: Decimal;
  groups: TaxGroup[];
}

export interface TotalsOptions {
  currency: string;
  mode?: RoundingMode;
  /** Cash increment such as 0.05; undefined or 0 = none. */
  cashIncrement?: Decimal;
}

type TaxedLine = Pick<InvoiceLine, 'net' | 'taxCategory' | 'taxRate' | 'exemptionCode' | 'exemptionText'>;

export function computeTotals(lines: readonly TaxedLine[], o: TotalsOptions): Totals {
  const byGroup = new Map<string, TaxGroup>();
  for (const l of lines) {
    const key = `${l.taxCategory}|${l.taxRate.toString()}`;
    const g = byGroup.get(key);
    if (g) g.taxable = g.taxable.plus(l.net);
    else byGroup.set(key, { category: l.taxCategory, rate: l.taxRate, taxable: l.net, tax: ZERO, exemptionCode: l.exemptionCode, exemptionText: l.exemptionText });
  }
  const groups = [...byGroup.values()].sort((a, b) => (a.category === b.category ? a.rate.cmp(b.rate) : a.category < b.category ? -1 : 1));
  for (const g of groups) g.tax = roundMoney(g.taxable.times(g.rate).div(100), o.currency, o.mode);
  const net = sum(lines.map((l) => l.net));
  const tax = sum(groups.map((g) => g.tax));
  const gross = net.plus(tax);
  const payable = o.cashIncrement?.gt(0) ? roundToIncrement(gross, o.cashIncrement, o.mode) : gross;
  return { net, tax, gross, rounding: payable.minus(gross), payable, groups };
}

/** "S 19%: 100.00 → 19.00; AE 0%: 50.00 → 0.00" for the ledger's Tax Summary column. */
export function taxSummary(groups: readonly TaxGroup[], currency: string): string {
  return groups.map((g) => `${g.category} ${g.rate.toString()}%: ${formatAmount(g.taxable, currency)} → ${formatAmount(g.tax, currency)}`).join('; ');
}
