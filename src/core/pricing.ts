// Price models: per unit, flat fee, graduated and volume tiers, packages.
import { D, Decimal, ZERO, roundMoney, type RoundingMode } from './money';
import { parseDecimal } from './cells';
import { BillingError } from './errors';
import type { PriceModel } from './model';

export interface Tier {
  /** Lower bound as written (for labels). */
  from: Decimal;
  /** Inclusive upper bound; undefined = open-ended. */
  upTo?: Decimal;
  price: Decimal;
  /** Flat fee charged once when the tier is reached (graduated) or selected (volume). */
  flat: Decimal;
}

/** One priced part of a line: quantity × unit price (a tier, a fee, or the whole). */
export interface PriceComponent {
  label?: string;
  quantity: Decimal;
  unitPrice: Decimal;
}

export interface PriceSpec {
  model: PriceModel;
  price: Decimal;
  tiers?: string;
  packageSize?: Decimal;
  freeUnits?: Decimal;
}

/**
 * Tiers as written in the Products sheet: "1-100: 0.10; 101-500: 0.08 + 5; 501+: 0.05".
 * A tier covers quantities above the previous tier's upper bound up to its own (inclusive).
 * "101-500" after "1-100" (whole units) and "100-500" after "0-100" both mean "above 100".
 * The first tier starts at 0 or 1, the last is open-ended ("501+"), and gaps or overlaps are errors.
 */
export function parseTiers(text: string, locale: 'de' | 'en' = 'en'): readonly Tier[] {
  const key = `${locale}\u0000${text}`;
  const hit = tierCache.get(key);
  if (hit) return hit;
  const tiers = readTiers(text, locale);
  if (tierCache.size > 1000) tierCache.clear();
  tierCache.set(key, tiers);
  return tiers;
}

/** Parsed tiers per text: a run prices the same few tier texts thousands of times. */
const tierCache = new Map<string, readonly Tier[]>();

function readTiers(text: string, locale: 'de' | 'en'): Tier[] {
  const parts = text
    .split(/[;\n|]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) throw new BillingError('tiers are empty');
  const tiers: Tier[] = [];
  for (const part of parts) {
    const m = /^(\d+(?:[.,]\d+)*)\s*(?:-\s*(\d+(?:[.,]\d+)*)|(\+))\s*:\s*([^+]+?)\s*(?:\+\s*(.+))?$/.exec(part);
    if (!m) throw new BillingError(`tier "${part}" is not "from-to: price" or "from+: price" (optionally "+ flat fee")`);
    const num = (s: string, what: string) => {
      const n = parseDecimal(s, locale);
      if (!n || n.isNeg()) throw new BillingError(`tier "${part}": ${what} "${s}" is not a non-negative number`);
      return n;
    };
    // Bounds are read in the sheet's locale like prices: "1,000" is a thousand in en, 1.0 in de.
    const from = num(m[1], 'bound');
    const upTo = m[2] !== undefined ? num(m[2], 'bound') : undefined;
    tiers.push({ from, upTo, price: num(m[4], 'price'), flat: m[5] ? num(m[5], 'flat fee') : ZERO });
  }
  let prev: Decimal | undefined;
  tiers.forEach((t, i) => {
    const name = `tier ${i + 1}`;
    if (i === 0 && !(t.from.eq(0) || t.from.eq(1))) throw new BillingError(`${name} must start at 0 or 1, not ${t.from}`);
    if (prev !== undefined) {
      if (t.from.lt(prev)) throw new BillingError(`${name} starts at ${t.from}, overlapping the previous tier that ends at ${prev}`);
      if (t.from.gt(prev.plus(1))) throw new BillingError(`gap between ${prev} and ${t.from} before ${name}`);
    }
    if (t.upTo === undefined && i !== tiers.length - 1) throw new BillingError(`${name} is open-ended but is not the last tier`);
    if (t.upTo?.lt(t.from)) throw new BillingError(`${name} ends at ${t.upTo} before it starts at ${t.from}`);
    prev = t.upTo;
  });
  if (tiers[tiers.length - 1].upTo !== undefined) throw new BillingError(`the last tier must be open-ended, e.g. "${tiers[tiers.length - 1].upTo!.plus(1)}+: price"`);
  return tiers;
}

const tierLabel = (t: Tier) => (t.upTo === undefined ? `${t.from}+` : `${t.from}–${t.upTo}`);

/**
 * The priced components of `quantity` units under a price model.
 * - per_unit: quantity × price. flat: one fee whatever the quantity.
 * - graduated: each tier's units at that tier's price, plus the flat fee of every tier reached.
 * - volume: all units at the price of the tier the quantity falls in, plus that tier's flat fee.
 * - package: ceil((quantity − free units) / package size) packages × price.
 */
export function priceComponents(spec: PriceSpec, quantity: Decimal, locale: 'de' | 'en' = 'en'): PriceComponent[] {
  switch (spec.model) {
    case 'per_unit':
      return [{ quantity, unitPrice: spec.price }];
    case 'flat':
      return [{ quantity: new D(1), unitPrice: spec.price }];
    case 'graduated':
    case 'volume': {
      if (!spec.tiers) throw new BillingError(`price model ${spec.model} needs tiers`);
      const tiers = parseTiers(spec.tiers, locale);
      if (quantity.lte(0)) return [];
      let lower: Decimal = ZERO;
      const out: PriceComponent[] = [];
      for (const t of tiers) {
        const inTier = t.upTo === undefined || quantity.lte(t.upTo);
        if (spec.model === 'volume') {
          if (inTier) {
            out.push({ label: tierLabel(t), quantity, unitPrice: t.price });
            if (!t.flat.isZero()) out.push({ label: `${tierLabel(t)} fee`, quantity: new D(1), unitPrice: t.flat });
            return out;
          }
        } else {
          const top = inTier ? quantity : t.upTo!;
          const units = top.minus(lower);
          if (units.gt(0)) {
            out.push({ label: tierLabel(t), quantity: units, unitPrice: t.price });
            if (!t.flat.isZero()) out.push({ label: `${tierLabel(t)} fee`, quantity: new D(1), unitPrice: t.flat });
          }
          if (inTier) return out;
        }
        lower = t.upTo ?? lower;
      }
      return out;
    }
    case 'package': {
      const size = spec.packageSize;
      if (!size || size.lte(0)) throw new BillingError('price model package needs a Package Size above 0');
      const billable = Decimal.max(ZERO, quantity.minus(spec.freeUnits ?? ZERO));
      const packages = new D(billable.div(size).ceil());
      if (packages.isZero()) return [];
      return [{ label: `${packages} × ${size}`, quantity: packages, unitPrice: spec.price }];
    }
  }
}

/**
 * A line's net: quantity × period factor × unit price, less the discount, rounded once to the
 * currency unit. Nothing before this step is rounded.
 */
export function lineNet(quantity: Decimal, unitPrice: Decimal, opts: { factor?: Decimal; discountPercent?: Decimal; currency: string; mode?: RoundingMode }): Decimal {
  let v = quantity.times(unitPrice);
  if (opts.factor) v = v.times(opts.factor);
  if (opts.discountPercent && !opts.discountPercent.isZero()) v = v.times(new D(100).minus(opts.discountPercent)).div(100);
  return roundMoney(v, opts.currency, opts.mode);
}
